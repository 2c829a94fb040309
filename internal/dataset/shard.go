package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// MaxShards bounds a run's shard count.
const MaxShards = 1 << 20

// Shard is one part of a sharded run: Index of Count (0 ≤ Index < Count).
// The zero value is not valid; a run that is not sharded is 0/1.
type Shard struct{ Index, Count int }

// Whole is the shard of an unsharded run: every row.
var Whole = Shard{Index: 0, Count: 1}

// String writes the shard as i/n.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Validate checks 0 ≤ Index < Count ≤ MaxShards.
func (s Shard) Validate() error {
	if s.Count < 1 || s.Count > MaxShards || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: %w (want 0 <= i < n <= %d)", s.Index, s.Count, ErrShard, MaxShards)
	}
	return nil
}

// ParseShard parses i/n.
func ParseShard(v string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: %w (want i/n, e.g. 3/16)", v, ErrShard)
	}
	s := Shard{Index: i, Count: n}
	return s, s.Validate()
}

// ShardOf is the shard of n that owns the row with the given id: the first
// 8 bytes of the SHA-256 of the id, read as a big-endian unsigned integer,
// modulo n. It depends on the id alone, so appending rows to a dataset
// moves no existing row to another shard, and any tool can recompute it.
func ShardOf(id string, n int) int {
	sum := sha256.Sum256([]byte(id))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// Owns says whether the shard owns the row with the given id.
func (s Shard) Owns(id string) bool { return ShardOf(id, s.Count) == s.Index }

// Select returns the rows the shard owns, in file order.
func (f *File) Select(s Shard) []Row {
	var out []Row
	for _, r := range f.Rows {
		if s.Owns(r.ID) {
			out = append(out, r.clone())
		}
	}
	return out
}
