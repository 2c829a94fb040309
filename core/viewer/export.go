package viewer

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/core/results"
)

// MaxExportValues bounds the values one export inlines (about 170 MB of
// HTML); narrow the steps or variants for more.
const MaxExportValues = 16 << 20

// ExportOptions chooses the subset of each file an export inlines.
type ExportOptions struct {
	// Steps to include; nil: every step.
	Steps []int
	// Variants to include, as names or path.Match patterns ("Head_*");
	// nil: Full and Attn.
	Variants []string
	// Values are the value columns to include; nil: l2_distance.
	Values []string
	// Title is the page's title; empty: the first file's name.
	Title string
}

// ExportStats says what an export wrote.
type ExportStats struct {
	Files, Steps, Variants, Values int
	Numbers                        int // values inlined
	Bytes                          int64
}

// exportDoc is the JSON document the exported page reads (see the app's
// inlineSource).
type exportDoc struct {
	Files  []fileSummary                                  `json:"files"`
	Steps  map[string]map[string]StepInfo                 `json:"steps"`
	Values map[string]map[string]map[string]exportedValue `json:"values"`
	Images map[string]map[string]string                   `json:"images"`
}

type exportedValue struct {
	Layers []int  `json:"layers"`
	Units  int    `json:"units"`
	Data   string `json:"data"` // base64 of little-endian float64s, layer-major
}

// Export writes one self-contained HTML page to w: the viewer app, the
// chosen subset of every file's data and the run's images as data URLs. It
// opens from disk with no network and no server; its Content-Security-
// Policy allows only its own inline script and style and data: images.
func Export(w io.Writer, files []*File, opts ExportOptions) (ExportStats, error) {
	doc := exportDoc{Steps: map[string]map[string]StepInfo{}, Values: map[string]map[string]map[string]exportedValue{}, Images: map[string]map[string]string{}}
	var st ExportStats
	for i, f := range files {
		sum, err := f.exportFile(i, opts, &doc, &st)
		if err != nil {
			return st, fmt.Errorf("export %s: %w", f.path, err)
		}
		doc.Files = append(doc.Files, fileSummary{ID: i, Summary: sum})
	}
	data, err := json.Marshal(doc) // escapes <, > and &, so it cannot end its <script>
	if err != nil {
		return st, fmt.Errorf("export: %w", err)
	}
	script, err := bundle()
	if err != nil {
		return st, err
	}
	title := opts.Title
	if title == "" && len(files) > 0 {
		title = "vlmask · " + files[0].Summary().Name
	}
	page := exportPage(title, stylesheet(), string(data), script)
	n, err := io.Copy(w, strings.NewReader(page))
	st.Bytes = n
	st.Files = len(files)
	if err != nil {
		return st, fmt.Errorf("export: write: %w", err)
	}
	return st, nil
}

// exportFile adds file i's subset to doc and returns its summary,
// narrowed to that subset.
func (f *File) exportFile(i int, opts ExportOptions, doc *exportDoc, st *ExportStats) (Summary, error) {
	sum := f.Summary()
	steps := f.steps
	if opts.Steps != nil {
		steps = nil
		for _, s := range opts.Steps {
			if !slices.Contains(f.steps, s) {
				return Summary{}, fmt.Errorf("step %d: %w (the file has steps %v)", s, ErrNotFound, f.steps)
			}
			steps = append(steps, s)
		}
	}
	variants, err := matchVariants(f.variants, opts.Variants)
	if err != nil {
		return Summary{}, err
	}
	values := opts.Values
	if values == nil {
		values = []string{results.ColumnL2Distance}
	}
	for _, v := range values {
		if !slices.Contains(f.values, v) {
			return Summary{}, fmt.Errorf("value column %q: %w (the file has %v)", v, ErrNotFound, f.values)
		}
	}
	if aw := slices.ContainsFunc(variants, func(v string) bool { return strings.HasPrefix(v, "AttentionWeight_") }); aw && !slices.Contains(values, results.ColumnAttentionWeight) {
		values = append(values, results.ColumnAttentionWeight)
	}
	key := strconv.Itoa(i)
	doc.Steps[key], doc.Values[key], doc.Images[key] = map[string]StepInfo{}, map[string]map[string]exportedValue{}, map[string]string{}
	for _, s := range steps {
		info, err := f.Step(s)
		if err != nil {
			return Summary{}, err
		}
		sk := strconv.Itoa(s)
		doc.Steps[key][sk] = info
		doc.Values[key][sk] = map[string]exportedValue{}
		for _, v := range variants {
			for _, col := range values {
				st.Numbers += len(f.layers) * len(info.Units)
				if st.Numbers > MaxExportValues {
					return Summary{}, fmt.Errorf("%w: more than %d values; choose fewer steps or variants", ErrTooLarge, MaxExportValues)
				}
				vals, err := f.Values(Query{Step: s, Variants: []string{v}, Value: col})
				if err != nil {
					return Summary{}, err
				}
				doc.Values[key][sk][v+"|"+col] = exportedValue{Layers: vals.Layers, Units: vals.Units, Data: float64sBase64(vals.Data)}
			}
		}
	}
	for k := range len(f.imagePaths()) {
		png, err := f.ImagePNG(k)
		if err != nil {
			sum.ImagesFound[k] = false // the page draws this image's heatmap over grey
			continue
		}
		doc.Images[key][strconv.Itoa(k)] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	sum.Steps, sum.Variants, sum.Values = steps, variants, values
	st.Steps += len(steps)
	st.Variants = max(st.Variants, len(variants))
	st.Values = max(st.Values, len(values))
	return sum, nil
}

// matchVariants returns the file's variants that match the patterns, in
// the file's order; nil patterns mean Full and Attn.
func matchVariants(have, patterns []string) ([]string, error) {
	if patterns == nil {
		patterns = []string{results.VariantFull, results.VariantAttn}
	}
	var out []string
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("variant pattern %q: %w", p, ErrBadRequest)
		}
	}
	for _, v := range have {
		for _, p := range patterns {
			if ok, _ := path.Match(p, v); ok {
				out = append(out, v)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("variants %v: %w (the file has %v)", patterns, ErrNotFound, have)
	}
	return out, nil
}

func float64sBase64(v []float64) string {
	buf := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// exportPage assembles the page. Its CSP names the inline script and
// style by hash, so nothing else runs or loads.
func exportPage(title, css, data, script string) string {
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	csp := "default-src 'none'; script-src " + hash(script) + "; style-src " + hash(css) + "; img-src data:; base-uri 'none'; form-action 'none'"
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", html.EscapeString(csp))
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", html.EscapeString(title), css)
	b.WriteString("<main id=\"app\"><p class=\"loading\">Loading…</p></main>\n<div id=\"tooltip\" class=\"tooltip\" hidden></div>\n")
	fmt.Fprintf(&b, "<script type=\"application/json\" id=\"vlmask-data\">%s</script>\n", data)
	fmt.Fprintf(&b, "<script type=\"module\">%s</script>\n</body>\n</html>\n", script)
	return b.String()
}
