package pluginhost

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Origin says where a plugin in use came from, for the run's metadata: a
// results file names the code that produced its numbers.
type Origin struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Source is SourceBuiltin, SourceDir or SourceReattach.
	Source string `json:"source"`
	// Path is the executable (vlmask's own for a built-in).
	Path string `json:"path"`
	// SHA256 is the executable's SHA-256 in hex, empty for a reattached
	// plugin.
	SHA256 string `json:"sha256,omitempty"`
	// ShadowsBuiltin: a directory plugin used in place of the built-in of
	// the same name (Options.AllowShadowBuiltins).
	ShadowsBuiltin bool `json:"shadows_builtin,omitempty"`
	// InProcess: a built-in run inside the host's process
	// (Options.InProcessMetrics), not as a process of its own.
	InProcess bool `json:"in_process,omitempty"`
}

// OriginOf returns the origin of a masking strategy or metric the host
// handed out (Masking, Metric); ok is false for anything else.
func OriginOf(v any) (Origin, bool) {
	switch r := v.(type) {
	case *remoteMasking:
		return r.origin, true
	case *remoteMetric:
		return r.origin, true
	case *inProcessMetric:
		return r.origin, true
	}
	return Origin{}, false
}

// hasher computes files' SHA-256 once per host, keyed by path, size and
// modification time (the built-ins all share vlmask's executable).
type hasher struct {
	mu   sync.Mutex
	sums map[hashKey]string
}

type hashKey struct {
	path  string
	size  int64
	mtime time.Time
}

// sum returns path's SHA-256 in hex.
func (h *hasher) sum(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("hash %q: %w", path, err)
	}
	key := hashKey{path, st.Size(), st.ModTime()}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.sums[key]; ok {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %q: %w", path, err)
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return "", fmt.Errorf("hash %q: %w", path, err)
	}
	s := hex.EncodeToString(d.Sum(nil))
	if h.sums == nil {
		h.sums = map[hashKey]string{}
	}
	h.sums[key] = s
	return s, nil
}
