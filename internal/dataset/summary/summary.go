package summary

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/core/report"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset/store"
)

// Options select what a summary ranks.
type Options struct {
	// Variant is the row variant to rank (default Full).
	Variant string
	// Metric is the value column (default l2_distance): cosine_distance,
	// attention_weight or a metric plugin's column work too.
	Metric string
	// Top is how many entries each list keeps (default 10; negative: all).
	Top int
	// Bands is the number of layer bands (default 3: early, middle, late).
	Bands int
	// Grid is the side of the grid image patches are pooled on (default 4).
	Grid int
	// ChunkRows is how many rows are read at a time (default 65,536).
	ChunkRows int
}

// Limits on options, against absurd memory.
const (
	MaxBands = 1024
	MaxGrid  = 1024
)

// ErrBounds reports a part whose rows lie outside its own metadata (layer
// count, image grids).
var ErrBounds = errors.New("outside the bounds of a part's metadata")

// Summary is the whole dataset's summary.
type Summary struct {
	Dir     string  `json:"dir"`
	Variant string  `json:"variant"`
	Metric  string  `json:"metric"`
	Grid    int     `json:"grid"`
	Groups  []Group `json:"groups"`
}

// Group is one model and mask mode.
type Group struct {
	Model    string `json:"model"`
	MaskMode string `json:"mask_mode"`
	// Parts counts the parts (dataset rows) summarised; Skipped names
	// parts left out because they are not complete.
	Parts     int      `json:"parts"`
	Skipped   []string `json:"skipped,omitempty"`
	NumLayers int      `json:"num_layers"`
	Bands     []Band   `json:"bands"`
}

// Band is a range of layers and its most affected entries.
type Band struct {
	Name       string `json:"name"`
	FirstLayer int    `json:"first_layer"`
	LastLayer  int    `json:"last_layer"`
	// Values counts the values averaged in the band.
	Values int64   `json:"values"`
	Text   []Entry `json:"text"`
	Image  []Entry `json:"image"`
	Groups []Entry `json:"groups"`
}

// Entry is one pooled token, image cell or group.
type Entry struct {
	// Key is the token's text, "r<row> c<col>" for an image cell (also in
	// Row and Col), or the group's label.
	Key      string  `json:"key"`
	Row      int     `json:"row,omitempty"`
	Col      int     `json:"col,omitempty"`
	Mean     float64 `json:"mean"`
	Count    int64   `json:"count"`
	Datasets int     `json:"rows"` // dataset rows (parts) the values came from
}

func (o Options) withDefaults() (Options, error) {
	if o.Variant == "" {
		o.Variant = "Full"
	}
	if o.Metric == "" {
		o.Metric = results.ColumnL2Distance
	}
	if o.Top == 0 {
		o.Top = 10
	}
	if o.Bands == 0 {
		o.Bands = 3
	}
	if o.Grid == 0 {
		o.Grid = 4
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = 1 << 16
	}
	switch {
	case o.Bands < 1 || o.Bands > MaxBands:
		return o, fmt.Errorf("%d bands: want 1..%d", o.Bands, MaxBands)
	case o.Grid < 1 || o.Grid > MaxGrid:
		return o, fmt.Errorf("grid %d: want 1..%d", o.Grid, MaxGrid)
	}
	return o, nil
}

// Summarize summarises every part under dir.
func Summarize(dir string, opts Options) (*Summary, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("summary %q: not a directory", dir)
	}
	parts, err := filepath.Glob(filepath.Join(abs, store.KeyModel+"=*", store.KeyMaskMode+"=*", store.KeyShard+"=*", "part-*.parquet"))
	if err != nil {
		return nil, err
	}
	slices.Sort(parts)
	s := &Summary{Dir: abs, Variant: opts.Variant, Metric: opts.Metric, Grid: opts.Grid}
	var cur *groupAcc
	for _, p := range parts {
		rel, _ := filepath.Rel(abs, p)
		elems := strings.Split(filepath.ToSlash(rel), "/")
		if _, ok := store.PartID(elems[3]); !ok {
			continue
		}
		model := strings.TrimPrefix(elems[0], store.KeyModel+"=")
		mode := strings.TrimPrefix(elems[1], store.KeyMaskMode+"=")
		if cur == nil || cur.g.Model != model || cur.g.MaskMode != mode {
			if cur != nil {
				s.Groups = append(s.Groups, cur.finish(opts))
			}
			cur = newGroupAcc(model, mode)
		}
		if err := cur.add(p, opts); err != nil {
			return nil, err
		}
	}
	if cur != nil {
		s.Groups = append(s.Groups, cur.finish(opts))
	}
	slices.SortStableFunc(s.Groups, func(a, b Group) int {
		return strings.Compare(a.Model+"\x00"+a.MaskMode, b.Model+"\x00"+b.MaskMode)
	})
	return s, nil
}

// kinds of entries.
const (
	kindText byte = iota
	kindImage
	kindGroup
)

type accKey struct {
	band int
	kind byte
	sym  int32 // token text or group label (kindText, kindGroup)
	r, c int   // image cell (kindImage)
}

type acc struct {
	sum   float64
	count int64
	rows  int
	last  int // index of the last part that added to it
}

// groupAcc accumulates one model and mask mode.
type groupAcc struct {
	g      Group
	syms   *results.Symbols
	accs   map[accKey]*acc
	values []int64 // per band
	nparts int
}

func newGroupAcc(model, mode string) *groupAcc {
	return &groupAcc{g: Group{Model: model, MaskMode: mode}, syms: results.NewSymbols(), accs: map[accKey]*acc{}}
}

// finish ranks the accumulated entries.
func (ga *groupAcc) finish(opts Options) Group {
	g := ga.g
	if g.NumLayers == 0 {
		return g
	}
	nb := min(opts.Bands, g.NumLayers)
	names := report.BandNames(nb)
	lists := make([][3][]Entry, nb)
	for k, a := range ga.accs {
		e := Entry{Mean: a.sum / float64(a.count), Count: a.count, Datasets: a.rows}
		if k.kind == kindImage {
			e.Key, e.Row, e.Col = fmt.Sprintf("r%d c%d", k.r, k.c), k.r, k.c
		} else {
			e.Key = ga.syms.Name(k.sym)
		}
		lists[k.band][k.kind] = append(lists[k.band][k.kind], e)
	}
	for b := range nb {
		band := Band{Name: names[b], FirstLayer: b * g.NumLayers / nb, LastLayer: (b+1)*g.NumLayers/nb - 1, Values: ga.values[b]}
		band.Text = top(lists[b][kindText], opts.Top)
		band.Image = top(lists[b][kindImage], opts.Top)
		band.Groups = top(lists[b][kindGroup], opts.Top)
		g.Bands = append(g.Bands, band)
	}
	return g
}

// top sorts entries by mean, largest first (ties by key), and keeps n
// (all when n is negative).
func top(entries []Entry, n int) []Entry {
	slices.SortFunc(entries, func(a, b Entry) int {
		switch {
		case a.Mean > b.Mean:
			return -1
		case a.Mean < b.Mean:
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
	if n >= 0 && len(entries) > n {
		entries = entries[:n]
	}
	if entries == nil {
		entries = []Entry{}
	}
	return entries
}

// isNaN is math.IsNaN, named for the reader: a null value reads as NaN.
func isNaN(v float64) bool { return math.IsNaN(v) }
