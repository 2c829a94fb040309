package viewer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vlmask/vlmask/core/results"
)

// Run metadata keys the viewer reads (written by `vlmask run`).
const (
	metaNumTokens     = results.MetaKeyNumTokens
	metaGeneratedIDs  = results.MetaKeyGeneratedIDs
	metaGeneratedText = results.MetaKeyGeneratedText
	metaModel         = results.MetaKeyModel
	metaModelType     = results.MetaKeyModelType
	metaMaskMode      = results.MetaKeyMaskMode
	metaPromptName    = results.MetaKeyPromptName
	metaPlugins       = results.MetaKeyPlugins
)

// defaultCacheBytes bounds the query results a File keeps.
const defaultCacheBytes = 64 << 20

// File is one results file opened for viewing. It is safe for concurrent
// use.
type File struct {
	path   string
	table  *results.Table
	meta   results.Meta
	syms   *results.Symbols
	blocks []block // sorted by (step, layer)
	// effect are the blocks of the propagated knockout's Effect_W{k} rows,
	// which a run writes after the step's layers (a second block of each
	// (step, layer), the layer being the start layer), sorted likewise.
	effect []block
	steps  []int
	layers []int

	variants []string // every variant, in display order
	values   []string // the value columns

	layouts *cache // step → *layout
	results *cache // query key → []float64

	images []string // the analysed images' paths, from the metadata

	tokMu  sync.Mutex
	tokens *tokenNames // generated-token texts from the checkpoint, when needed
}

// block is the rows of one (step, layer).
type block struct {
	step, layer int
	from, to    int64
}

