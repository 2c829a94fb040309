package tokenizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t testing.TB) string { return golden.Dir(t) }

// qwen3Cache shares one load of the 11 MB Qwen3 tokenizer between tests.
type qwen3Cache struct {
	once sync.Once
	tok  *Tokenizer
	err  error
}

// loadQwen3 returns the real Qwen3 tokenizer from the golden data, loaded
// once per test binary.
func (c *qwen3Cache) load(t testing.TB) *Tokenizer {
	t.Helper()
	path := filepath.Join(goldenDir(t), "tokenizer_qwen3", FileName)
	c.once.Do(func() { c.tok, c.err = Load(path) })
	if c.err != nil {
		t.Fatalf("load %s: %v", path, c.err)
	}
	return c.tok
}

// readJSON decodes a JSON file into v.
func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// writeFile writes content to name under a fresh temporary directory and
// returns its path.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// loadTiny loads the tiny golden checkpoint's tokenizer (512 ids).
func loadTiny(t testing.TB) *Tokenizer {
	t.Helper()
	tok, err := LoadDir(filepath.Join(goldenDir(t), "qwen3_vl_basic", "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
