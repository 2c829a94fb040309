package results

import (
	"fmt"
	"io"
	"os"
)

// OpenRegular opens path for reading only if it is a regular file of at
// most maxBytes bytes (no limit when maxBytes ≤ 0), and never blocks: a
// FIFO, device, socket or directory is refused with ErrNotRegular before it
// is read, a larger file with ErrTooLarge. The check is made on the opened
// file, so a path swapped for a FIFO in between cannot slip through, and
// the open itself does not wait for a FIFO's writer. Readers of results
// files use it, and so should anything that opens a path a results file
// names (such as the images in its metadata).
func OpenRegular(path string, maxBytes int64) (*os.File, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open %q: %w (%s)", path, ErrNotRegular, describeMode(st.Mode()))
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %q: %w (%s)", path, ErrNotRegular, describeMode(st.Mode()))
	}
	if maxBytes > 0 && st.Size() > maxBytes {
		f.Close()
		return nil, fmt.Errorf("open %q: %w (%d bytes, the limit is %d)", path, ErrTooLarge, st.Size(), maxBytes)
	}
	return f, nil
}

// ReadRegular reads a whole file through OpenRegular, never more than
// maxBytes (must be positive) even if the file grows while it is read.
func ReadRegular(path string, maxBytes int64) ([]byte, error) {
	f, err := OpenRegular(path, maxBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", path, err)
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("read %q: %w (grew past %d bytes while read)", path, ErrTooLarge, maxBytes)
	}
	return b, nil
}

func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}
