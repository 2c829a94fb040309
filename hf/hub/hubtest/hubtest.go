// Package hubtest is a fake Hugging Face Hub for tests: an httptest server
// that answers the requests huggingface_hub (and hf/hub) make —
// GET /api/models/{id}/revision/{rev}, HEAD and GET
// /{id}/resolve/{rev}/{file} — with the Hub's headers (X-Repo-Commit, ETag,
// X-Linked-Etag, X-Linked-Size, X-Error-Code), and a second server standing
// for the CDN that LFS files redirect to, which honours Range requests.
// Faults are injected per test: connections cut in the middle of a file,
// corrupted bytes, a CDN that ignores Range, gated and renamed
// repositories, a slow CDN.
package hubtest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request a server received.
type Request struct {
	Server string // "hub" or "cdn"
	Method string
	Path   string // as sent, still escaped
	Range  string // the Range header
	Auth   string // the Authorization header
}

// Hub is the fake Hub and its CDN. Its methods are safe for concurrent use.
type Hub struct {
	// URL is the Hub's endpoint (what HF_ENDPOINT would be).
	URL string
	hub *httptest.Server
	cdn *httptest.Server

	mu       sync.Mutex
	repos    map[string]*repo
	renamed  map[string]string // old id → new id
	requests []Request
	cuts     map[string][]int64 // blob sha256 → bytes to send before cutting, one per coming GET
	corrupt  map[string]bool    // blob sha256 → serve altered bytes
	noRange  bool
	delay    time.Duration // pause per 64 KiB sent by the CDN
}

type repo struct {
	gated   bool
	token   string            // the token that may read a gated repository
	refs    map[string]string // branch or tag → commit
	commits map[string]map[string][]byte
}

// New starts a fake Hub; it stops when the test ends.
func New(t testing.TB) *Hub {
	t.Helper()
	h := &Hub{repos: map[string]*repo{}, renamed: map[string]string{}, cuts: map[string][]int64{}, corrupt: map[string]bool{}}
	h.hub = httptest.NewServer(http.HandlerFunc(h.serveHub))
	h.cdn = httptest.NewServer(http.HandlerFunc(h.serveCDN))
	h.URL = h.hub.URL
	t.Cleanup(func() {
		h.hub.CloseClientConnections()
		h.cdn.CloseClientConnections()
		h.hub.Close()
		h.cdn.Close()
	})
	return h
}

// CDNURL is the CDN server's address.
func (h *Hub) CDNURL() string { return h.cdn.URL }

// IsLFS says which files the fake stores in Git LFS: safetensors and other
// weights, and anything over 64 KiB.
func IsLFS(name string, size int) bool {
	return size > 64<<10 || strings.HasSuffix(name, ".safetensors") || strings.HasSuffix(name, ".bin")
}

// Commit adds a commit holding files to repository id (creating it) and
// points branch at it; it returns the commit hash.
func (h *Hub) Commit(id, branch string, files map[string][]byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.repos[id]
	if r == nil {
		r = &repo{refs: map[string]string{}, commits: map[string]map[string][]byte{}}
		h.repos[id] = r
	}
	s := sha1.New()
	fmt.Fprintf(s, "%s %s %d\n", id, r.refs[branch], len(r.commits))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(s, "%s %x\n", name, sha256.Sum256(files[name]))
	}
	commit := hex.EncodeToString(s.Sum(nil))
	r.commits[commit] = files
	r.refs[branch] = commit
	return commit
}

// CommitDir is Commit with the files of a directory (not recursive).
func (h *Hub) CommitDir(t testing.TB, id, branch, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[e.Name()] = b
		}
	}
	return h.Commit(id, branch, files)
}

// Tag points a tag (or branch) of id at a commit.
func (h *Hub) Tag(id, tag, commit string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.repos[id].refs[tag] = commit
}

// Gate makes id gated: its files need "Authorization: Bearer token".
func (h *Hub) Gate(id, token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.repos[id].gated, h.repos[id].token = true, token
}

// Rename moves id to newID; requests for id are redirected (307, relative).
func (h *Hub) Rename(id, newID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.repos[newID] = h.repos[id]
	delete(h.repos, id)
	h.renamed[id] = newID
}

// CutAfter makes the coming GETs of the CDN blob with this content send
// the given numbers of bytes and then drop the connection, one number per
// GET.
func (h *Hub) CutAfter(content []byte, sent ...int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := sha256Hex(content)
	h.cuts[k] = append(h.cuts[k], sent...)
}

