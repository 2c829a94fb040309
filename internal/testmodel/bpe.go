package testmodel

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dlclark/regexp2"
)

// qwenSplitPattern is the pre-tokenizer regex of the Qwen2/Qwen3
// tokenizer.json (its Split step, behaviour Isolated). The trainer splits
// the corpus with it so that the merges it learns are the ones the
// tokenizer can use: no merge crosses a pre-token boundary.
const qwenSplitPattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

// bpeModel is a learned byte-level BPE.
type bpeModel struct {
	// vocab lists the tokens by id, in byte-level spelling: the 256 byte
	// symbols in bytes_to_unicode order, then one token per merge.
	vocab []string
	// merges[i] is the pair whose concatenation is vocab[256+i].
	merges [][2]string
}

// trainBPE learns numMerges merges from corpus, deterministically: the
// corpus is split into pre-tokens with the Qwen regex and each pre-token is
// spelled in byte symbols; then, numMerges times, the adjacent pair with
// the highest count (ties broken by the smaller left, then right, token
// string) whose concatenation is not yet a token becomes a merge and is
// applied everywhere. The corpus must be NFC (ASCII is), since the
// tokenizer normalizes before it splits.
func trainBPE(corpus string, numMerges int) (*bpeModel, error) {
	words, err := countPreTokens(corpus)
	if err != nil {
		return nil, err
	}
	m := &bpeModel{}
	ids := map[string]int32{}
	symbols, order := byteAlphabet()
	var byteID [256]int32
	for _, b := range order {
		byteID[b] = int32(len(m.vocab))
		ids[symbols[b]] = byteID[b]
		m.vocab = append(m.vocab, symbols[b])
	}
	for i := range words {
		for _, b := range []byte(words[i].text) {
			words[i].symbols = append(words[i].symbols, byteID[b])
		}
	}
	counts := map[uint64]int{}
	for len(m.merges) < numMerges {
		clear(counts)
		for _, w := range words {
			for i := 0; i+1 < len(w.symbols); i++ {
				counts[pairKey(w.symbols[i], w.symbols[i+1])] += w.count
			}
		}
		left, right, ok := bestPair(counts, m.vocab, ids)
		if !ok {
			return nil, fmt.Errorf("train tokenizer: the corpus yields only %d of %d merges", len(m.merges), numMerges)
		}
		merged := int32(len(m.vocab))
		tok := m.vocab[left] + m.vocab[right]
		ids[tok] = merged
		m.vocab = append(m.vocab, tok)
		m.merges = append(m.merges, [2]string{m.vocab[left], m.vocab[right]})
		for i := range words {
			words[i].symbols = applyMerge(words[i].symbols, left, right, merged)
		}
	}
	return m, nil
}

// word is one distinct pre-token of the corpus, spelled in current token
// ids, with its number of occurrences.
type word struct {
	text    string
	symbols []int32
	count   int
}

// countPreTokens splits text with the Qwen regex and returns its distinct
// pre-tokens, sorted.
func countPreTokens(text string) ([]word, error) {
	re, err := regexp2.Compile(qwenSplitPattern, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("train tokenizer: compile the split regex: %w", err)
	}
	counts := map[string]int{}
	match, err := re.FindStringMatch(text)
	for ; match != nil && err == nil; match, err = re.FindNextMatch(match) {
		counts[match.String()]++
	}
	if err != nil {
		return nil, fmt.Errorf("train tokenizer: split the corpus: %w", err)
	}
	words := make([]word, 0, len(counts))
	for _, text := range slices.Sorted(maps.Keys(counts)) {
		words = append(words, word{text: text, count: counts[text]})
	}
	return words, nil
}

// pairKey packs two token ids into one map key.
func pairKey(left, right int32) uint64 { return uint64(left)<<32 | uint64(uint32(right)) }

// bestPair returns the most frequent pair whose concatenation is not yet
// in ids, ties broken by the smaller left, then right, token string.
func bestPair(counts map[uint64]int, vocab []string, ids map[string]int32) (left, right int32, ok bool) {
	bestCount := 0
	for key, n := range counts {
		l, r := int32(key>>32), int32(uint32(key))
		if n < bestCount {
			continue
		}
		if n == bestCount && cmp.Or(strings.Compare(vocab[l], vocab[left]), strings.Compare(vocab[r], vocab[right])) >= 0 {
			continue
		}
		if _, taken := ids[vocab[l]+vocab[r]]; taken {
			continue
		}
		left, right, bestCount = l, r, n
	}
	return left, right, bestCount > 0
}

// applyMerge joins every non-overlapping occurrence of (left, right), left
// to right, into merged.
func applyMerge(symbols []int32, left, right, merged int32) []int32 {
	out := symbols[:0]
	for i := 0; i < len(symbols); i++ {
		if i+1 < len(symbols) && symbols[i] == left && symbols[i+1] == right {
			out = append(out, merged)
			i++
			continue
		}
		out = append(out, symbols[i])
	}
	return out
}
