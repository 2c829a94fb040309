package results_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// goldenToken is one entry of expected/tokens.json.
type goldenToken struct {
	Pos        int    `json:"pos"`
	ID         int    `json:"id"`
	Text       string `json:"text"`
	Modality   string `json:"modality"`
	ImageIndex *int   `json:"image_index"`
	PatchRow   *int   `json:"patch_row"`
	PatchCol   *int   `json:"patch_col"`
}

// goldenKnockoutRows turns a case's knockout_f64.csv into rows with every
// extra column filled from tokens.json and generation.json, as the analysis
// would write them.
func goldenKnockoutRows(t *testing.T, caseDir, promptName string) []results.Row {
	t.Helper()
	var tokens []goldenToken
	readJSON(t, filepath.Join(caseDir, "expected", "tokens.json"), &tokens)
	var gen struct {
		PromptLen    int   `json:"prompt_len"`
		GeneratedIDs []int `json:"generated_ids"`
	}
	readJSON(t, filepath.Join(caseDir, "expected", "generation.json"), &gen)

	f, err := os.Open(filepath.Join(caseDir, "expected", "knockout_f64.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// encoding/csv is fine for this input: the golden CSV holds no CR.
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("parse golden csv: %v", err)
	}
	if want := results.FixedColumns()[:8]; !slices.Equal(recs[0], want) {
		t.Fatalf("golden header %v, want the seed columns %v", recs[0], want)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("golden value %q: %v", s, err)
		}
		return v
	}
	integer := func(s string) int {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("golden value %q: %v", s, err)
		}
		return v
	}
	rows := make([]results.Row, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		r := results.Row{
			Step: integer(rec[0]), Layer: integer(rec[1]), TokenMasked: rec[2], TokenPosition: integer(rec[3]),
			Variant: rec[4], L2Distance: num(rec[5]), CosineDistance: num(rec[6]),
			ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1, PromptName: promptName,
			Modality: results.ModalityText,
		}
		if rec[7] != "" {
			r.AttentionWeight, r.HasAttentionWeight = num(rec[7]), true
		}
		if p := r.TokenPosition; p < len(tokens) {
			tok := tokens[p]
			r.TokenID, r.Modality = tok.ID, tok.Modality
			if tok.ImageIndex != nil {
				r.ImageIndex, r.PatchRow, r.PatchCol = *tok.ImageIndex, *tok.PatchRow, *tok.PatchCol
			}
		} else {
			r.TokenID = gen.GeneratedIDs[p-gen.PromptLen]
		}
		r.GroupLabel = fmt.Sprintf("pos %d", r.TokenPosition)
		rows = append(rows, r)
	}
	return rows
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

// TestGoldenShapedTable writes the qwen3_vl_basic knockout table with the
// extra columns, then reads it back with this package (Parquet and CSV)
// and with hyparquet and DuckDB: every value must equal the golden one.
func TestGoldenShapedTable(t *testing.T) {
	t.Parallel()
	caseDir := filepath.Join(goldenDir(t), "qwen3_vl_basic")
	rows := goldenKnockoutRows(t, caseDir, "qwen3_vl_basic")
	if len(rows) != 5808 {
		t.Fatalf("golden table has %d rows, the README says 5808", len(rows))
	}
	var image int
	for _, r := range rows {
		if r.Modality == results.ModalityImage {
			image++
			if r.TokenMasked != "<|image_pad|>" {
				t.Fatalf("image row with token %q", r.TokenMasked)
			}
		}
	}
	if image == 0 {
		t.Fatal("no image rows: tokens.json was not joined")
	}
	base := filepath.Join(t.TempDir(), "qwen3_vl_basic")
	paths := writeRows(t, base, results.Options{
		Formats:  []results.Format{results.FormatParquet, results.FormatCSV},
		Metadata: map[string]string{"model": "qwen3_vl_basic"},
		Version:  "golden",
	}, rows, 44*11) // about one layer of one step: 43–45 positions × 11 variants
	for _, p := range paths {
		got, meta, err := results.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		assertRowsEqual(t, got, rows)
		if meta.StepsFinished != 3 || !meta.Complete {
			t.Errorf("%s: steps finished %d, complete %t; want 3, true", p, meta.StepsFinished, meta.Complete)
		}
	}
	t.Run("independent readers", func(t *testing.T) {
		checkWithIndependentReaders(t, paths[0], nil, rows, "golden", true)
	})
}
