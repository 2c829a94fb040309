package safetensors

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var goldenCases = []string{"qwen3_vl_basic", "qwen3_vl_resize", "qwen3_vl_textonly", "qwen2_5_vl_basic", "qwen2_vl_basic", "qwen3_text"}

// TestGoldenFilesReadCompletely opens every golden.safetensors and
// model.safetensors and converts every tensor by its dtype.
func TestGoldenFilesReadCompletely(t *testing.T) {
	golden := goldenDir(t)
	var paths []string
	for _, pattern := range []string{"*/expected/golden.safetensors", "*/checkpoint/*.safetensors"} {
		matches, err := filepath.Glob(filepath.Join(golden, pattern))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, matches...)
	}
	if len(paths) < 2*len(goldenCases) {
		t.Fatalf("found %d safetensors files under %s, want at least %d", len(paths), golden, 2*len(goldenCases))
	}
	for _, path := range paths {
		rel, _ := filepath.Rel(golden, path)
		t.Run(rel, func(t *testing.T) {
			f := openFile(t, path)
			if len(f.Names()) == 0 {
				t.Fatal("no tensors")
			}
			for _, name := range f.Names() {
				tensor, err := f.Tensor(name)
				if err != nil {
					t.Fatal(err)
				}
				var n int
				switch tensor.DType {
				case F64, F32, BF16:
					v, err := tensor.Float64()
					if err != nil {
						t.Fatal(err)
					}
					for i, x := range v {
						if math.IsNaN(x) || math.IsInf(x, 0) {
							t.Fatalf("%s[%d] = %v", name, i, x)
						}
					}
					n = len(v)
				case I64, U8: // U8: the LLaVA and Gemma 3 cases' attention masks
					v, err := tensor.Int64()
					if err != nil {
						t.Fatal(err)
					}
					n = len(v)
				default:
					t.Fatalf("tensor %s has dtype %s, not expected in golden data", name, tensor.DType)
				}
				if int64(n) != tensor.NumElements() {
					t.Errorf("%s: %d values, shape %v", name, n, tensor.Shape)
				}
			}
		})
	}
}

// TestGoldenShapes checks the shapes and dtypes the golden README lists.
func TestGoldenShapes(t *testing.T) {
	golden := goldenDir(t)
	tests := []struct {
		file  string
		name  string
		dtype DType
		shape []int64
	}{
		{"qwen3_vl_basic/expected/golden.safetensors", "pixel_values", F32, []int64{64, 1536}},
		{"qwen3_vl_basic/expected/golden.safetensors", "position_ids", I64, []int64{3, 1, 43}},
		{"qwen3_vl_basic/expected/golden.safetensors", "input_ids", I64, []int64{1, 43}},
		{"qwen3_vl_basic/expected/golden.safetensors", "image_grid_thw", I64, []int64{1, 3}},
		{"qwen3_vl_basic/expected/golden.safetensors", "rope_deltas", I64, []int64{1, 1}},
		{"qwen3_vl_basic/expected/golden.safetensors", "f64.logits", F64, []int64{43, 512}},
		{"qwen3_vl_basic/expected/golden.safetensors", "f64.image_embeds", F64, []int64{16, 64}},
		{"qwen3_vl_basic/expected/golden.safetensors", "f32.deepstack_1", F32, []int64{16, 64}},
		{"qwen3_vl_basic/expected/golden.safetensors", "f64.layer3.output", F64, []int64{43, 64}},
		{"qwen3_vl_basic/expected/golden.safetensors", "f64.step2.logits_last", F64, []int64{512}},
		{"qwen3_vl_basic/expected/golden.safetensors", "step1.position_ids", I64, []int64{3, 1, 44}},
		{"qwen3_vl_resize/expected/golden.safetensors", "pixel_values", F32, []int64{280, 1536}},
		{"qwen3_vl_resize/expected/golden.safetensors", "position_ids", I64, []int64{3, 1, 105}},
		{"qwen2_5_vl_basic/expected/golden.safetensors", "pixel_values", F32, []int64{140, 1176}},
		{"qwen2_vl_basic/expected/golden.safetensors", "pixel_values", F32, []int64{80, 1176}},
		{"qwen3_text/expected/golden.safetensors", "position_ids", I64, []int64{1, 30}},
		{"qwen3_vl_textonly/expected/golden.safetensors", "position_ids", I64, []int64{3, 1, 29}},
		{"qwen3_vl_basic/checkpoint/model.safetensors", "lm_head.weight", F32, []int64{512, 64}},
		{"qwen3_vl_basic/checkpoint/model.safetensors", "model.language_model.layers.0.self_attn.k_proj.weight", F32, []int64{32, 64}},
		{"qwen3_vl_resize/checkpoint/model.safetensors", "lm_head.weight", BF16, []int64{512, 64}},
		{"qwen3_vl_resize/checkpoint/model.safetensors", "model.language_model.embed_tokens.weight", BF16, []int64{512, 64}},
		{"qwen3_vl_resize/checkpoint/model.safetensors", "model.language_model.layers.0.self_attn.q_norm.weight", BF16, []int64{16}},
	}
	for _, tc := range tests {
		f := openFile(t, filepath.Join(golden, tc.file))
		tensor, err := f.Tensor(tc.name)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if tensor.DType != tc.dtype || !slices.Equal(tensor.Shape, tc.shape) {
			t.Errorf("%s %s: %s %v, want %s %v", tc.file, tc.name, tensor.DType, tensor.Shape, tc.dtype, tc.shape)
		}
	}
}