// Corrupt makes the CDN serve content with one byte changed, under the
// right ETag.
func (h *Hub) Corrupt(content []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.corrupt[sha256Hex(content)] = true
}

// IgnoreRange makes the CDN answer Range requests with the whole file.
func (h *Hub) IgnoreRange() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.noRange = true
}

// SlowCDN makes the CDN pause d after every 64 KiB it sends.
func (h *Hub) SlowCDN(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delay = d
}

// Requests returns the requests received so far, in order.
func (h *Hub) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.requests)
}

// Count counts the requests with this server, method and path suffix.
func (h *Hub) Count(server, method, pathSuffix string) int {
	n := 0
	for _, r := range h.Requests() {
		if r.Server == server && r.Method == method && strings.HasSuffix(r.Path, pathSuffix) {
			n++
		}
	}
	return n
}

// BlobPath is the CDN path of a file's content.
func BlobPath(content []byte) string { return "/blobs/" + sha256Hex(content) }

func (h *Hub) record(server string, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests = append(h.requests, Request{Server: server, Method: r.Method, Path: r.URL.EscapedPath(),
		Range: r.Header.Get("Range"), Auth: r.Header.Get("Authorization")})
}

// pathParts splits an escaped path into unescaped elements.
func pathParts(r *http.Request) []string {
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

func (h *Hub) serveHub(w http.ResponseWriter, r *http.Request) {
	h.record("hub", r)
	parts := pathParts(r)
	switch {
	case len(parts) == 6 && parts[0] == "api" && parts[1] == "models" && parts[4] == "revision" && r.Method == http.MethodGet:
		h.serveInfo(w, r, parts[2]+"/"+parts[3], parts[5])
	case len(parts) >= 5 && parts[2] == "resolve" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		h.serveResolve(w, r, parts[0]+"/"+parts[1], parts[3], strings.Join(parts[4:], "/"))
	default:
		http.NotFound(w, r)
	}
}

func hubError(w http.ResponseWriter, status int, code, msg string) {
	if code != "" {
		w.Header().Set("X-Error-Code", code)
	}
	w.Header().Set("X-Error-Message", msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{%q: %q}\n", "error", msg)
}

// lookup finds a repository and the commit a revision names, writing the
// Hub's error when there is none. moved is the new id of a renamed one.
func (h *Hub) lookup(w http.ResponseWriter, r *http.Request, id, rev string) (rp *repo, commit, moved string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n, ok := h.renamed[id]; ok {
		return nil, "", n, false
	}
	rp = h.repos[id]
	if rp == nil {
		// The Hub answers 401 to anonymous requests for a missing repository
		// (it could be private), 404 to authenticated ones.
		status := http.StatusNotFound
		if r.Header.Get("Authorization") == "" {
			status = http.StatusUnauthorized
		}
		hubError(w, status, "RepoNotFound", "Repository not found")
		return nil, "", "", false
	}
	commit = rev
	if c, ok := rp.refs[rev]; ok {
		commit = c
	}
	if _, ok := rp.commits[commit]; !ok {
		hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
		return nil, "", "", false
	}
	return rp, commit, "", true
}

func (h *Hub) redirectRenamed(w http.ResponseWriter, r *http.Request, oldID, newID string) {
	p := strings.Replace(r.URL.EscapedPath(), "/"+oldID+"/", "/"+newID+"/", 1)
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", p)
	w.WriteHeader(http.StatusTemporaryRedirect)
}

func (h *Hub) serveInfo(w http.ResponseWriter, r *http.Request, id, rev string) {
	rp, commit, moved, ok := h.lookup(w, r, id, rev)
	if moved != "" {
		h.redirectRenamed(w, r, id, moved)
		return
	}
	if !ok {
		return
	}
	type lfs struct {
		SHA256      string `json:"sha256"`
		Size        int    `json:"size"`
		PointerSize int    `json:"pointerSize"`
	}
	type sibling struct {
		Name   string `json:"rfilename"`
		Size   int    `json:"size"`
		BlobID string `json:"blobId"`
		LFS    *lfs   `json:"lfs,omitempty"`
	}
	info := struct {
		ID       string    `json:"id"`
		SHA      string    `json:"sha"`
		Gated    any       `json:"gated"`
		Private  bool      `json:"private"`
		Siblings []sibling `json:"siblings"`
	}{ID: id, SHA: commit, Gated: false}
	if rp.gated {
		info.Gated = "manual" // the Hub shows a gated model's file list to anyone
	}
	h.mu.Lock()
	files := rp.commits[commit]
	h.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		b := files[name]
		s := sibling{Name: name, Size: len(b), BlobID: gitSHA1(b)}
		if IsLFS(name, len(b)) {
			s.BlobID = gitSHA1(lfsPointer(b))
			s.LFS = &lfs{SHA256: sha256Hex(b), Size: len(b), PointerSize: len(lfsPointer(b))}
		}
		info.Siblings = append(info.Siblings, s)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(info)
}

func (h *Hub) serveResolve(w http.ResponseWriter, r *http.Request, id, rev, file string) {
	rp, commit, moved, ok := h.lookup(w, r, id, rev)
	if moved != "" {
		h.redirectRenamed(w, r, id, moved)
		return
	}
	if !ok {
		return
	}
	if rp.gated {
		switch r.Header.Get("Authorization") {
		case "Bearer " + rp.token:
		case "":
			hubError(w, http.StatusUnauthorized, "GatedRepo", "Access to model "+id+" is restricted. You must have access to it and be authenticated to access it. Please log in.")
			return
		default:
			hubError(w, http.StatusForbidden, "GatedRepo", "Access to model "+id+" is restricted and you are not in the authorized list. Visit https://huggingface.co/"+id+" to ask for access.")
			return
		}
	}
	h.mu.Lock()
	b, ok := rp.commits[commit][file]
	h.mu.Unlock()
	if !ok {
		hubError(w, http.StatusNotFound, "EntryNotFound", file+" does not exist on \""+rev+"\"")
		return
	}
	w.Header().Set("X-Repo-Commit", commit)
	if IsLFS(file, len(b)) {
		// As the Hub: a 302 to the CDN, describing the LFS object in
		// X-Linked-*, with an ETag of its own that is not the file's.
		w.Header().Set("ETag", `"`+gitSHA1(lfsPointer(b))+`"`)
		w.Header().Set("X-Linked-Etag", `"`+sha256Hex(b)+`"`)
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(b)))
		w.Header().Set("Location", h.cdn.URL+BlobPath(b)+"?X-Amz-Signature=fake")
		w.WriteHeader(http.StatusFound)
		return
	}
	w.Header().Set("ETag", `"`+gitSHA1(b)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(b)
	}
}

