package results_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// trickyTexts are token texts that break naive CSV, JSON or dictionary
// handling.
var trickyTexts = []string{
	"\n", ",", "\"", "a \"quoted\", word", "🦜", "", "<|image_pad|>", " leading",
	"trailing ", "\r\n", "\t", "x,y\nz", "\uFFFD", "日本語", "<|im_start|>", `\n`,
	"\r", "\"\"", "NaN", "null", " ", "Ġthe", "<|vision_start|>", "😀😀\n,\"",
}

// genRows makes n deterministic rows in the analysis' order (step → layer
// → position → variant) with every column exercised: tricky token texts,
// image and text tokens, attention-weight rows, special floats in the
// distances, and metric values that are sometimes null.
func genRows(n, numMetrics int, seed uint64) []results.Row {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	variants := []string{"Full", "Attn", "Head_0", "Head_1", "Head_10", "AttentionWeight_Head_0", "AttentionWeight_Avg", "KL_Div"}
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, math.MaxFloat64, 1e-300, 0.30000000000000004, 1.0 / 3}
	rows := make([]results.Row, n)
	for i := range rows {
		v := variants[i%len(variants)]
		pos := (i / len(variants)) % 97
		layer := (i / (len(variants) * 97)) % 36
		step := i / (len(variants) * 97 * 36)
		r := results.Row{
			Step: step, Layer: layer, TokenPosition: pos, Variant: v,
			L2Distance:     rnd.ExpFloat64(),
			CosineDistance: rnd.Float64() * 2,
			TokenID:        rnd.IntN(151936),
			GroupSize:      1,
			PromptName:     "prompt " + strconv.Itoa(step%3),
			ImageIndex:     -1, PatchRow: -1, PatchCol: -1,
		}
		if i%13 == 0 {
			r.L2Distance = special[(i/13)%len(special)]
		}
		if pos%5 == 0 {
			r.Modality = results.ModalityText
			r.TokenMasked = trickyTexts[(i/len(variants))%len(trickyTexts)]
			r.GroupLabel = fmt.Sprintf("tok %d %q", pos, r.TokenMasked)
		} else {
			r.Modality = results.ModalityImage
			r.TokenMasked = "<|image_pad|>"
			r.ImageIndex, r.PatchRow, r.PatchCol = pos%2, pos/8, pos%8
			r.GroupLabel = fmt.Sprintf("img%d(%d,%d)", r.ImageIndex, r.PatchRow, r.PatchCol)
		}
		if pos == 96 {
			r.Modality = results.ModalityMixed
			r.GroupSize = 4
			r.TokenID = -1
		}
		if len(v) > 16 && v[:16] == "AttentionWeight_" {
			w := rnd.Float64()
			r.L2Distance, r.CosineDistance = w, 0
			r.AttentionWeight, r.HasAttentionWeight = w, true
		}
		if numMetrics > 0 {
			r.Metrics = make([]float64, numMetrics)
			for k := range r.Metrics {
				switch {
				case r.HasAttentionWeight || (i+k)%7 == 0:
					r.Metrics[k] = math.NaN()
				case (i+k)%11 == 0:
					r.Metrics[k] = math.Inf(-1)
				default:
					r.Metrics[k] = rnd.NormFloat64() * math.Pow(10, float64(rnd.IntN(40)-20))
				}
			}
		}
		rows[i] = r
	}
	return rows
}

