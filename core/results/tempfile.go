package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// finalFileMode is the permission of a committed file (before the umask
// would apply; os.CreateTemp makes 0600 files, which would surprise users).
const finalFileMode = 0o644

// tempFile is an output file being written under a temporary name in its
// destination directory, so the rename into place is atomic.
type tempFile struct {
	path   string
	f      *os.File
	closed bool
}

// tempPrefix is the name prefix of final's temporary files: hidden, and
// tied to final's name so that a later Create for the same base finds the
// leftovers of a crashed writer.
func tempPrefix(final string) string { return "." + filepath.Base(final) + ".tmp-" }

// createTempFile creates the temporary file for final.
func createTempFile(final string) (*tempFile, error) {
	f, err := os.CreateTemp(filepath.Dir(final), tempPrefix(final)+"*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %q: %w", final, err)
	}
	return &tempFile{path: f.Name(), f: f}, nil
}

// Write writes to the file; tempFile is the io.Writer under the buffers.
func (t *tempFile) Write(p []byte) (int, error) { return t.f.Write(p) }

// sync makes the bytes written so far durable.
func (t *tempFile) sync() error {
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("sync %q: %w", t.path, err)
	}
	return nil
}

// close syncs and closes the file, keeping it under its temporary name.
func (t *tempFile) close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	err := t.f.Sync()
	if err == nil {
		err = t.f.Chmod(finalFileMode)
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close %q: %w", t.path, err)
	}
	return nil
}

// commit renames the closed file to final and makes the rename durable.
func (t *tempFile) commit(final string) error {
	if err := os.Rename(t.path, final); err != nil {
		return fmt.Errorf("rename %q to %q: %w", t.path, final, err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("sync directory of %q: %w", final, err)
	}
	return nil
}

// discard closes the file if needed and removes it.
func (t *tempFile) discard() error {
	var err error
	if !t.closed {
		t.closed = true
		err = t.f.Close()
	}
	if rerr := os.Remove(t.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("remove temporary file %q: %w", t.path, err)
	}
	return nil
}

// removeStaleTemps removes temporary files that an earlier writer of final
// left behind when its process died before Close or Abort. Two live
// writers must not share a base.
func removeStaleTemps(final string) error {
	dir := filepath.Dir(final)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list %q for stale temporary files: %w", dir, err)
	}
	prefix := tempPrefix(final)
	var errs []error
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove stale temporary files of %q: %w", final, err)
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
	if err := tf.close(); err != nil {
		return errors.Join(err, tf.discard())
	}
	if err := tf.commit(path); err != nil {
		return errors.Join(err, tf.discard())
	}
	return nil
}
