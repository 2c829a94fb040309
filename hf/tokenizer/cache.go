package tokenizer

import "sync"

// wordCacheCapacity bounds the number of words whose BPE result is kept, as
// Hugging Face's BPE cache does (10,000 entries; once full, new words are
// merged but not stored).
const wordCacheCapacity = 10000

// wordCacheMaxWordLen is the longest word (in bytes) worth caching; longer
// ones are rare and would pin memory.
const wordCacheMaxWordLen = 256

// wordCache maps a pre-tokenized word to its token ids. It is safe for
// concurrent use; stored slices are never modified.
type wordCache struct {
	mu       sync.RWMutex
	ids      map[string][]int32
	capacity int
}

// newWordCache returns an empty cache holding at most capacity words.
func newWordCache(capacity int) *wordCache {
	return &wordCache{ids: make(map[string][]int32, 1024), capacity: capacity}
}

// get returns the cached ids of word.
func (c *wordCache) get(word string) ([]int32, bool) {
	c.mu.RLock()
	ids, ok := c.ids[word]
	c.mu.RUnlock()
	return ids, ok
}

// put stores the ids of word unless the cache is full or the word long.
func (c *wordCache) put(word string, ids []int32) {
	if len(word) > wordCacheMaxWordLen {
		return
	}
	c.mu.Lock()
	if len(c.ids) < c.capacity {
		c.ids[word] = ids
	}
	c.mu.Unlock()
}
