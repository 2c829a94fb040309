package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/durable"
)

// finalFileMode is the permission of a committed file (before the umask
// would apply; os.CreateTemp makes 0600 files, which would surprise users).
const finalFileMode = 0o644

// tempFile is an output file being written under a temporary name in its
// destination directory, so the rename into place is atomic. While it is
// open it holds an exclusive lock (where the platform has one, see
// lockFile), so that a later Create for the same base can tell a live
// writer's file from one a killed process left behind.
type tempFile struct {
	path   string
	f      *os.File
	offset int64 // bytes written so far: the file's size
	closed bool
}

// tempPrefix is the name prefix of final's temporary files: hidden, and
// tied to final's name so that a later Create for the same base finds the
// leftovers of a crashed writer.
func tempPrefix(final string) string { return "." + filepath.Base(final) + ".tmp-" }

// createTempFile creates and locks the temporary file for final.
func createTempFile(final string) (*tempFile, error) {
	f, err := os.CreateTemp(filepath.Dir(final), tempPrefix(final)+"*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %q: %w", final, err)
	}
	if err := lockFile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("lock temporary file %q: %w", f.Name(), err), f.Close(), os.Remove(f.Name()))
	}
	return &tempFile{path: f.Name(), f: f}, nil
}

// Write writes to the file; tempFile is the io.Writer under the buffers.
func (t *tempFile) Write(p []byte) (int, error) {
	n, err := t.f.Write(p)
	t.offset += int64(n)
	return n, err
}

// sync makes the bytes written so far durable.
func (t *tempFile) sync() error {
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("sync %q: %w", t.path, err)
	}
	return nil
}

// truncate cuts the file back to size bytes; later writes go after them.
// Buffers above the file must have been flushed.
func (t *tempFile) truncate(size int64) error {
	if err := t.f.Truncate(size); err != nil {
		return fmt.Errorf("truncate %q to %d bytes: %w", t.path, size, err)
	}
	if _, err := t.f.Seek(size, 0); err != nil {
		return fmt.Errorf("truncate %q to %d bytes: %w", t.path, size, err)
	}
	t.offset = size
	return nil
}

// seal syncs the file and gives it its final permissions, still under its
// temporary name. On platforms that cannot rename an open file it also
// closes it (and so releases its lock); elsewhere the file stays open and
// locked until commit, so no other writer mistakes it for a leftover.
func (t *tempFile) seal() error {
	err := t.f.Sync()
	if err == nil {
		err = t.f.Chmod(finalFileMode)
	}
	if err == nil && closeBeforeRename {
		err = t.closeFile()
	}
	if err != nil {
		return fmt.Errorf("close %q: %w", t.path, err)
	}
	return nil
}

func (t *tempFile) closeFile() error {
	if t.closed {
		return nil
	}
	t.closed = true
	return t.f.Close()
}

// commit renames the sealed file to final, makes the rename durable and
// closes the file.
func (t *tempFile) commit(final string) error {
	if err := os.Rename(t.path, final); err != nil {
		return fmt.Errorf("rename %q to %q: %w", t.path, final, err)
	}
	t.path = final
	if err := durable.SyncDir(filepath.Dir(final)); err != nil {
		return errors.Join(fmt.Errorf("commit %q: %w", final, err), t.closeFile())
	}
	if err := t.closeFile(); err != nil {
		return fmt.Errorf("close %q: %w", final, err)
	}
	return nil
}

// discard closes the file if needed and removes it.
func (t *tempFile) discard() error {
	err := t.closeFile()
	if rerr := os.Remove(t.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("remove temporary file %q: %w", t.path, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so path holds either its old content or all of
// data. Other outputs of a run (heatmaps) use it too.
func WriteFileAtomic(path string, data []byte) error {
	tf, err := createTempFile(path)
	if err != nil {
		return err
	}
	if _, err := tf.Write(data); err != nil {
		return errors.Join(fmt.Errorf("write %q: %w", tf.path, err), tf.discard())
	}
	if err := tf.seal(); err != nil {
		return errors.Join(err, tf.discard())
	}
	if err := tf.commit(path); err != nil {
		return errors.Join(err, tf.discard())
	}
	return nil
}
