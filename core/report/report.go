package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/vlmask/vlmask/core/results"
)

// Options select what a summary ranks.
type Options struct {
	// Variant is the row variant to rank by (default "Full"); an
	// Effect_W{k} variant ranks by the propagated knockout, its layer being
	// the start layer.
	Variant string
	// Metric is "l2_distance" (default) or "cosine_distance", or for an
	// Effect_W{k} variant one of the effect columns: "kl" (its default),
	// "dlogp" (ranked most negative first), "tv", "rank",
	// "argmax_changed" (the fraction of steps and layers whose greedy
	// token changed) or "final_hidden_l2".
	Metric string
	// Top is how many entries each band lists (default 5).
	Top int
	// Bands is how many layer bands to split the layers into (default 3:
	// early, middle, late).
	Bands int
	// NumLayers is the decoder's layer count when the file records it
	// (results.Meta.NumLayers): rows beyond it are refused. 0 leaves only
	// MaxLayers.
	NumLayers int
}

// MaxLayers bounds the layer numbers a summary accepts from rows, whatever
// the file says; no model has nearly as many.
const MaxLayers = 4096

// ErrOutOfBounds: a row's layer lies beyond the file's recorded layer
// count or MaxLayers.
var ErrOutOfBounds = errors.New("outside the bounds of a results file")

// MaxBands bounds Options.Bands.
const MaxBands = 1024

// Entry is one knocked-out token or group in a band.
type Entry struct {
	Position int
	Label    string // the token text, or the group's label
	Modality string
	Patch    string // "img0 r1 c2" for image tokens, else ""
	Mean     float64
}

// Band is a range of layers and its most affected entries, ranked
// separately for text tokens and for image patches (and mixed groups), so
// that a few hundred patches do not crowd out the words or the reverse.
type Band struct {
	Name         string
	FirstLayer   int
	LastLayer    int
	Text         []Entry
	Image        []Entry
	Observations int // rows averaged
}

// Summary is the whole report.
type Summary struct {
	// Status is empty for a complete run, else what the file holds
	// ("incomplete: 3 of 5 steps", results.Meta.Status); Write prints it
	// first.
	Status          string `json:",omitempty"`
	Variant, Metric string
	// Ascending: the entries are ranked smallest first (dlogp: the most
	// negative change of the greedy token's log-probability first).
	Ascending bool `json:",omitempty"`
	Steps     int
	Bands     []Band
}

// FromFile reads a results file, keeps the rows of its finished steps
// (results.ReadFinished) and summarises them, with the file's status and
// layer count.
func FromFile(path string, opts Options) (*Summary, error) {
	rows, meta, _, err := results.ReadFinished(path)
	if err != nil {
		return nil, err
	}
	layers, ok, err := meta.NumLayers()
	if err != nil {
		return nil, fmt.Errorf("read results %q: %w", path, err)
	}
	if ok {
		opts.NumLayers = layers
	}
	s, err := Summarize(rows, opts)
	if err != nil {
		if status := meta.Status(); status != "" {
			err = fmt.Errorf("%w (%s)", err, status)
		}
		return nil, err
	}
	s.Status = meta.Status()
	return s, nil
}

type key struct {
	pos   int
	label string
}

// Summarize ranks rows (as results.Read returns them).
func Summarize(rows []results.Row, opts Options) (*Summary, error) {
	if opts.Variant == "" {
		opts.Variant = "Full"
	}
	_, effect := results.EffectWindow(opts.Variant)
	if opts.Metric == "" {
		opts.Metric = results.ColumnL2Distance
		if effect {
			opts.Metric = results.ColumnKL
		}
	}
	if opts.Top <= 0 {
		opts.Top = 5
	}
	if opts.Bands <= 0 {
		opts.Bands = 3
	}
	value, err := metricOf(opts.Metric, effect)
	if err != nil {
		return nil, err
	}
	if opts.Bands > MaxBands {
		return nil, fmt.Errorf("%d bands: at most %d", opts.Bands, MaxBands)
	}
	limit := MaxLayers
	if opts.NumLayers > 0 {
		limit = min(opts.NumLayers, MaxLayers)
	}
	maxLayer, maxStep := -1, -1
	for _, r := range rows {
		if r.Layer >= limit {
			return nil, fmt.Errorf("a row of step %d has layer %d, but the file has %d layers: %w", r.Step, r.Layer, limit, ErrOutOfBounds)
		}
		maxLayer, maxStep = max(maxLayer, r.Layer), max(maxStep, r.Step)
	}
	if maxLayer < 0 {
		return nil, fmt.Errorf("no rows")
	}
	layers := maxLayer + 1
	nb := min(opts.Bands, layers)
	s := &Summary{Variant: opts.Variant, Metric: opts.Metric, Steps: maxStep + 1, Ascending: opts.Metric == results.ColumnDLogP}
	names := BandNames(nb)
	for b := 0; b < nb; b++ {
		s.Bands = append(s.Bands, Band{Name: names[b], FirstLayer: b * layers / nb, LastLayer: (b+1)*layers/nb - 1})
	}
	type acc struct {
		e     Entry
		sum   float64
		count int
	}
	accs := make([]map[key]*acc, nb)
	for b := range accs {
		accs[b] = map[key]*acc{}
	}
	for _, r := range rows {
		if r.Variant != opts.Variant {
			continue
		}
		v, ok := value(&r)
		if !ok || math.IsNaN(v) {
			continue
		}
		b := r.Layer * nb / layers
		label := r.TokenMasked
		if r.GroupSize > 1 {
			label = r.GroupLabel
		}
		k := key{r.TokenPosition, label}
		a := accs[b][k]
		if a == nil {
			e := Entry{Position: r.TokenPosition, Label: label, Modality: r.Modality}
			if r.ImageIndex >= 0 && r.PatchRow >= 0 {
				e.Patch = fmt.Sprintf("img%d r%d c%d", r.ImageIndex, r.PatchRow, r.PatchCol)
			}
			a = &acc{e: e}
			accs[b][k] = a
		}
		a.sum += v
		a.count++
		s.Bands[b].Observations++
	}
	for b := range s.Bands {
		var text, image []Entry
		for _, a := range accs[b] {
			e := a.e
			e.Mean = a.sum / float64(a.count)
			if e.Modality == "text" {
				text = append(text, e)
			} else {
				image = append(image, e)
			}
		}
		s.Bands[b].Text = top(text, opts.Top, s.Ascending)
		s.Bands[b].Image = top(image, opts.Top, s.Ascending)
	}
	if s.Bands[0].Observations == 0 {
		return nil, fmt.Errorf("no %s rows", opts.Variant)
	}
	return s, nil
}