func (h *Hub) serveCDN(w http.ResponseWriter, r *http.Request) {
	h.record("cdn", r)
	key := strings.TrimPrefix(r.URL.Path, "/blobs/")
	h.mu.Lock()
	var content []byte
	for _, rp := range h.repos {
		for _, files := range rp.commits {
			for _, b := range files {
				if sha256Hex(b) == key {
					content = b
				}
			}
		}
	}
	cut := int64(-1)
	if c := h.cuts[key]; len(c) > 0 {
		cut, h.cuts[key] = c[0], c[1:]
	}
	corrupt, noRange, delay := h.corrupt[key], h.noRange, h.delay
	h.mu.Unlock()
	if content == nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	if corrupt {
		content = slices.Clone(content)
		content[len(content)/2] ^= 0xff
	}
	size := int64(len(content))
	start := int64(0)
	status := http.StatusOK
	if rg := r.Header.Get("Range"); rg != "" && !noRange {
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"), 10, 64)
		if err != nil || !strings.HasPrefix(rg, "bytes=") || !strings.HasSuffix(rg, "-") {
			http.Error(w, "only bytes=N- ranges", http.StatusBadRequest)
			return
		}
		if n >= size {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		start, status = n, http.StatusPartialContent
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", n, size-1, size))
	}
	body := content[start:]
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(status)
	if cut >= 0 && cut < int64(len(body)) {
		_, _ = w.Write(body[:cut])
		w.(http.Flusher).Flush()
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	for len(body) > 0 {
		n := min(len(body), 64<<10)
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		body = body[n:]
		if delay > 0 {
			w.(http.Flusher).Flush()
			time.Sleep(delay)
		}
	}
}

// lfsPointer is the Git LFS pointer file the repository stores for b.
func lfsPointer(b []byte) []byte {
	return fmt.Appendf(nil, "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", sha256Hex(b), len(b))
}

func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// gitSHA1 is git's blob id: sha1 of "blob SIZE\x00" and the contents.
func gitSHA1(b []byte) string {
	s := sha1.New()
	fmt.Fprintf(s, "blob %d\x00", len(b))
	s.Write(b)
	return hex.EncodeToString(s.Sum(nil))
}

// ETag is the ETag under which the fake serves a file: what its blob is
// named in the cache.
func ETag(name string, content []byte) string {
	if IsLFS(name, len(content)) {
		return sha256Hex(content)
	}
	return gitSHA1(content)
}
