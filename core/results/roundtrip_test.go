package results_test

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	metrics := []string{"kl_div", "js-div", "Rank2"}
	tests := []struct {
		name    string
		formats []results.Format
		metrics []string
		rows    int
		batch   int
		groupSz int
	}{
		{"parquet", []results.Format{results.FormatParquet}, metrics, 5000, 333, 1000},
		{"csv", []results.Format{results.FormatCSV}, metrics, 5000, 333, 0},
		{"both", []results.Format{results.FormatParquet, results.FormatCSV}, metrics, 3001, 1000, 0},
		{"no metrics", []results.Format{results.FormatCSV, results.FormatParquet}, nil, 2000, 7, 0},
		{"empty", []results.Format{results.FormatParquet, results.FormatCSV}, metrics, 0, 1, 0},
		{"one row per group", []results.Format{results.FormatParquet}, nil, 50, 50, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := genRows(tt.rows, len(tt.metrics), 7)
			opts := results.Options{
				Formats:       tt.formats,
				MetricColumns: tt.metrics,
				Metadata:      map[string]string{"model": "qwen3_vl_basic", "command": "vlmask run --image \"a b.png\"\n"},
				RowGroupRows:  tt.groupSz,
				Version:       "1.2.3",
			}
			base := filepath.Join(t.TempDir(), "out", "prompt")
			paths := writeRows(t, base, opts, rows, tt.batch)
			if len(paths) != len(tt.formats) {
				t.Fatalf("Paths() = %v, want %d paths", paths, len(tt.formats))
			}
			for i, p := range paths {
				if want := base + tt.formats[i].Extension(); p != want {
					t.Errorf("Paths()[%d] = %q, want %q", i, p, want)
				}
				got, meta, err := results.Read(p)
				if err != nil {
					t.Fatalf("Read(%s): %v", p, err)
				}
				assertRowsEqual(t, got, rows)
				wantCols := append(results.FixedColumns(), tt.metrics...)
				if !slices.Equal(meta.Columns, wantCols) {
					t.Errorf("%s columns %v, want %v", p, meta.Columns, wantCols)
				}
				if !slices.Equal(meta.MetricColumns, tt.metrics) {
					t.Errorf("%s metric columns %v, want %v", p, meta.MetricColumns, tt.metrics)
				}
				if !maps.Equal(meta.Metadata, opts.Metadata) {
					t.Errorf("%s metadata %v, want %v", p, meta.Metadata, opts.Metadata)
				}
				wantSteps := 0
				if len(rows) > 0 {
					wantSteps = rows[len(rows)-1].Step + 1
				}
				if !meta.Complete || meta.StepsFinished != wantSteps || meta.Rows != int64(len(rows)) {
					t.Errorf("%s meta complete=%t steps=%d rows=%d, want true, %d, %d", p, meta.Complete, meta.StepsFinished, meta.Rows, wantSteps, len(rows))
				}
				if meta.Format != tt.formats[i] {
					t.Errorf("%s format %q, want %q", p, meta.Format, tt.formats[i])
				}
				if tt.formats[i] == results.FormatParquet && meta.CreatedBy != "vlmask version 1.2.3" {
					t.Errorf("created_by %q, want %q", meta.CreatedBy, "vlmask version 1.2.3")
				}
			}
		})
	}
}

// TestCSVText checks the CSV bytes themselves: header, quoting, empty
// nulls, full-precision numbers.
func TestCSVText(t *testing.T) {
	t.Parallel()
	tenth := 0.1 // a variable, so 0.1+0.2 is computed in float64, not as an exact constant
	rows := []results.Row{
		{Step: 0, Layer: 1, TokenMasked: "a,\"b\"\nc", TokenPosition: 2, Variant: "Full", L2Distance: tenth + 0.2, CosineDistance: 1e-300,
			TokenID: 5, Modality: "text", ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupLabel: "", GroupSize: 1, PromptName: "p",
			Metrics: []float64{math.NaN()}},
		{Step: 0, Layer: 1, TokenMasked: "<|image_pad|>", TokenPosition: 3, Variant: "AttentionWeight_Avg", L2Distance: 0.25, CosineDistance: 0,
			AttentionWeight: 0.25, HasAttentionWeight: true, TokenID: 510, Modality: "image", ImageIndex: 0, PatchRow: 1, PatchCol: 2,
			GroupLabel: " x", GroupSize: 1, PromptName: "p", Metrics: []float64{math.Inf(1)}},
	}
	base := filepath.Join(t.TempDir(), "csvtext")
	paths := writeRows(t, base, results.Options{Formats: []results.Format{results.FormatCSV}, MetricColumns: []string{"m"}}, rows, 10)
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"generation_step,layer,token_masked,token_position,variant,l2_distance,cosine_distance,attention_weight,token_id,modality,image_index,patch_row,patch_col,group_label,group_size,prompt_name,m",
		"0,1,\"a,\"\"b\"\"\nc\",2,Full,0.30000000000000004,1e-300,,5,text,,,,\"\",1,p,",
		"0,1,<|image_pad|>,3,AttentionWeight_Avg,0.25,0,0.25,510,image,0,1,2,\" x\",1,p,inf",
		"",
	}, "\n")
	if string(data) != want {
		t.Errorf("csv text:\n%s\nwant:\n%s", data, want)
	}
}

// TestReadCSVByHand reads CSV written by other tools: CRLF line ends,
// quoted fields everywhere, and rejects malformed records.
func TestReadCSVByHand(t *testing.T) {
	t.Parallel()
	header := strings.Join(results.FixedColumns(), ",")
	tests := []struct {
		name    string
		body    string
		wantErr string
		check   func(t *testing.T, rows []results.Row)
	}{
		{
			name: "crlf and quotes",
			body: header + "\r\n" + `"0","3","a` + "\r\n" + `b","4","Attn","1.5","0.5","","7","text","","","","g","1","p"` + "\r\n",
			check: func(t *testing.T, rows []results.Row) {
				if len(rows) != 1 || rows[0].TokenMasked != "a\r\nb" || rows[0].Layer != 3 || rows[0].L2Distance != 1.5 {
					t.Errorf("rows = %+v", rows)
				}
			},
		},
		{
			name: "no final newline",
			body: header + "\n0,0,x,0,Full,1,0,,1,text,,,,g,1,",
			check: func(t *testing.T, rows []results.Row) {
				if len(rows) != 1 || rows[0].PromptName != "" || rows[0].ImageIndex != -1 {
					t.Errorf("rows = %+v", rows)
				}
			},
		},
		{name: "unclosed quote", body: header + "\n0,0,\"x,0,Full,1,0,,1,text,,,,g,1,p\n", wantErr: "line 2: quoted field not closed"},
		{name: "bare quote", body: header + "\n0,0,x\"y,0,Full,1,0,,1,text,,,,g,1,p\n", wantErr: "line 2: quote inside an unquoted field"},
		{name: "short record", body: header + "\n0,0,x\n", wantErr: "line 2: not a vlmask results file: 3 fields, want 16"},
		{name: "bad number", body: header + "\n0,0,x,0,Full,one,0,,1,text,,,,g,1,p\n", wantErr: `column l2_distance: "one" is not a number`},
		{name: "bad header", body: "generation_step,layer\n", wantErr: "not a vlmask results file: 2 columns"},
		{name: "empty file", body: "", wantErr: "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "x.csv")
			if err := os.WriteFile(p, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			rows, meta, err := results.Read(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if meta.Complete || meta.Metadata != nil {
				t.Errorf("meta without sidecar = %+v, want incomplete and no metadata", meta)
			}
			tt.check(t, rows)
		})
	}
}