// top sorts entries by mean, largest first (smallest first when
// ascending; ties by position), and keeps n.
func top(entries []Entry, n int, ascending bool) []Entry {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Mean != entries[j].Mean {
			return (entries[i].Mean > entries[j].Mean) != ascending
		}
		return entries[i].Position < entries[j].Position
	})
	return entries[:min(n, len(entries))]
}

// BandNames names n bands of layers: "early", "middle", "late" for three,
// and so on.
func BandNames(n int) []string {
	switch n {
	case 1:
		return []string{"all layers"}
	case 2:
		return []string{"early", "late"}
	case 3:
		return []string{"early", "middle", "late"}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("band %d", i+1)
	}
	return out
}

// Write prints the summary as text.
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	if s.Status != "" {
		fmt.Fprintf(&b, "%s\n", s.Status)
	}
	if k, ok := results.EffectWindow(s.Variant); ok {
		fmt.Fprintf(&b, "most affected outputs by mean %s when the final position cannot see the token at %d layer(s) from a start layer (%s, %d steps):\n",
			s.Metric, k, s.Variant, s.Steps)
	} else {
		fmt.Fprintf(&b, "most affected tokens by mean %s of the %s update (%d steps):\n", s.Metric, s.Variant, s.Steps)
	}
	for _, band := range s.Bands {
		fmt.Fprintf(&b, "  %s layers %d–%d:\n", band.Name, band.FirstLayer, band.LastLayer)
		for _, list := range []struct {
			name    string
			entries []Entry
		}{{"text", band.Text}, {"image", band.Image}} {
			if len(list.entries) == 0 {
				continue
			}
			fmt.Fprintf(&b, "    %s:", list.name)
			for _, e := range list.entries {
				name := fmt.Sprintf("%q", e.Label)
				if e.Patch != "" {
					name = "[" + e.Patch + "]"
				}
				fmt.Fprintf(&b, "  %s@%d %.4g", name, e.Position, e.Mean)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// metricOf returns the function that reads metric from a row (false when
// the row has no such value), or an error for a metric the variant does
// not have.
func metricOf(metric string, effect bool) (func(*results.Row) (float64, bool), error) {
	switch metric {
	case results.ColumnL2Distance:
		return func(r *results.Row) (float64, bool) { return r.L2Distance, true }, nil
	case results.ColumnCosineDistance:
		return func(r *results.Row) (float64, bool) { return r.CosineDistance, true }, nil
	}
	read := map[string]func(*results.Effect) float64{
		results.ColumnKL:            func(e *results.Effect) float64 { return e.KL },
		results.ColumnDLogP:         func(e *results.Effect) float64 { return e.DLogP },
		results.ColumnTV:            func(e *results.Effect) float64 { return e.TV },
		results.ColumnRank:          func(e *results.Effect) float64 { return float64(e.Rank) },
		results.ColumnFinalHiddenL2: func(e *results.Effect) float64 { return e.FinalHiddenL2 },
		results.ColumnArgmaxChanged: func(e *results.Effect) float64 {
			if e.ArgmaxChanged {
				return 1
			}
			return 0
		},
	}[metric]
	if read == nil {
		return nil, fmt.Errorf("metric %q: want %s, %s or, for an %s{k} variant, one of %s", metric,
			results.ColumnL2Distance, results.ColumnCosineDistance, results.VariantEffectPrefix, strings.Join(results.EffectColumns(), ", "))
	}
	if !effect {
		return nil, fmt.Errorf("metric %q: only the propagated knockout's %s{k} variants have it", metric, results.VariantEffectPrefix)
	}
	return func(r *results.Row) (float64, bool) {
		if r.Effect == nil {
			return 0, false
		}
		return read(r.Effect), true
	}, nil
}