// sameFloat compares bit patterns, except that any NaN equals any NaN
// (CSV cannot keep a NaN payload).
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// diffRow describes the first difference between two rows, or "".
func diffRow(got, want results.Row) string {
	wantAW := want.AttentionWeight
	if !want.HasAttentionWeight {
		wantAW = 0
	}
	switch {
	case got.Step != want.Step, got.Layer != want.Layer, got.TokenPosition != want.TokenPosition:
		return fmt.Sprintf("step/layer/position %d/%d/%d, want %d/%d/%d", got.Step, got.Layer, got.TokenPosition, want.Step, want.Layer, want.TokenPosition)
	case got.TokenMasked != want.TokenMasked:
		return fmt.Sprintf("token_masked %q, want %q", got.TokenMasked, want.TokenMasked)
	case got.Variant != want.Variant:
		return fmt.Sprintf("variant %q, want %q", got.Variant, want.Variant)
	case !sameFloat(got.L2Distance, want.L2Distance):
		return fmt.Sprintf("l2_distance %v, want %v", got.L2Distance, want.L2Distance)
	case !sameFloat(got.CosineDistance, want.CosineDistance):
		return fmt.Sprintf("cosine_distance %v, want %v", got.CosineDistance, want.CosineDistance)
	case got.HasAttentionWeight != want.HasAttentionWeight || !sameFloat(got.AttentionWeight, wantAW):
		return fmt.Sprintf("attention_weight %v/%t, want %v/%t", got.AttentionWeight, got.HasAttentionWeight, want.AttentionWeight, want.HasAttentionWeight)
	case got.TokenID != want.TokenID:
		return fmt.Sprintf("token_id %d, want %d", got.TokenID, want.TokenID)
	case got.Modality != want.Modality:
		return fmt.Sprintf("modality %q, want %q", got.Modality, want.Modality)
	case got.ImageIndex != want.ImageIndex || got.PatchRow != want.PatchRow || got.PatchCol != want.PatchCol:
		return fmt.Sprintf("image/row/col %d/%d/%d, want %d/%d/%d", got.ImageIndex, got.PatchRow, got.PatchCol, want.ImageIndex, want.PatchRow, want.PatchCol)
	case got.GroupLabel != want.GroupLabel:
		return fmt.Sprintf("group_label %q, want %q", got.GroupLabel, want.GroupLabel)
	case got.GroupSize != want.GroupSize:
		return fmt.Sprintf("group_size %d, want %d", got.GroupSize, want.GroupSize)
	case got.PromptName != want.PromptName:
		return fmt.Sprintf("prompt_name %q, want %q", got.PromptName, want.PromptName)
	case len(got.Metrics) != len(want.Metrics):
		return fmt.Sprintf("%d metrics, want %d", len(got.Metrics), len(want.Metrics))
	case (got.Effect == nil) != (want.Effect == nil):
		return fmt.Sprintf("effect %v, want %v", got.Effect, want.Effect)
	case got.Effect != nil && (!sameFloat(got.Effect.KL, want.Effect.KL) || !sameFloat(got.Effect.DLogP, want.Effect.DLogP) ||
		!sameFloat(got.Effect.TV, want.Effect.TV) || !sameFloat(got.Effect.FinalHiddenL2, want.Effect.FinalHiddenL2) ||
		got.Effect.ArgmaxChanged != want.Effect.ArgmaxChanged || got.Effect.Rank != want.Effect.Rank):
		return fmt.Sprintf("effect %+v, want %+v", *got.Effect, *want.Effect)
	}
	for k := range want.Metrics {
		if !sameFloat(got.Metrics[k], want.Metrics[k]) {
			return fmt.Sprintf("metric %d: %v, want %v", k, got.Metrics[k], want.Metrics[k])
		}
	}
	return ""
}

// assertRowsEqual fails the test at the first differing row.
func assertRowsEqual(t *testing.T, got, want []results.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if d := diffRow(got[i], want[i]); d != "" {
			t.Fatalf("row %d: %s", i, d)
		}
	}
}

// writeRows writes rows through a new Writer in batches of batch rows and
// closes it as a complete run; it returns the files' paths.
func writeRows(t *testing.T, base string, opts results.Options, rows []results.Row, batch int) []string {
	t.Helper()
	w, err := results.Create(base, opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	for start := 0; start < len(rows); start += batch {
		if err := w.Write(rows[start:min(start+batch, len(rows))]); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	steps := 0
	if len(rows) > 0 {
		steps = rows[len(rows)-1].Step + 1
	}
	if err := w.SetProgress(steps, true); err != nil {
		t.Fatalf("SetProgress: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return w.Paths()
}

// repoRoot walks up from the package directory to the directory that
// holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// goldenDir returns the repository's golden data; its absence fails the
// test (it is part of the repository).
func goldenDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "testdata", "golden")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("golden data missing at %s: %v", dir, err)
	}
	return dir
}
