package golden

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// The golden data's places in the repository, relative to its root:
// byte-for-byte copies of the project's reference data sets. The reference
// set keeps the cases of families it was made before vlmask ran (LLaVA-1.5,
// Gemma 3) apart in golden-next; the repository carries those cases in
// testdata/golden with the others (FromNext) and keeps golden-next's
// tokenizer fixtures in testdata/golden-next.
const (
	RepoDir     = "testdata/golden"
	RepoNextDir = "testdata/golden-next"
)

// FromNext lists the end-to-end cases the repository carries in
// testdata/golden whose reference copy lives in the reference set's
// golden-next (until the reference set moves them too).
func FromNext() []string { return []string{"llava_basic", "gemma3_basic"} }

// Dir returns the repository's golden data directory. Its absence fails the
// test: the data ships with the repository, and a test that cannot compare
// against it proves nothing.
func Dir(t testing.TB) string {
	t.Helper()
	return repoData(t, RepoDir)
}

// NextDir returns the repository's golden-next data directory (the LLaVA-1.5
// and Gemma 3 tokenizer fixtures); its absence fails the test.
func NextDir(t testing.TB) string {
	t.Helper()
	return repoData(t, RepoNextDir)
}

func repoData(t testing.TB, rel string) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	g := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(filepath.Join(g, "README.md")); err != nil {
		t.Fatalf("golden data missing at %s (it is part of the repository: `git checkout -- %s`): %v", g, rel, err)
	}
	return g
}

// SharedDir is the reference data set name (golden or golden-next) beside
// the repository (../shared/NAME), which the repository's copy must equal;
// ok is false when it is not there.
func SharedDir(name string) (dir string, ok bool) {
	root, err := repoRoot()
	if err != nil {
		return "", false
	}
	d := filepath.Join(root, "..", "shared", name)
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		return "", false
	}
	return d, true
}

// repoRoot is the first directory holding go.mod above the working
// directory.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// Case is one end-to-end golden case.
type Case struct {
	Name string
	Dir  string
	Info CaseInfo
}

// CaseInfo is input/case.json.
type CaseInfo struct {
	Family     string            `json:"family"`
	NumTokens  int               `json:"num_tokens"`
	MaskMode   string            `json:"mask_mode"`
	Images     []string          `json:"images"`
	PromptFile string            `json:"prompt_file"`
	Messages   []json.RawMessage `json:"messages"`
}

// Cases lists the end-to-end cases whose names match the glob pattern
// (e.g. "qwen3_vl_*").
func Cases(t testing.TB, pattern string) []Case {
	t.Helper()
	return casesIn(t, Dir(t), pattern)
}

// casesIn lists the end-to-end cases under root matching pattern.
func casesIn(t testing.TB, root, pattern string) []Case {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(root, pattern))
	if err != nil {
		t.Fatal(err)
	}
	var out []Case
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(d, "input", "case.json"))
		if err != nil {
			continue // not an end-to-end case (tokenizer_qwen3, imageproc, templates)
		}
		c := Case{Name: filepath.Base(d), Dir: d}
		if err := json.Unmarshal(raw, &c.Info); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("no golden case matches %q in %s", pattern, root)
	}
	return out
}

// Checkpoint is the case's model directory.
func (c Case) Checkpoint() string { return filepath.Join(c.Dir, "checkpoint") }

// Input is a file of the case's input directory.
func (c Case) Input(name string) string { return filepath.Join(c.Dir, "input", name) }

// Expected is a file of the case's expected directory.
func (c Case) Expected(name string) string { return filepath.Join(c.Dir, "expected", name) }

