package viewer

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// externalRef matches anything that could make a browser reach beyond the
// page's own origin: absolute and protocol-relative URLs, CSS imports and
// fonts, and the usual CDNs by name.
var externalRef = regexp.MustCompile(`(?i)(https?:|wss?:|ftp:)//|(src|href|action)\s*=\s*["']?//|url\(\s*["']?(https?:)?//|@import|@font-face|cdn\.|jsdelivr|unpkg|googleapis|gstatic`)

// TestNoExternalURLs greps every embedded asset and the export bundle.
func TestNoExternalURLs(t *testing.T) {
	t.Parallel()
	n := 0
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		for i, line := range strings.Split(string(b), "\n") {
			if m := externalRef.FindString(line); m != "" {
				t.Errorf("%s:%d: %q in %q", p, i+1, m, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("only %d embedded assets", n)
	}
	js, err := bundle()
	if err != nil {
		t.Fatal(err)
	}
	if m := externalRef.FindString(js); m != "" {
		t.Errorf("bundle: %q", m)
	}
}

// TestModules checks that every module is in the bundle order and imports
// only in the form the bundler strips.
func TestModules(t *testing.T) {
	t.Parallel()
	entries, err := assetFS.ReadDir("assets/js")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	order := slices.Clone(appModules())
	slices.Sort(order)
	if !slices.Equal(names, order) {
		t.Errorf("assets/js holds %v; appModules lists %v", names, appModules())
	}
	js, err := bundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\nimport ", "\nexport ", "</script", "<!--"} {
		if strings.Contains(js, bad) {
			t.Errorf("bundle contains %q", bad)
		}
	}
}

// TestExport writes a page and reads its data back.
func TestExport(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	var buf bytes.Buffer
	st, err := Export(&buf, []*File{ts.file}, ExportOptions{Variants: []string{"Full", "Head_*"}, Steps: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if st.Bytes != int64(len(page)) || st.Steps != 1 {
		t.Errorf("stats %+v for %d bytes", st, len(page))
	}
	for _, want := range []string{`http-equiv="Content-Security-Policy"`, "script-src &#39;sha256-", "img-src data:", `id="vlmask-data"`, "data:image/png;base64,"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if m := externalRef.FindString(page); m != "" {
		t.Errorf("page contains %q", m)
	}
	if strings.Contains(page, ts.dir) {
		t.Error("page names the results' directory")
	}
	_, rest, _ := strings.Cut(page, `<script type="application/json" id="vlmask-data">`)
	data, _, _ := strings.Cut(rest, "</script>")
	var doc exportDoc
	if err := json.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Files) != 1 || !slices.Equal(doc.Files[0].Variants, []string{"Full", "Head_0", "Head_1"}) || !slices.Equal(doc.Files[0].Steps, []int{1}) {
		t.Fatalf("exported summary %+v", doc.Files)
	}
	ev := doc.Values["0"]["1"]["Head_1|"+results.ColumnL2Distance]
	raw, err := base64.StdEncoding.DecodeString(ev.Data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ts.file.Values(Query{Step: 1, Variants: []string{"Head_1"}, Value: results.ColumnL2Distance})
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 8*len(want.Data) {
		t.Fatalf("%d bytes for %d values", len(raw), len(want.Data))
	}
	for i, x := range want.Data {
		if got := math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])); math.Float64bits(got) != math.Float64bits(x) {
			t.Fatalf("value %d: %v, want %v", i, got, x)
		}
	}
	for _, tc := range []ExportOptions{{Steps: []int{9}}, {Variants: []string{"Nope*"}}, {Values: []string{"nope"}}, {Variants: []string{"["}}} {
		if _, err := Export(&bytes.Buffer{}, []*File{ts.file}, tc); err == nil {
			t.Errorf("%+v: no error", tc)
		}
	}
}
