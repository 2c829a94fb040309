package tokenizer

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// nextDir is ../shared/golden-next beside the repository; the test skips
// when it is absent.
func nextDir(t testing.TB) string { return golden.NextDir(t) }

// readMaybeGzip reads a file, gunzipping it when its name ends in .gz.
func readMaybeGzip(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gunzip %s: %v", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip %s: %v", path, err)
	}
	return out
}

// realTokenizer names a real tokenizer of the golden-next fixtures.
type realTokenizer struct {
	dir, file string
	once      sync.Once
	tok       *Tokenizer
	err       error
}

// load returns the tokenizer, parsed once per test binary.
func (r *realTokenizer) load(t testing.TB) *Tokenizer {
	t.Helper()
	path := filepath.Join(nextDir(t), r.dir, r.file)
	r.once.Do(func() { r.tok, r.err = Parse(readMaybeGzip(t, path)) })
	if r.err != nil {
		t.Fatalf("parse %s: %v", path, r.err)
	}
	return r.tok
}

// The real LLaVA-1.5 (Llama 2) and Gemma 3 tokenizers, shared by this
// package's tests.
var (
	sharedLlama2 = &realTokenizer{dir: "tokenizer_llama2", file: FileName}
	sharedGemma3 = &realTokenizer{dir: "tokenizer_gemma3", file: FileName + ".gz"}
)