// Prompt is the case's prompt text.
func (c Case) Prompt(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(c.Input("prompt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ImagePaths are the case's image files, in prompt order.
func (c Case) ImagePaths() []string {
	var out []string
	for _, im := range c.Info.Images {
		out = append(out, c.Input(im))
	}
	return out
}

// Tolerances are a case's tolerance.json: tol_abs per quantity.
type Tolerances struct {
	Quantities map[string]Quantity            `json:"quantities"`
	Knockout   map[string]map[string]Quantity `json:"knockout"`
	// Effect is the propagated knockout's block (three cases have it).
	Effect EffectTolerance `json:"effect"`
}

// Quantity is one quantity's tolerance entry: tol_abs = 10·max_abs +
// floor, where max_abs is transformers' own float32-vs-float64 error.
type Quantity struct {
	TolAbs float64 `json:"tol_abs"`
	MaxAbs float64 `json:"max_abs"`
	Floor  float64 `json:"floor"`
}

// Scaled is the tolerance rule for a computation whose rounding error is
// ratio times float32's: tol_abs = 10·ratio·max_abs + floor. A
// half-precision run uses ratio = the half format's epsilon over
// float32's (HalfRatio); ratio 1 is the rule itself.
func (tol Tolerances) Scaled(ratio float64) Tolerances {
	scale := func(q Quantity) Quantity {
		q.TolAbs = 10*ratio*q.MaxAbs + q.Floor
		return q
	}
	out := Tolerances{Quantities: map[string]Quantity{}, Knockout: map[string]map[string]Quantity{}, Effect: tol.Effect}
	for _, q := range []*Quantity{&out.Effect.KL, &out.Effect.DLogP, &out.Effect.TV, &out.Effect.FinalHiddenL2, &out.Effect.Logits} {
		*q = scale(*q)
	}
	for k, q := range tol.Quantities {
		out.Quantities[k] = scale(q)
	}
	for class, m := range tol.Knockout {
		out.Knockout[class] = map[string]Quantity{}
		for k, q := range m {
			out.Knockout[class][k] = scale(q)
		}
	}
	return out
}

// Epsilon ratios of the half-precision formats to float32 (2^-23):
// bfloat16 keeps 7 mantissa bits (2^-7), float16 10 (2^-10).
const (
	BFloat16Ratio = 1 << 16
	Float16Ratio  = 1 << 13
)

// Tolerance reads the case's tolerance.json.
func (c Case) Tolerance(t testing.TB) Tolerances {
	t.Helper()
	var tol Tolerances
	ReadJSON(t, c.Expected("tolerance.json"), &tol)
	return tol
}

// Quantity returns the tolerance of a top-level quantity, failing the test
// when it is missing.
func (tol Tolerances) Quantity(t testing.TB, name string) float64 {
	t.Helper()
	q, ok := tol.Quantities[name]
	if !ok {
		t.Fatalf("tolerance.json has no quantity %q", name)
	}
	return q.TolAbs
}

// ReadJSON decodes a JSON file into v.
func ReadJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Tensors opens the case's golden.safetensors.
func (c Case) Tensors(t testing.TB) *safetensors.File {
	t.Helper()
	f, err := safetensors.Open(c.Expected("golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Float64s reads a tensor of f as float64 values, with its shape.
func Float64s(t testing.TB, f *safetensors.File, name string) ([]float64, []int64) {
	t.Helper()
	ten, err := f.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ten.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return v, ten.Shape
}

// Int64s reads an integer tensor of f, with its shape.
func Int64s(t testing.TB, f *safetensors.File, name string) ([]int64, []int64) {
	t.Helper()
	ten, err := f.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ten.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return v, ten.Shape
}

// Compare checks got against want element by element with an absolute
// tolerance (the golden tolerance rule) and reports the worst element.
func Compare(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	worst, at := 0.0, -1
	for i := range want {
		d := math.Abs(got[i] - want[i])
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		if d > worst {
			worst, at = d, i
		}
	}
	if worst > tol {
		t.Errorf("%s: max |Δ| %.3g at element %d (got %v, want %v) exceeds the tolerance %.3g", what, worst, at, got[at], want[at], tol)
	}
}

// Tokens reads the case's token table (tokens.json) as the step-0
// sequence a masking strategy sees.
func (c Case) Tokens(t testing.TB) sdk.Sequence {
	t.Helper()
	var table []sdktest.TokenRecord
	ReadJSON(t, c.Expected("tokens.json"), &table)
	seq, err := sdktest.SequenceFromTokenTable(table)
	if err != nil {
		t.Fatalf("%s tokens.json: %v", c.Name, err)
	}
	return seq
}

// Errorf-style helper for messages naming the case.
func (c Case) String() string { return fmt.Sprintf("golden case %s", c.Name) }

// ProvenanceFile, in the repository's copy, says where the data comes from;
// it is the one file the reference set does not have.
const ProvenanceFile = "PROVENANCE.md"
