package viewer

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// contentSecurityPolicy allows the app nothing outside the server: its own
// scripts, styles, images and API, and images it draws itself.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Server answers the browser app: the embedded assets and the files'
// summaries, steps, values and images. It is read-only.
type Server struct {
	files  []*File
	log    hclog.Logger
	hosts  map[string]bool // Host headers accepted; nil accepts any
	images *cache
	mux    *http.ServeMux
}

// ServerOptions configures a Server.
type ServerOptions struct {
	// Addr is the address the server listens on (host:port, the port
	// resolved). When its host is a loopback address, only requests whose
	// Host header names it, or localhost, at that port are answered.
	Addr string
	// Logger receives one line per failed request; nil logs nothing.
	Logger hclog.Logger
}

// NewServer serves files, which it does not close.
func NewServer(files []*File, opts ServerOptions) *Server {
	s := &Server{files: files, log: opts.Logger, images: newCache(64 << 20), mux: http.NewServeMux()}
	if s.log == nil {
		s.log = hclog.NewNullLogger()
	}
	s.hosts = allowedHosts(opts.Addr)
	s.routes()
	return s
}

// allowedHosts returns the Host headers a server on addr accepts: for a
// loopback address, the address itself and its localhost names at its
// port; nil (any) otherwise.
func allowedHosts(addr string) map[string]bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil
	}
	hosts := map[string]bool{}
	for _, h := range []string{host, "localhost", "127.0.0.1", "::1"} {
		hosts[net.JoinHostPort(h, port)] = true
	}
	return hosts
}

func (s *Server) routes() {
	assets, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.mux.HandleFunc("GET /{$}", s.index)
	files := http.StripPrefix("/assets/", http.FileServerFS(assets))
	s.mux.HandleFunc("GET /assets/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		files.ServeHTTP(w, r)
	})
	s.mux.HandleFunc("GET /api/files", s.summaries)
	s.mux.HandleFunc("GET /api/files/{file}/step", s.step)
	s.mux.HandleFunc("GET /api/files/{file}/values", s.values)
	s.mux.HandleFunc("GET /api/files/{file}/images/{image}", s.image)
}

// ServeHTTP applies the server's guards, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "read-only", http.StatusMethodNotAllowed)
		return
	}
	if s.hosts != nil && !s.hosts[r.Host] {
		http.Error(w, "unexpected Host header", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(indexHTML())
}

// fileSummary is a Summary with the index the API refers to the file by.
type fileSummary struct {
	ID int `json:"id"`
	Summary
}

func (s *Server) summaries(w http.ResponseWriter, _ *http.Request) {
	out := make([]fileSummary, len(s.files))
	for i, f := range s.files {
		out[i] = fileSummary{ID: i, Summary: f.Summary()}
	}
	writeJSON(w, out)
}

func (s *Server) step(w http.ResponseWriter, r *http.Request) {
	f, err := s.file(r)
	if err == nil {
		var step int
		if step, err = intParam(r, "step"); err == nil {
			var info StepInfo
			if info, err = f.Step(step); err == nil {
				writeJSON(w, info)
				return
			}
		}
	}
	s.fail(w, r, err)
}

// values answers a Query as little-endian float64s, NaN for no value; the
// header X-Vlmask-Shape says "layers,variants,units".
func (s *Server) values(w http.ResponseWriter, r *http.Request) {
	f, err := s.file(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := parseQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := f.Values(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buf := make([]byte, 8*len(v.Data))
	for i, x := range v.Data {
		binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Vlmask-Shape", fmt.Sprintf("%d,%d,%d", len(v.Layers), len(v.Variants), v.Units))
	_, _ = w.Write(buf)
}

// parseQuery reads step, layers (comma-separated, or empty for all),
// variants (comma-separated) and value.
func parseQuery(r *http.Request) (Query, error) {
	step, err := intParam(r, "step")
	if err != nil {
		return Query{}, err
	}
	q := Query{Step: step, Value: r.URL.Query().Get("value")}
	if raw := r.URL.Query().Get("layers"); raw != "" && raw != "all" {
		for _, p := range strings.Split(raw, ",") {
			l, err := strconv.Atoi(p)
			if err != nil {
				return Query{}, fmt.Errorf("layers %q: %w", raw, ErrBadRequest)
			}
			q.Layers = append(q.Layers, l)
		}
	}
	if raw := r.URL.Query().Get("variants"); raw != "" {
		q.Variants = strings.Split(raw, ",")
	}
	if q.Value == "" {
		return Query{}, fmt.Errorf("no value column: %w", ErrBadRequest)
	}
	return q, nil
}

func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	f, err := s.file(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := strconv.Atoi(r.PathValue("image"))
	if err != nil {
		s.fail(w, r, fmt.Errorf("image %q: %w", r.PathValue("image"), ErrBadRequest))
		return
	}
	key := fmt.Sprintf("%p/%d", f, k)
	if v, ok := s.images.get(key); ok {
		writePNG(w, v.([]byte))
		return
	}
	png, err := f.ImagePNG(k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.images.put(key, png, int64(len(png)))
	writePNG(w, png)
}

func writePNG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(b)
}

// file returns the file the request's {file} names.
func (s *Server) file(r *http.Request) (*File, error) {
	i, err := strconv.Atoi(r.PathValue("file"))
	if err != nil || i < 0 || i >= len(s.files) {
		return nil, fmt.Errorf("file %q: %w", r.PathValue("file"), ErrNotFound)
	}
	return s.files[i], nil
}

func intParam(r *http.Request, name string) (int, error) {
	raw := r.URL.Query().Get(name)
	v, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", name, raw, ErrBadRequest)
	}
	return v, nil
}

// fail answers with the status err's class calls for.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrBadRequest):
		code = http.StatusBadRequest
	case errors.Is(err, ErrTooLarge):
		code = http.StatusRequestEntityTooLarge
	}
	if code == http.StatusInternalServerError {
		// The log says why; the answer does not show paths or internals.
		s.log.Error("request failed", "url", r.URL.String(), "error", err)
		http.Error(w, "internal error: the vlmask serve log says why", code)
		return
	}
	s.log.Debug("request refused", "url", r.URL.String(), "error", err)
	http.Error(w, err.Error(), code)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}
