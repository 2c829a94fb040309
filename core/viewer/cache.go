package viewer

import (
	"container/list"
	"sync"
)

// cache is a least-recently-used map bounded by the bytes its values
// occupy, as reported by whoever puts them.
type cache struct {
	mu    sync.Mutex
	limit int64
	used  int64
	order *list.List // front = most recent
	items map[string]*list.Element
}

type cacheItem struct {
	key   string
	value any
	bytes int64
}

func newCache(limit int64) *cache {
	return &cache{limit: limit, order: list.New(), items: map[string]*list.Element{}}
}

func (c *cache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheItem).value, true
}

// put stores value under key; a value larger than the whole limit is not
// kept.
func (c *cache) put(key string, value any, bytes int64) {
	if bytes > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.used -= e.Value.(*cacheItem).bytes
		c.order.Remove(e)
		delete(c.items, key)
	}
	c.items[key] = c.order.PushFront(&cacheItem{key: key, value: value, bytes: bytes})
	c.used += bytes
	for c.used > c.limit {
		e := c.order.Back()
		it := e.Value.(*cacheItem)
		c.order.Remove(e)
		delete(c.items, it.key)
		c.used -= it.bytes
	}
}

// size is the bytes held.
func (c *cache) size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}
