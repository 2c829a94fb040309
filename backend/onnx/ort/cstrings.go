package ort

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// cStrings is a C array of NUL-terminated strings (const char* const*)
// in Go memory, pinned until free is called. ONNX Runtime copies the
// strings it keeps, so the array is freed right after the call.
type cStrings struct {
	ptrs []*byte
	pins runtime.Pinner
}

// newCStrings copies ss into one pinned buffer and points an array at it.
func newCStrings(ss []string) (*cStrings, error) {
	total := 0
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, fmt.Errorf("name %q: %w: contains a NUL byte", s, ErrInvalidArgument)
		}
		total += len(s) + 1
	}
	c := &cStrings{ptrs: make([]*byte, len(ss))}
	if len(ss) == 0 {
		return c, nil
	}
	buf := make([]byte, total)
	off := 0
	for i, s := range ss {
		copy(buf[off:], s)
		c.ptrs[i] = &buf[off]
		off += len(s) + 1
	}
	// Pinning the buffer pins every string in it; the array holds Go
	// pointers, so it is pinned too.
	c.pins.Pin(&buf[0])
	c.pins.Pin(&c.ptrs[0])
	return c, nil
}

// ptr is the array's address (nil when empty).
func (c *cStrings) ptr() unsafe.Pointer {
	if len(c.ptrs) == 0 {
		return nil
	}
	return unsafe.Pointer(&c.ptrs[0])
}

func (c *cStrings) free() { c.pins.Unpin() }