// TestGoldenValuesMatchTextFiles cross-checks tensor values against the
// golden JSON and CSV files written from the same run.
func TestGoldenValuesMatchTextFiles(t *testing.T) {
	golden := goldenDir(t)
	for _, c := range goldenCases {
		t.Run(c, func(t *testing.T) {
			f := openFile(t, filepath.Join(golden, c, "expected", "golden.safetensors"))
			raw, err := os.ReadFile(filepath.Join(golden, c, "expected", "input_ids.json"))
			if err != nil {
				t.Fatal(err)
			}
			var ids struct {
				InputIDs     []int64   `json:"input_ids"`
				ImageGridTHW [][]int64 `json:"image_grid_thw"`
			}
			if err := json.Unmarshal(raw, &ids); err != nil {
				t.Fatal(err)
			}
			if got := readInt64s(t, f, "input_ids"); !slices.Equal(got, ids.InputIDs) {
				t.Errorf("input_ids = %v, input_ids.json has %v", got, ids.InputIDs)
			}
			if len(ids.ImageGridTHW) > 0 {
				if got := readInt64s(t, f, "image_grid_thw"); !slices.Equal(got, slices.Concat(ids.ImageGridTHW...)) {
					t.Errorf("image_grid_thw = %v, input_ids.json has %v", got, ids.ImageGridTHW)
				}
			}

			// The first row of layer_io_f64.csv is layer 0's input at position 0.
			row := firstCSVRow(t, filepath.Join(golden, c, "expected", "layer_io_f64.csv"))
			if row[0] != "0" || row[1] != "input" || row[2] != "0" {
				t.Fatalf("layer_io_f64.csv starts with %v, want layer 0 input pos 0", row[:3])
			}
			tensor, err := f.Tensor("f64.layer0.input")
			if err != nil {
				t.Fatal(err)
			}
			values, err := tensor.Float64()
			if err != nil {
				t.Fatal(err)
			}
			hidden := int(tensor.Shape[1])
			if len(row)-3 != hidden {
				t.Fatalf("CSV row has %d values, tensor hidden size is %d", len(row)-3, hidden)
			}
			for i, s := range row[3:] {
				want, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatal(err)
				}
				if values[i] != want {
					t.Errorf("f64.layer0.input[0][%d] = %v, CSV has %v", i, values[i], want)
				}
			}
		})
	}
}

// TestGoldenBF16Checkpoint checks the bfloat16 checkpoint against the
// float32 one of the same family: same tensors, same shapes, and float32
// values with no bits below bfloat16's precision.
func TestGoldenBF16Checkpoint(t *testing.T) {
	golden := goldenDir(t)
	bf := openFile(t, filepath.Join(golden, "qwen3_vl_resize", "checkpoint", "model.safetensors"))
	fp := openFile(t, filepath.Join(golden, "qwen3_vl_basic", "checkpoint", "model.safetensors"))
	if !slices.Equal(bf.Names(), fp.Names()) {
		t.Fatalf("BF16 checkpoint names differ from the F32 one")
	}
	for _, name := range bf.Names() {
		b, err := bf.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := fp.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		if b.DType != BF16 || !slices.Equal(b.Shape, p.Shape) {
			t.Errorf("%s: %s %v, want BF16 %v", name, b.DType, b.Shape, p.Shape)
			continue
		}
		v32, err := b.Float32()
		if err != nil {
			t.Fatal(err)
		}
		v64, err := b.Float64()
		if err != nil {
			t.Fatal(err)
		}
		nonzero := 0
		for i, x := range v32 {
			bits := math.Float32bits(x)
			if bits&0xffff != 0 || uint16(bits>>16) != uint16(b.Data[2*i])|uint16(b.Data[2*i+1])<<8 || float64(x) != v64[i] {
				t.Fatalf("%s[%d]: %v (bits %#08x), Float64 %v, stored %#02x%02x", name, i, x, bits, v64[i], b.Data[2*i+1], b.Data[2*i])
			}
			if x != 0 {
				nonzero++
			}
		}
		if nonzero == 0 {
			t.Errorf("%s: all zero", name)
		}
	}
}

// TestGoldenCheckpointsOpenAsSets opens every golden checkpoint directory.
func TestGoldenCheckpointsOpenAsSets(t *testing.T) {
	golden := goldenDir(t)
	for _, c := range goldenCases {
		dir := filepath.Join(golden, c, "checkpoint")
		s := openDir(t, dir)
		f := openFile(t, filepath.Join(dir, SingleFileName))
		if !slices.Equal(s.Names(), f.Names()) || !slices.Equal(s.Files(), []string{filepath.Join(dir, SingleFileName)}) {
			t.Errorf("%s: set has %d tensors in %v, file has %d", c, len(s.Names()), s.Files(), len(f.Names()))
		}
		if s.Metadata()["format"] != "pt" {
			t.Errorf("%s: metadata %v, want format=pt", c, s.Metadata())
		}
		_, hasLMHead := slices.BinarySearch(s.Names(), "lm_head.weight")
		if hasLMHead == (c == "qwen3_text") {
			t.Errorf("%s: has lm_head.weight = %v (only the tied qwen3_text lacks it)", c, hasLMHead)
		}
	}
}

func readInt64s(t *testing.T, f *File, name string) []int64 {
	t.Helper()
	tensor, err := f.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tensor.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// firstCSVRow returns the first data row of a CSV file with a header line.
func firstCSVRow(t *testing.T, path string) []string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for i := 0; i < 2; i++ {
		if !sc.Scan() {
			t.Fatalf("%s: fewer than 2 lines: %v", path, sc.Err())
		}
	}
	return strings.Split(sc.Text(), ",")
}
