package orttest

import (
	"testing"

	"github.com/vlmask/vlmask/internal/testenv"

	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// Runtime loads the library FindLibrary finds, closed when the test ends,
// or skips the test when there is none.
func Runtime(tb testing.TB) *ort.Runtime {
	tb.Helper()
	path, _, err := ort.FindLibrary("")
	if err != nil {
		testenv.Missing(tb, "ONNX Runtime not found (run `make ort`): %v", err)
	}
	r, err := ort.Load(path)
	if err != nil {
		tb.Fatalf("load ONNX Runtime %s: %v", path, err)
	}
	tb.Cleanup(func() { _ = r.Close() })
	return r
}
