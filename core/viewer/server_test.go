package viewer

import (
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// secret is written next to the results; no request may read it.
const secret = "vlmask-test-secret-7f3a"

type testServer struct {
	url  string
	host string
	file *File
	dir  string
}

// startServer writes a synthetic run whose images are the given paths
// (relative ones under the test's directory; "" makes a 40×30 PNG) and
// serves it.
func startServer(t *testing.T, images ...string) testServer {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i, p := range images {
		if p == "" {
			p = filepath.Join(dir, "img"+string(rune('0'+i))+".png")
			writeTestPNG(t, p, 40, 30)
		} else if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		paths = append(paths, p)
	}
	grids := make([][2]int, len(paths))
	for i := range grids {
		grids[i] = [2]int{3, 4}
	}
	p, err := viewertest.Write(filepath.Join(dir, "run"), viewertest.Shape{
		Steps: 2, Layers: 3, Heads: 2, TextBefore: 2, TextAfter: 2, Images: grids, ImagePaths: paths,
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = NewServer([]*File{f}, ServerOptions{Addr: ts.Listener.Addr().String()})
	ts.Start()
	t.Cleanup(ts.Close)
	return testServer{url: ts.URL, host: ts.Listener.Addr().String(), file: f, dir: dir}
}

func writeTestPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Set(i%w, i/w, color.NRGBA{uint8(i), uint8(2 * i), 90, 255})
	}
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := png.Encode(fh, img); err != nil {
		t.Fatal(err)
	}
}

// get sends a GET with a raw path (not cleaned by the client) and the
// given Host header (the server's own when empty); redirects are not
// followed.
func get(t *testing.T, ts testServer, rawPath, host string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = rawPath
	if host != "" {
		req.Host = host
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

func TestAPI(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	code, h, body := get(t, ts, "/api/files", "")
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("/api/files: %d %s", code, body)
	}
	var files []fileSummary
	if err := json.Unmarshal([]byte(body), &files); err != nil || len(files) != 1 || files[0].Name != "run.parquet" || files[0].Images != 1 {
		t.Fatalf("/api/files: %v %+v", err, files)
	}
	if strings.Contains(body, ts.dir) {
		t.Errorf("/api/files shows the results' directory: %s", body)
	}

	code, _, body = get(t, ts, "/api/files/0/step?step=1", "")
	var info StepInfo
	if err := json.Unmarshal([]byte(body), &info); code != http.StatusOK || err != nil || info.Step != 1 || len(info.Grids) != 1 {
		t.Fatalf("step: %d %v %s", code, err, body)
	}

	code, h, body = get(t, ts, "/api/files/0/values?step=1&layers=2,0&variants=Head_1,Full&value=l2_distance", "")
	if code != http.StatusOK || h.Get("X-Vlmask-Shape") != "2,2,"+itoa(len(info.Units)) {
		t.Fatalf("values: %d shape %q %s", code, h.Get("X-Vlmask-Shape"), body)
	}
	want, err := ts.file.Values(Query{Step: 1, Layers: []int{2, 0}, Variants: []string{"Head_1", "Full"}, Value: results.ColumnL2Distance})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range want.Data {
		if got := math.Float64frombits(binary.LittleEndian.Uint64([]byte(body[8*i:]))); math.Float64bits(got) != math.Float64bits(x) {
			t.Fatalf("value %d: %v, want %v", i, got, x)
		}
	}

	for path, code := range map[string]int{
		"/api/files/0/values?step=9&variants=Full&value=l2_distance":            http.StatusNotFound,
		"/api/files/0/values?step=x&variants=Full&value=l2_distance":            http.StatusBadRequest,
		"/api/files/0/values?step=0&variants=Full":                              http.StatusBadRequest,
		"/api/files/0/values?step=0&variants=Full&value=token_masked":           http.StatusNotFound,
		"/api/files/0/values?step=0&layers=a&variants=Full&value=x":             http.StatusBadRequest,
		"/api/files/1/step?step=0":                                              http.StatusNotFound,
		"/api/files/-1/step?step=0":                                             http.StatusNotFound,
		"/api/files/0/step?step=0&path=/etc/passwd":                             http.StatusOK,
		"/api/files/0/images/1":                                                 http.StatusNotFound,
		"/api/files/0/images/0":                                                 http.StatusOK,
		"/nope":                                                                 http.StatusNotFound,
		"/assets/js/main.js":                                                    http.StatusOK,
		"/assets/style.css":                                                     http.StatusOK,
		"/api/files/0/values?step=0&layers=all&variants=Full&value=l2_distance": http.StatusOK,
	} {
		if got, _, body := get(t, ts, path, ""); got != code {
			t.Errorf("%s: %d, want %d (%s)", path, got, code, body)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestNoPathTraversal asks for files outside what the server was given in
// every way a path can be spelled; none may come back.
func TestNoPathTraversal(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	rel, err := filepath.Rel("/", filepath.Join(ts.dir, "secret.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"/assets/../secret.txt",
		"/assets/%2e%2e/%2e%2e/" + rel,
		"/assets/..%2f..%2f..%2f" + strings.ReplaceAll(rel, "/", "%2f"),
		"/assets/js/../../../../../../../" + rel,
		"/assets//" + rel,
		"/" + rel,
		"/../../../../" + rel,
		"/api/files/0/images/..%2f..%2fsecret.txt",
		"/api/files/0/images/0?path=" + filepath.Join(ts.dir, "secret.txt"),
		"/api/files/..%2f..%2f" + strings.ReplaceAll(rel, "/", "%2f") + "/step?step=0",
		"/api/files/0/step?step=0&file=" + filepath.Join(ts.dir, "secret.txt"),
		"/assets/../../../../../../etc/passwd",
		"/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	} {
		code, _, body := get(t, ts, p, "")
		if strings.Contains(body, secret) || strings.Contains(body, "root:") {
			t.Errorf("%s: %d answered with a file it must not serve", p, code)
		}
		if code == http.StatusOK && !strings.HasPrefix(p, "/api/files/0/") { // real API calls whose extra parameters are ignored
			t.Errorf("%s: 200 (%.60q)", p, body)
		}
	}
}

func TestImagesMustBeSmallRegularFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.png")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(MaxImageBytes + 1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	fh.Close()
	ts := startServer(t, "", dir, big, filepath.Join(dir, "gone.png"), "secret.txt")
	code, h, body := get(t, ts, "/api/files/0/images/0", "")
	if code != http.StatusOK || h.Get("Content-Type") != "image/png" {
		t.Fatalf("regular PNG: %d %s", code, body)
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 4*imagePixelsPerCell || b.Dy() != 3*imagePixelsPerCell {
		t.Errorf("picture %v, want the 3×4 grid's %d×%d", b, 4*imagePixelsPerCell, 3*imagePixelsPerCell)
	}
	if found := ts.file.Summary().ImagesFound; !slices.Equal(found, []bool{true, false, false, false, true}) {
		t.Errorf("images found %v, want only the PNG and the small regular text file", found)
	}
	for k, want := range map[string]int{"1": http.StatusNotFound, "2": http.StatusRequestEntityTooLarge, "3": http.StatusNotFound, "4": http.StatusInternalServerError} {
		code, _, body := get(t, ts, "/api/files/0/images/"+k, "")
		if code != want || strings.Contains(body, secret) || strings.Contains(body, dir) {
			t.Errorf("image %s: %d %q, want %d without contents or paths", k, code, body, want)
		}
	}
}

func TestGuards(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	_, port, _ := strings.Cut(ts.host, ":")
	for host, want := range map[string]int{
		"":                         http.StatusOK,
		"localhost:" + port:        http.StatusOK,
		"evil.example:" + port:     http.StatusMisdirectedRequest,
		"127.0.0.1:1":              http.StatusMisdirectedRequest,
		"rebound.example.com":      http.StatusMisdirectedRequest,
		"127.0.0.1.nip.io:" + port: http.StatusMisdirectedRequest,
	} {
		if code, _, _ := get(t, ts, "/api/files", host); code != want {
			t.Errorf("Host %q: %d, want %d", host, code, want)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		req, err := http.NewRequest(m, ts.url+"/api/files", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, resp.StatusCode)
		}
	}
	_, h, body := get(t, ts, "/", "")
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
	if !strings.Contains(body, `<script type="module" src="/assets/js/main.js">`) {
		t.Errorf("index page: %s", body)
	}
}

func TestListenLoopbackByDefault(t *testing.T) {
	t.Parallel()
	ln, err := Listen(DefaultAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !IsLoopback(ln.Addr()) || !strings.HasPrefix(URL(ln), "http://127.0.0.1:") {
		t.Errorf("default address %v, URL %s: want loopback", ln.Addr(), URL(ln))
	}
	if _, err := Listen("no-port"); err == nil {
		t.Error("Listen accepted an address without a port")
	}
	if allowedHosts("0.0.0.0:80") != nil || allowedHosts("192.0.2.1:80") != nil {
		t.Error("a server on a non-loopback address checks Host headers (it cannot know its names)")
	}
}
