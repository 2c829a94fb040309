package safetensors

import (
	"fmt"
	"math/bits"
)

// Tensor is one named tensor. Data holds its elements little-endian, in
// row-major order; for a tensor read from a File or Set it is a read-only
// view into the mapping, valid until that File or Set is closed. File is the
// path of the file it came from (empty for a tensor built in memory).
type Tensor struct {
	Name  string
	DType DType
	Shape []int64
	Data  []byte
	File  string
}

// NumElements is the product of the shape's dimensions (1 for a scalar). It
// is 0 when a dimension is negative or the product overflows, which a
// tensor read from a file never has.
func (t Tensor) NumElements() int64 {
	n, ok := elementCount(t.Shape)
	if !ok {
		return 0
	}
	return int64(n)
}

// check verifies that the tensor's data is exactly its shape's elements of
// a byte-sized dtype, and returns the element count and size.
func (t Tensor) check() (n, size int, err error) {
	size, err = t.DType.Size()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", t.where(), err)
	}
	count, ok := elementCount(t.Shape)
	if !ok {
		return 0, 0, fmt.Errorf("%s: shape %v has a negative or too large dimension: %w", t.where(), t.Shape, ErrInvalidTensor)
	}
	hi, lo := bits.Mul64(count, uint64(size))
	if hi != 0 || lo != uint64(len(t.Data)) {
		return 0, 0, fmt.Errorf("%s: shape %v of %s needs %d elements of %d bytes, data has %d bytes: %w",
			t.where(), t.Shape, t.DType, count, size, len(t.Data), ErrInvalidTensor)
	}
	return int(count), size, nil
}

// where names the tensor and, when known, its file, for error messages.
func (t Tensor) where() string {
	if t.File == "" {
		return fmt.Sprintf("tensor %q", t.Name)
	}
	return fmt.Sprintf("tensor %q in %s", t.Name, t.File)
}

// unsupported is the error for a conversion that t's dtype does not allow.
func (t Tensor) unsupported(to string) error {
	return fmt.Errorf("%s: dtype %s cannot be read as %s: %w", t.where(), t.DType, to, ErrUnsupportedDType)
}
