package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
)

// A merge table is built from the merges list by looking each merge's two
// parts and their concatenation up in the vocabulary: for Gemma 3 that is
// 1.5 million lookups in a 262,144-entry map, each a cache miss or two,
// which dominates loading. buildMergeTable therefore scans the list once,
// resolves the lookups on every core, and fills the table.

// mergeRef locates one merge's parts in an arena: a at off, then b.
type mergeRef struct {
	off    uint32
	la, lb uint16
}

// resolvedMerge is one merge as ids.
type resolvedMerge struct {
	key  mergeKey
	rule mergeRule
}

// minMergesPerWorker keeps small tokenizers on one goroutine.
const minMergesPerWorker = 1 << 15

// buildMergeTable turns the raw merges list into the table BPE uses: the
// pair of ids → the merge's rank and result. A merge whose parts or result
// are not in the vocabulary is an error naming the lowest such rank; of two
// merges of the same pair the later wins, as in Hugging Face.
func buildMergeTable(vocab map[string]int32, mergesRaw json.RawMessage) (map[mergeKey]mergeRule, error) {
	arena := make([]byte, 0, len(mergesRaw)/2)
	refs := make([]mergeRef, 0, mergeCountHint(mergesRaw))
	err := forEachMerge(mergesRaw, func(rank int, a, b []byte) error {
		if len(a) > 0xffff || len(b) > 0xffff || len(arena) > 0xffffffff-len(a)-len(b) {
			return fmt.Errorf("merge %d is too long: %w", rank, ErrMalformed)
		}
		refs = append(refs, mergeRef{off: uint32(len(arena)), la: uint16(len(a)), lb: uint16(len(b))})
		arena = append(append(arena, a...), b...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	resolved := make([]resolvedMerge, len(refs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(refs)/minMergesPerWorker))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(refs)/workers, (w+1)*len(refs)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = resolveMerges(vocab, arena, refs, resolved, lo, hi)
		}()
	}
	wg.Wait()
	for _, err := range errs { // chunks are in rank order: the first error has the lowest rank
		if err != nil {
			return nil, err
		}
	}
	table := make(map[mergeKey]mergeRule, len(resolved))
	for _, r := range resolved {
		table[r.key] = r.rule
	}
	return table, nil
}

// resolveMerges looks up merges lo..hi−1 into resolved, stopping at the
// first that fails.
func resolveMerges(vocab map[string]int32, arena []byte, refs []mergeRef, resolved []resolvedMerge, lo, hi int) error {
	var lastJoined []byte
	lastResult := int32(-1)
	for rank := lo; rank < hi; rank++ {
		ref := refs[rank]
		joined := arena[ref.off : ref.off+uint32(ref.la)+uint32(ref.lb)]
		a, b := joined[:ref.la], joined[ref.la:]
		// string(bytes) in a map index does not allocate.
		left, ok := vocab[string(a)]
		if !ok {
			return fmt.Errorf("merge %d (%q %q): %q is not in the vocabulary: %w", rank, a, b, a, ErrMalformed)
		}
		right, ok := vocab[string(b)]
		if !ok {
			return fmt.Errorf("merge %d (%q %q): %q is not in the vocabulary: %w", rank, a, b, b, ErrMalformed)
		}
		// Merges derived from a SentencePiece model list every split of a
		// piece in a row (half of Gemma 3's share the previous result).
		result := lastResult
		if result < 0 || !bytes.Equal(joined, lastJoined) {
			if result, ok = vocab[string(joined)]; !ok {
				return fmt.Errorf("merge %d (%q %q): result %q is not in the vocabulary: %w", rank, a, b, joined, ErrMalformed)
			}
			lastJoined, lastResult = joined, result
		}
		resolved[rank] = resolvedMerge{mergeKey{left, right}, mergeRule{rank: int32(rank), result: result}}
	}
	return nil
}

// mergeCountHint estimates the number of merges in raw from above, to
// size the tables once: one comma follows each entry but the last, and a
// pair has one more inside it.
func mergeCountHint(raw json.RawMessage) int {
	n := bytes.Count(raw, []byte{','}) + 1
	if bytes.Count(raw, []byte{'['}) > 1 { // ["a", "b"] pairs
		n = n/2 + 1
	}
	return n
}
