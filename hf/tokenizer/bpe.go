package tokenizer

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// mergeKey identifies a pair of adjacent symbols by their ids.
type mergeKey struct{ left, right int32 }

// mergeRule is what a pair merges into, and how early: lower rank merges
// first.
type mergeRule struct{ rank, result int32 }

// bpeModel is a BPE model: a vocabulary, merge rules ranked by their order
// in the file, and Hugging Face's options for symbols not in the
// vocabulary.
type bpeModel struct {
	vocab  map[string]int32
	merges map[mergeKey]mergeRule
	// runeIDs holds the ids of single-rune vocabulary entries, the
	// starting symbols of every word.
	runeIDs map[rune]int32
	// byteFallbackIDs[b] is the id of "<0xXX>" when byte_fallback is on and
	// that token exists, else -1.
	byteFallbackIDs [256]int32
	byteFallback    bool
	unkID           int32 // -1 without an unk_token
	fuseUnk         bool
	ignoreMerges    bool
	cache           *wordCache
}

// encodeWord appends the ids of one pre-tokenized word to dst.
func (m *bpeModel) encodeWord(dst []int, word string) []int {
	if m.ignoreMerges {
		if id, ok := m.vocab[word]; ok {
			return append(dst, int(id))
		}
	}
	if ids, ok := m.cache.get(word); ok {
		for _, id := range ids {
			dst = append(dst, int(id))
		}
		return dst
	}
	ids := m.merge(m.initialSymbols(word))
	m.cache.put(word, ids)
	for _, id := range ids {
		dst = append(dst, int(id))
	}
	return dst
}

// initialSymbols returns the ids of word's runes, before any merge. A rune
// missing from the vocabulary becomes its "<0xXX>" byte tokens with
// byte_fallback, else the unk token, else it is dropped, as Hugging Face's
// BPE does. Like Hugging Face, an unk is only written out when the next
// known rune (or the end of the word) comes, so with fuse_unk a run of
// unknown runes gives one unk, and byte tokens found meanwhile go first.
func (m *bpeModel) initialSymbols(word string) []int32 {
	syms := make([]int32, 0, utf8.RuneCountInString(word))
	pendingUnk := false
	for i, r := range word {
		if id, ok := m.runeIDs[r]; ok {
			if pendingUnk {
				syms = append(syms, m.unkID)
				pendingUnk = false
			}
			syms = append(syms, id)
			continue
		}
		if m.byteFallback {
			n := utf8.RuneLen(r)
			if n < 0 { // invalid UTF-8 decodes as one RuneError byte
				n = 1
			}
			if ids, ok := m.fallbackBytes(word[i : i+n]); ok {
				syms = append(syms, ids...)
				continue
			}
		}
		if m.unkID >= 0 {
			if pendingUnk && !m.fuseUnk {
				syms = append(syms, m.unkID)
			}
			pendingUnk = true
		}
	}
	if pendingUnk {
		syms = append(syms, m.unkID)
	}
	return syms
}

// fallbackBytes returns the byte tokens of s, if all exist.
func (m *bpeModel) fallbackBytes(s string) ([]int32, bool) {
	ids := make([]int32, len(s))
	for i := 0; i < len(s); i++ {
		if ids[i] = m.byteFallbackIDs[s[i]]; ids[i] < 0 {
			return nil, false
		}
	}
	return ids, true
}

// merge applies merge rules to syms until none applies: always the pair
// of lowest rank, and among equal ranks the leftmost, which is the order of
// Hugging Face's priority queue.
func (m *bpeModel) merge(syms []int32) []int32 {
	n := len(syms)
	if n < 2 {
		return syms
	}
	next := make([]int32, n) // index of the next live symbol, or -1
	prev := make([]int32, n) // index of the previous live symbol, or -1
	for i := range syms {
		next[i], prev[i] = int32(i+1), int32(i-1)
	}
	next[n-1] = -1

	q := make(mergeQueue, 0, n)
	push := func(pos int32) {
		right := next[pos]
		if right < 0 {
			return
		}
		if rule, ok := m.merges[mergeKey{syms[pos], syms[right]}]; ok {
			heap.Push(&q, pendingMerge{rank: rule.rank, pos: pos, left: syms[pos], right: syms[right], result: rule.result})
		}
	}
	for i := 0; i < n-1; i++ {
		push(int32(i))
	}
	live := n
	for q.Len() > 0 {
		pm := heap.Pop(&q).(pendingMerge)
		right := next[pm.pos]
		// Skip merges made stale by an earlier one: both symbols must still
		// be the ones the merge was queued for. A symbol's id only changes
		// by growing, so equal ids mean the same symbols.
		if syms[pm.pos] != pm.left || right < 0 || syms[right] != pm.right {
			continue
		}
		syms[pm.pos] = pm.result
		syms[right] = -1
		next[pm.pos] = next[right]
		if next[right] >= 0 {
			prev[next[right]] = pm.pos
		}
		live--
		if p := prev[pm.pos]; p >= 0 {
			push(p)
		}
		push(pm.pos)
	}
	out := make([]int32, 0, live)
	for i := int32(0); i >= 0; i = next[i] {
		out = append(out, syms[i])
	}
	return out
}

// pendingMerge is a queued merge of the symbol at pos with its right
// neighbour.
type pendingMerge struct {
	rank, pos, left, right, result int32
}

// mergeQueue is a min-heap of pending merges by (rank, pos).
type mergeQueue []pendingMerge

func (q mergeQueue) Len() int { return len(q) }
func (q mergeQueue) Less(i, j int) bool {
	if q[i].rank != q[j].rank {
		return q[i].rank < q[j].rank
	}
	return q[i].pos < q[j].pos
}
func (q mergeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *mergeQueue) Push(x any)   { *q = append(*q, x.(pendingMerge)) }
func (q *mergeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// newBPEModel builds the model from the vocabulary and the raw merges
// list, whose order gives the ranks.
func newBPEModel(vocab map[string]int32, mergesRaw json.RawMessage) (*bpeModel, error) {
	m := &bpeModel{
		vocab:   vocab,
		runeIDs: make(map[rune]int32, 512),
		unkID:   -1,
		cache:   newWordCache(wordCacheCapacity),
	}
	for tok, id := range vocab {
		if r, size := utf8.DecodeRuneInString(tok); size == len(tok) && !(r == utf8.RuneError && size <= 1) {
			m.runeIDs[r] = id
		}
	}
	for i := range m.byteFallbackIDs {
		m.byteFallbackIDs[i] = -1
	}
	var err error
	if m.merges, err = buildMergeTable(vocab, mergesRaw); err != nil {
		return nil, err
	}
	return m, nil
}

// enableByteFallback turns byte_fallback on, resolving the "<0xXX>" tokens.
func (m *bpeModel) enableByteFallback() {
	m.byteFallback = true
	for b := range m.byteFallbackIDs {
		if id, ok := m.vocab[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteFallbackIDs[b] = id
		}
	}
}
