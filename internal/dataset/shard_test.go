package dataset

import (
	"errors"
	"fmt"
	"testing"
)

// TestShardOfReference: the assignment is the documented formula; the
// expected shards were computed with Python's hashlib
// (int.from_bytes(sha256(id).digest()[:8], "big") % n), not with this code.
func TestShardOfReference(t *testing.T) {
	tests := []struct {
		id          string
		n4, n16, n7 int
	}{
		{"row-01", 2, 10, 1},
		{"row-02", 3, 15, 0},
		{"a", 2, 10, 4},
		{"COCO_val2014_000000000042", 3, 7, 4},
		{"12345", 2, 10, 6},
	}
	for _, tc := range tests {
		for n, want := range map[int]int{4: tc.n4, 16: tc.n16, 7: tc.n7} {
			if got := ShardOf(tc.id, n); got != want {
				t.Errorf("ShardOf(%q, %d) = %d, want %d", tc.id, n, got, want)
			}
		}
	}
}

// TestShardsPartitionRows: every row is in exactly one shard, appending
// rows moves none, and the shards are roughly even.
func TestShardsPartitionRows(t *testing.T) {
	f := &File{}
	for i := range 4000 {
		f.Rows = append(f.Rows, Row{ID: fmt.Sprintf("img-%05d", i)})
	}
	const n = 8
	owner := map[string]int{}
	for i := range n {
		rows := f.Select(Shard{Index: i, Count: n})
		if len(rows) < 4000/n*8/10 || len(rows) > 4000/n*12/10 {
			t.Errorf("shard %d/%d has %d of 4000 rows: too uneven", i, n, len(rows))
		}
		for _, r := range rows {
			if prev, dup := owner[r.ID]; dup {
				t.Fatalf("row %s in shards %d and %d", r.ID, prev, i)
			}
			owner[r.ID] = i
		}
	}
	if len(owner) != len(f.Rows) {
		t.Fatalf("%d rows assigned of %d", len(owner), len(f.Rows))
	}
	longer := &File{Rows: append([]Row{{ID: "new-first"}}, f.Rows...)}
	longer.Rows = append(longer.Rows, Row{ID: "new-last"})
	for i := range n {
		for _, r := range longer.Select(Shard{Index: i, Count: n}) {
			if prev, ok := owner[r.ID]; ok && prev != i {
				t.Fatalf("adding rows moved %s from shard %d to %d", r.ID, prev, i)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := map[string]struct {
		want Shard
		bad  bool
	}{
		"0/1":   {want: Shard{0, 1}},
		"3/16":  {want: Shard{3, 16}},
		" 2/4 ": {want: Shard{2, 4}},
		"4/4":   {bad: true},
		"-1/4":  {bad: true},
		"1/0":   {bad: true},
		"1":     {bad: true},
		"a/b":   {bad: true},
	}
	for in, tc := range tests {
		got, err := ParseShard(in)
		if tc.bad {
			if !errors.Is(err, ErrShard) {
				t.Errorf("ParseShard(%q) = %v, %v; want ErrShard", in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, tc.want)
		}
	}
}
