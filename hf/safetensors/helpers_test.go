package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// goldenDir returns the repository's golden data (testdata/golden under
// the directory holding go.mod); its absence fails the test.
func goldenDir(t testing.TB) string {
	t.Helper()
	golden, ok := goldenRoot()
	if !ok {
		t.Fatalf("golden data missing: testdata/golden is part of the repository")
	}
	return golden
}

// writeBytes writes b to name in a fresh temporary directory and returns
// the path.
func writeBytes(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// openFile opens path and closes it when the test ends.
func openFile(t *testing.T, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close(%s): %v", path, err)
		}
	})
	return f
}

// rawFile frames a hand-written JSON header followed by dataLen zero bytes.
func rawFile(header string, dataLen int) []byte {
	b := make([]byte, 8, 8+len(header)+dataLen)
	binary.LittleEndian.PutUint64(b, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, dataLen)...)
}

func f32Tensor(name string, shape []int64, vals ...float32) Tensor {
	data := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: F32, Shape: shape, Data: data}
}

func f64Tensor(name string, shape []int64, vals ...float64) Tensor {
	data := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(data[8*i:], math.Float64bits(v))
	}
	return Tensor{Name: name, DType: F64, Shape: shape, Data: data}
}

func i64Tensor(name string, shape []int64, vals ...int64) Tensor {
	data := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(data[8*i:], uint64(v))
	}
	return Tensor{Name: name, DType: I64, Shape: shape, Data: data}
}

// u16Tensor builds a BF16 or F16 tensor from raw 16-bit patterns.
func u16Tensor(name string, dt DType, shape []int64, vals ...uint16) Tensor {
	data := make([]byte, 2*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint16(data[2*i:], v)
	}
	return Tensor{Name: name, DType: dt, Shape: shape, Data: data}
}

// openDir opens the set in dir and closes it when the test ends.
func openDir(t *testing.T, dir string) *Set {
	t.Helper()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatalf("OpenDir(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close(%s): %v", dir, err)
		}
	})
	return s
}

// writeTensors writes a safetensors file at dir/name.
func writeTensors(t *testing.T, dir, name string, tensors ...Tensor) {
	t.Helper()
	if err := WriteFile(filepath.Join(dir, name), tensors, map[string]string{"format": "pt", "file": name}); err != nil {
		t.Fatal(err)
	}
}

// writeIndex writes model.safetensors.index.json mapping tensors to shards.
func writeIndex(t *testing.T, dir string, weightMap map[string]string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"metadata": map[string]any{"total_size": 123}, "weight_map": weightMap})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, IndexFileName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
