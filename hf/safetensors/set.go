package safetensors

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Names of the files OpenDir looks for, in order of preference.
const (
	IndexFileName  = "model.safetensors.index.json"
	SingleFileName = "model.safetensors"
)

// Set is a checkpoint's tensors across one or more files (shards). It is
// safe for concurrent use.
type Set struct {
	dir      string
	files    []*File          // each file once, in path order
	where    map[string]*File // tensor name → the file that holds it
	names    []string         // sorted
	metadata map[string]string

	mu       sync.RWMutex // guards closed
	closed   bool
	closeErr error
}

// OpenDir opens the checkpoint in dir: the shards named by
// model.safetensors.index.json when it exists, else model.safetensors, else
// every *.safetensors file in dir. No safetensors file at all gives
// ErrNoSafetensors naming the directory.
func OpenDir(dir string) (*Set, error) {
	index := filepath.Join(dir, IndexFileName)
	switch _, err := os.Stat(index); {
	case err == nil:
		return openIndexed(dir, index)
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("open checkpoint %q: %w", dir, err)
	}
	single := filepath.Join(dir, SingleFileName)
	switch _, err := os.Stat(single); {
	case err == nil:
		return openFiles(dir, single)
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("open checkpoint %q: %w", dir, err)
	}
	paths, err := listSafetensors(dir)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint %q: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("open checkpoint %q: no %s, %s or *.safetensors: %w", dir, IndexFileName, SingleFileName, ErrNoSafetensors)
	}
	return openFiles(dir, paths...)
}

// openFiles opens the given safetensors files as one set; dir names the set
// in errors. A tensor name found in two files is an error naming both.
func openFiles(dir string, paths ...string) (*Set, error) {
	s := &Set{dir: dir, where: map[string]*File{}, metadata: map[string]string{}}
	for _, p := range slices.Sorted(slices.Values(paths)) {
		if len(s.files) > 0 && s.files[len(s.files)-1].Path() == p {
			continue
		}
		f, err := Open(p)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.files = append(s.files, f)
		for _, name := range f.names {
			if prev, dup := s.where[name]; dup {
				s.Close()
				return nil, fmt.Errorf("open checkpoint %q: tensor %q is in both %s and %s: %w", dir, name, prev.Path(), p, ErrCorrupt)
			}
			s.where[name] = f
		}
		s.addMetadata(f)
	}
	s.names = slices.Sorted(maps.Keys(s.where))
	return s, nil
}

// addMetadata merges a file's __metadata__ into the set's; the first file
// (in path order) that sets a key wins.
func (s *Set) addMetadata(f *File) {
	for k, v := range f.header.metadata {
		if _, ok := s.metadata[k]; !ok {
			s.metadata[k] = v
		}
	}
}

// Dir is the directory the set was opened from.
func (s *Set) Dir() string { return s.dir }

// Files lists the paths of the set's files, sorted.
func (s *Set) Files() []string {
	out := make([]string, len(s.files))
	for i, f := range s.files {
		out[i] = f.Path()
	}
	return out
}

// Names lists every tensor name of the set, sorted.
func (s *Set) Names() []string { return slices.Clone(s.names) }

// Metadata returns the union of the files' __metadata__ (the first file in
// path order wins on a conflicting key). The index file's own "metadata"
// (e.g. total_size) is not included.
func (s *Set) Metadata() map[string]string { return maps.Clone(s.metadata) }

// Has reports whether the set holds a tensor called name.
func (s *Set) Has(name string) bool {
	_, ok := s.where[name]
	return ok
}

// Tensor returns the named tensor (see File.Tensor). A name the set does
// not hold gives an error matching ErrTensorNotFound.
func (s *Set) Tensor(name string) (Tensor, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Tensor{}, fmt.Errorf("tensor %q in checkpoint %q: %w", name, s.dir, ErrClosed)
	}
	f, ok := s.where[name]
	if !ok {
		return Tensor{}, fmt.Errorf("tensor %q in checkpoint %q: %w", name, s.dir, ErrTensorNotFound)
	}
	return f.Tensor(name)
}

// Close unmaps every file; every Tensor.Data taken from the set becomes
// invalid. It is idempotent: later calls return the first call's result.
func (s *Set) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closeErr
	}
	s.closed = true
	var errs []error
	for _, f := range s.files {
		errs = append(errs, f.Close())
	}
	s.closeErr = errors.Join(errs...)
	return s.closeErr
}

// listSafetensors lists the *.safetensors files in dir that are regular
// files or links to one (as in the Hugging Face cache), sorted.
func listSafetensors(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			paths = append(paths, p)
		}
	}
	return paths, nil
}
