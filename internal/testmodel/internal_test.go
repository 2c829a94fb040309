package testmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
)

// TestShardedWeights writes the tiny model with a small shard limit and
// checks that the shards and index hold the same tensors, with the same
// bytes, as the single file.
func TestShardedWeights(t *testing.T) {
	t.Parallel()
	p, err := NewPlan(Options{Seed: 8})
	if err != nil {
		t.Fatal(err)
	}
	single, sharded := filepath.Join(t.TempDir(), "single"), filepath.Join(t.TempDir(), "sharded")
	if err := generate(single, p, maxShardBytes); err != nil {
		t.Fatal(err)
	}
	const limit = 200_000
	if err := generate(sharded, p, limit); err != nil {
		t.Fatal(err)
	}
	shards := planShards(p, limit)
	if len(shards) < 3 {
		t.Fatalf("%d shards, want several", len(shards))
	}
	for i, s := range shards {
		var size int64
		for _, spec := range s.tensors {
			size += spec.NumElements() * p.ElementSize()
		}
		if size > limit && len(s.tensors) > 1 {
			t.Errorf("shard %d holds %d bytes in %d tensors, over the %d limit", i, size, len(s.tensors), limit)
		}
		if want := fmt.Sprintf("model-%05d-of-%05d.safetensors", i+1, len(shards)); s.file != want {
			t.Errorf("shard %d is %s, want %s", i, s.file, want)
		}
	}
	if _, err := os.Stat(filepath.Join(sharded, safetensors.SingleFileName)); !os.IsNotExist(err) {
		t.Errorf("sharded checkpoint has %s: %v", safetensors.SingleFileName, err)
	}
	var index struct {
		Metadata  map[string]int64  `json:"metadata"`
		WeightMap map[string]string `json:"weight_map"`
	}
	raw, err := os.ReadFile(filepath.Join(sharded, indexFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	if index.Metadata["total_size"] != p.WeightBytes() || len(index.WeightMap) != len(p.Tensors) {
		t.Errorf("index total_size %d for %d tensors, want %d for %d", index.Metadata["total_size"], len(index.WeightMap), p.WeightBytes(), len(p.Tensors))
	}

	a, err := safetensors.OpenDir(single)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := safetensors.OpenDir(sharded)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if len(b.Files()) != len(shards) || !slices.Equal(a.Names(), b.Names()) {
		t.Fatalf("sharded set: %d files, names equal %v", len(b.Files()), slices.Equal(a.Names(), b.Names()))
	}
	for _, name := range a.Names() {
		x, _ := a.Tensor(name)
		y, _ := b.Tensor(name)
		if !bytes.Equal(x.Data, y.Data) {
			t.Errorf("%s differs between the single file and the shards", name)
		}
	}
	// A sharded previous output is recognized and replaced.
	if err := generate(sharded, p, maxShardBytes); err != nil {
		t.Fatalf("replacing a sharded output: %v", err)
	}
}

// TestPyFloat checks float formatting against Python's repr.
func TestPyFloat(t *testing.T) {
	t.Parallel()
	cases := map[float64]string{
		0: "0.0", 0.02: "0.02", 0.5: "0.5", 1e-6: "1e-06", 1e-5: "1e-05", 1e-4: "0.0001",
		5e6: "5000000.0", 1e6: "1000000.0", 1e15: "1000000000000000.0", 1e16: "1e+16",
		-2.5: "-2.5", 1.5e-7: "1.5e-07", 123456.789: "123456.789", 1e100: "1e+100",
	}
	for x, want := range cases {
		got, err := pyFloat(x).MarshalJSON()
		if err != nil || string(got) != want {
			t.Errorf("pyFloat(%v) = %s, %v; want %s", x, got, err, want)
		}
	}
	if _, err := pyFloat(math.Inf(1)).MarshalJSON(); err == nil {
		t.Error("infinity encoded without error")
	}
}

// TestBFloat16Bits checks rounding to nearest, ties to even.
func TestBFloat16Bits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   uint32
		want uint16
	}{
		{0x3F800000, 0x3F80}, // 1
		{0x3F808000, 0x3F80}, // tie, even stays
		{0x3F818000, 0x3F82}, // tie, odd rounds up
		{0x3F808001, 0x3F81}, // above the tie
		{0x3F807FFF, 0x3F80}, // below the tie
		{0xBF808001, 0xBF81}, // negative
		{0x7F7FFFFF, 0x7F80}, // largest float32 rounds to infinity
		{0x7FC00001, 0x7FC0}, // NaN stays NaN
	}
	for _, c := range cases {
		if got := bfloat16Bits(math.Float32frombits(c.in)); got != c.want {
			t.Errorf("bfloat16Bits(%#08x) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
}

// TestTrainBPE checks the trainer's determinism and its refusal of a
// corpus too small for the merges asked for.
func TestTrainBPE(t *testing.T) {
	t.Parallel()
	a, err := trainBPE(corpus, numMerges)
	if err != nil {
		t.Fatal(err)
	}
	b, err := trainBPE(corpus, numMerges)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.vocab, b.vocab) || !slices.Equal(a.merges, b.merges) {
		t.Error("two trainings differ")
	}
	for _, w := range []string{"Ġthe", "Ġhouse", "Ġpicture", "Ġimage"} {
		if !slices.Contains(a.vocab, w) {
			t.Errorf("no token %q learned from the corpus", w)
		}
	}
	for _, tok := range a.vocab[byteTokens:] {
		if strings.Contains(strings.TrimLeft(tok, "Ġ"), "Ġ") {
			t.Errorf("token %q spans two words", tok)
		}
	}
	if _, err := trainBPE("ab ab", 10); err == nil || !strings.Contains(err.Error(), "only") {
		t.Errorf("tiny corpus: %v, want a too-few-merges error", err)
	}
	for i, r := range corpus {
		if r > 0x7F {
			t.Fatalf("corpus byte %d is non-ASCII %q: the trainer skips NFC, so keep it ASCII", i, r)
		}
	}
}