// Open opens a Parquet results file and indexes its (step, layer) blocks.
// It reads the generation_step and layer columns once; nothing else is read
// until a query asks for it.
func Open(path string) (*File, error) {
	if strings.EqualFold(filepath.Ext(path), results.FormatCSV.Extension()) {
		return nil, fmt.Errorf("open %q: %w: the viewer reads Parquet results (write them with --format parquet)", path, ErrFormat)
	}
	t, err := results.OpenTable(path)
	if err != nil {
		return nil, err
	}
	f := &File{
		path: path, table: t, meta: t.Meta(), syms: results.NewSymbols(),
		layouts: newCache(defaultCacheBytes / 2), results: newCache(defaultCacheBytes),
	}
	if f.images, err = f.meta.Images(); err != nil {
		t.Close()
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	if err := f.index(); err != nil {
		t.Close()
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	if len(f.blocks) > 0 {
		if err := f.listVariants(); err != nil {
			t.Close()
			return nil, fmt.Errorf("open %q: %w", path, err)
		}
	}
	f.values = []string{results.ColumnL2Distance, results.ColumnCosineDistance, results.ColumnAttentionWeight}
	if f.meta.Effect {
		// The effect columns the viewer can colour by (the float ones).
		f.values = append(f.values, results.ColumnKL, results.ColumnDLogP, results.ColumnTV, results.ColumnFinalHiddenL2)
	}
	f.values = append(f.values, f.meta.MetricColumns...)
	return f, nil
}

// Close closes the file.
func (f *File) Close() error { return f.table.Close() }

// Path is the path the file was opened from.
func (f *File) Path() string { return f.path }

// index reads the step and layer columns row group by row group and
// records each (step, layer)'s run of rows.
func (f *File) index() error {
	starts := f.table.RowGroupStarts()
	var steps, layers []int64
	seen, effectSeen := map[[2]int]bool{}, map[[2]int]bool{}
	var cur *block
	for g := 0; g+1 < len(starts); g++ {
		var err error
		if steps, err = f.table.Int64s(results.ColumnGenerationStep, starts[g], starts[g+1], steps[:0]); err != nil {
			return err
		}
		if layers, err = f.table.Int64s(results.ColumnLayer, starts[g], starts[g+1], layers[:0]); err != nil {
			return err
		}
		for i := range steps {
			s, l := int(steps[i]), int(layers[i])
			if cur != nil && cur.step == s && cur.layer == l {
				cur.to++
				continue
			}
			key := [2]int{s, l}
			row := starts[g] + int64(i)
			switch {
			case !seen[key]:
				seen[key] = true
				f.blocks = append(f.blocks, block{step: s, layer: l, from: row, to: row + 1})
				cur = &f.blocks[len(f.blocks)-1]
			case f.meta.Effect && !effectSeen[key]:
				// The step's effect rows, after all its layers.
				effectSeen[key] = true
				f.effect = append(f.effect, block{step: s, layer: l, from: row, to: row + 1})
				cur = &f.effect[len(f.effect)-1]
			default:
				return fmt.Errorf("%w: step %d layer %d appears again at row %d", ErrLayout, s, l, row)
			}
		}
	}
	byStepLayer := func(a, b block) int {
		if a.step != b.step {
			return a.step - b.step
		}
		return a.layer - b.layer
	}
	slices.SortFunc(f.blocks, byStepLayer)
	slices.SortFunc(f.effect, byStepLayer)
	stepSet, layerSet := map[int]bool{}, map[int]bool{}
	for _, b := range f.blocks {
		stepSet[b.step], layerSet[b.layer] = true, true
	}
	f.steps, f.layers = sortedKeys(stepSet), sortedKeys(layerSet)
	return nil
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// listVariants reads the variant column of the first step's first and
// last blocks (a plugin's variants are the same at every step).
func (f *File) listVariants() error {
	seen := map[int32]bool{}
	sample := []block{f.blocks[0], f.blocks[len(f.blocks)-1]}
	if len(f.effect) > 0 {
		sample = append(sample, f.effect[0])
	}
	for _, b := range sample {
		codes, err := f.table.Strings(results.ColumnVariant, b.from, b.to, f.syms, nil)
		if err != nil {
			return err
		}
		for _, c := range codes {
			seen[c] = true
		}
	}
	for c := range seen {
		f.variants = append(f.variants, f.syms.Name(c))
	}
	slices.SortFunc(f.variants, compareVariants)
	return nil
}

// compareVariants orders variants as a reader expects them: Full, Attn,
// Head_0, Head_1, ... Head_10, the attention weights, the effect windows
// Effect_W1, Effect_W2, ..., then plugin variants by name.
func compareVariants(a, b string) int {
	ra, ia := variantRank(a)
	rb, ib := variantRank(b)
	if ra != rb {
		return ra - rb
	}
	if ia != ib {
		return ia - ib
	}
	return strings.Compare(a, b)
}

func variantRank(v string) (rank, head int) {
	switch v {
	case results.VariantFull:
		return 0, 0
	case results.VariantAttn:
		return 1, 0
	case results.VariantAttentionWeightAvg:
		return 4, 0
	}
	if k, ok := results.EffectWindow(v); ok {
		return 5, k
	}
	if h, ok := strings.CutPrefix(v, results.VariantHeadPrefix); ok {
		n, _ := strconv.Atoi(h)
		return 2, n
	}
	if h, ok := strings.CutPrefix(v, results.VariantAttentionWeightHeadPrefix); ok {
		n, _ := strconv.Atoi(h)
		return 3, n
	}
	return 6, 0
}

// blocksOf returns the blocks of step, in layer order.
func (f *File) blocksOf(step int) []block { return stepBlocks(f.blocks, step) }

// stepBlocks returns the blocks of step in all, a list sorted by (step,
// layer).
func stepBlocks(all []block, step int) []block {
	i, _ := slices.BinarySearchFunc(all, step, func(b block, s int) int { return b.step - s })
	j := i
	for j < len(all) && all[j].step == step {
		j++
	}
	return all[i:j]
}

// layerBlock returns the block of (step, layer) in all.
func layerBlock(all []block, step, layer int) (block, bool) {
	for _, b := range stepBlocks(all, step) {
		if b.layer == layer {
			return b, true
		}
	}
	return block{}, false
}

// Summary describes a file for the browser: what can be chosen and the
// run it comes from.
type Summary struct {
	Name           string   `json:"name"`
	Rows           int64    `json:"rows"`
	Steps          []int    `json:"steps"`
	Layers         []int    `json:"layers"`
	Variants       []string `json:"variants"`
	Values         []string `json:"values"`
	Metrics        []string `json:"metrics"`
	Complete       bool     `json:"complete"`
	StepsFinished  int      `json:"steps_finished"`
	StepsRequested int      `json:"steps_requested"` // vlmask.num_tokens; 0 when unknown
	Images         int      `json:"images"`          // images recorded in the run metadata
	ImagesFound    []bool   `json:"images_found"`    // whether each can be served (a regular file under MaxImageBytes)
	Model          string   `json:"model,omitempty"`
	ModelType      string   `json:"model_type,omitempty"`
	MaskMode       string   `json:"mask_mode,omitempty"`
	Plugins        string   `json:"plugins,omitempty"`
	PromptName     string   `json:"prompt_name,omitempty"`
	GeneratedText  string   `json:"generated_text,omitempty"`
	GeneratedIDs   []int    `json:"generated_ids"`
}

// Summary returns the file's summary.
func (f *File) Summary() Summary {
	md := f.meta.Metadata
	s := Summary{
		Name: filepath.Base(f.path), Rows: f.meta.Rows, Steps: f.steps, Layers: f.layers,
		Variants: f.variants, Values: f.values, Metrics: f.meta.MetricColumns,
		Complete: f.meta.Complete, StepsFinished: f.meta.StepsFinished,
		Images: len(f.imagePaths()), Model: filepath.Base(md[metaModel]), ModelType: md[metaModelType],
		MaskMode: md[metaMaskMode], Plugins: md[metaPlugins], PromptName: md[metaPromptName],
		GeneratedText: md[metaGeneratedText], GeneratedIDs: f.generatedIDs(),
	}
	if s.Metrics == nil {
		s.Metrics = []string{}
	}
	s.ImagesFound = make([]bool, s.Images)
	for k, p := range f.imagePaths() {
		st, err := os.Stat(p)
		s.ImagesFound[k] = err == nil && st.Mode().IsRegular() && st.Size() <= MaxImageBytes
	}
	s.StepsRequested, _ = strconv.Atoi(md[metaNumTokens])
	return s
}

// Incomplete reports whether the run that wrote the file was interrupted
// (vlmask.complete=false): it holds only the steps it finished. A complete
// run may still have fewer steps than it asked for, when the model ended
// its answer early.
func (s Summary) Incomplete() bool { return !s.Complete }

// generatedIDs parses vlmask.generated_ids (a JSON list).
func (f *File) generatedIDs() []int {
	ids := []int{}
	if raw := f.meta.Metadata[metaGeneratedIDs]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &ids); err != nil {
			return []int{}
		}
	}
	return ids
}

// imagePaths are the analysed images recorded in the run metadata (read
// and checked by Open).
func (f *File) imagePaths() []string { return f.images }
