package goldenmodel

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
)

// BFloat16Copy writes a copy of c's checkpoint whose float32 weights are
// rounded to bfloat16 (to nearest, ties to even, as torch's .to() does)
// and whose config.json says so, into a temporary directory, and returns
// it: a half-precision checkpoint checked against the same reference.
func BFloat16Copy(t testing.TB, c golden.Case) string {
	t.Helper()
	src, dst := c.Checkpoint(), t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".safetensors") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "config.json" {
			b = withDType(t, b, "bfloat16")
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := safetensors.OpenDir(src)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	var out []safetensors.Tensor
	for _, name := range set.Names() {
		ten, err := set.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		if ten.DType == safetensors.F32 {
			v, err := ten.Float32()
			if err != nil {
				t.Fatal(err)
			}
			raw := make([]byte, 2*len(v))
			for i, x := range v {
				binary.LittleEndian.PutUint16(raw[2*i:], bfloat16(x))
			}
			ten.DType, ten.Data = safetensors.BF16, raw
		} else {
			ten.Data = append([]byte(nil), ten.Data...)
		}
		out = append(out, ten)
	}
	if err := safetensors.WriteFile(filepath.Join(dst, "model.safetensors"), out, nil); err != nil {
		t.Fatal(err)
	}
	return dst
}

// bfloat16 rounds x to the nearest bfloat16, ties to even.
func bfloat16(x float32) uint16 {
	b := math.Float32bits(x)
	if x != x { // NaN
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// withDType sets config.json's dtype (and torch_dtype) fields, top level
// and in text_config.
func withDType(t testing.TB, raw []byte, dtype string) []byte {
	t.Helper()
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	set := func(m map[string]any) {
		for _, k := range []string{"dtype", "torch_dtype"} {
			if _, ok := m[k]; ok {
				m[k] = dtype
			}
		}
	}
	set(cfg)
	if tc, ok := cfg["text_config"].(map[string]any); ok {
		set(tc)
	}
	if _, ok := cfg["dtype"]; !ok {
		if _, ok := cfg["torch_dtype"]; !ok {
			cfg["torch_dtype"] = dtype
		}
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
