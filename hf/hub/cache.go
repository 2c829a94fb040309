package hub

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// repoCache is one model's directory in the cache, models--ORG--NAME, and
// the paths huggingface_hub gives its parts.
type repoCache struct {
	root string // the hub cache directory
	id   RepoID
}

func newRepoCache(root string, id RepoID) repoCache { return repoCache{root: root, id: id} }

func (c repoCache) dir() string                   { return filepath.Join(c.root, c.id.folder()) }
func (c repoCache) blob(etag string) string       { return filepath.Join(c.dir(), "blobs", etag) }
func (c repoCache) incomplete(etag string) string { return c.blob(etag) + ".incomplete" }
func (c repoCache) snapshot(commit string) string {
	return filepath.Join(c.dir(), "snapshots", commit)
}

// pointer is the snapshot's entry for file (a path with '/' separators).
func (c repoCache) pointer(commit, file string) string {
	return filepath.Join(c.snapshot(commit), filepath.FromSlash(file))
}

// ref is refs/REVISION; a revision with slashes ("refs/pr/1") nests.
func (c repoCache) ref(revision string) string {
	return filepath.Join(c.dir(), "refs", filepath.FromSlash(revision))
}

// lock is .locks/models--ORG--NAME/ETAG.lock, at the cache's top level.
func (c repoCache) lock(etag string) string {
	return filepath.Join(c.root, ".locks", c.id.folder(), etag+".lock")
}

// readRef returns the commit refs/REVISION holds, or "" when there is no
// such ref. huggingface_hub writes it without a newline; one is tolerated.
func (c repoCache) readRef(revision string) (string, error) {
	b, err := os.ReadFile(c.ref(revision))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", cacheErr("read ref", err)
	}
	commit := strings.TrimSpace(string(b))
	if !IsCommit(commit) {
		return "", fmt.Errorf("%s holds %q, not a commit hash: %w", c.ref(revision), commit, ErrCache)
	}
	return commit, nil
}

// writeRef points refs/REVISION at commit, atomically (a temporary file
// renamed over it), without a trailing newline as huggingface_hub writes
// it. A revision that is itself a commit has no ref.
func (c repoCache) writeRef(revision, commit string) error {
	if revision == commit {
		return nil
	}
	if old, err := c.readRef(revision); err == nil && old == commit {
		return nil
	}
	path := c.ref(revision)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return cacheErr("write ref", err)
	}
	tmp := path + "." + randomSuffix() + ".tmp"
	if err := os.WriteFile(tmp, []byte(commit), 0o644); err != nil {
		os.Remove(tmp)
		return cacheErr("write ref", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return cacheErr("write ref", err)
	}
	return nil
}

// link makes the snapshot's entry for file a relative symlink to the blob
// (../../blobs/ETAG, one more ../ per directory in file), replacing
// whatever was there atomically.
func (c repoCache) link(commit, file, etag string) error {
	ptr := c.pointer(commit, file)
	if err := os.MkdirAll(filepath.Dir(ptr), 0o755); err != nil {
		return cacheErr("link "+file, err)
	}
	target, err := filepath.Rel(filepath.Dir(ptr), c.blob(etag))
	if err != nil {
		return cacheErr("link "+file, err)
	}
	if cur, err := os.Readlink(ptr); err == nil && cur == target {
		return nil
	}
	tmp := ptr + "." + randomSuffix() + ".tmp"
	if err := os.Symlink(target, tmp); err != nil {
		return cacheErr("link "+file, err)
	}
	if err := os.Rename(tmp, ptr); err != nil {
		os.Remove(tmp)
		return cacheErr("link "+file, err)
	}
	return nil
}

// cacheErr classifies a filesystem error: a full disk or quota is
// ErrDiskFull, anything else ErrCache; the OS's words are kept, after what
// was being done when err does not name its path itself.
func cacheErr(what string, err error) error {
	sentinel := ErrCache
	if isNoSpace(err) {
		sentinel = ErrDiskFull
	}
	var pe *fs.PathError
	var le *os.LinkError
	if what == "" || errors.As(err, &pe) || errors.As(err, &le) {
		return fmt.Errorf("%w: %w", err, sentinel)
	}
	return fmt.Errorf("%s: %w: %w", what, err, sentinel)
}

// randomSuffix names temporary files uniquely across processes.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
