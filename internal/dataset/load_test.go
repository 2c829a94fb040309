package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadJSONL(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "sub/study.jsonl", `{"id": "q1", "image": "img/a.png", "prompt": "What is this?", "answer": "a house"}

{"image": ["img/a.png", "/abs/b.png"], "prompt": "Compare.", "num_tokens": 3, "mask_mode": "all", "plugin": "region-window", "plugin_config": {"region-window": {"k": 2}}}
{"id": 42, "prompt": "Text only", "skip_per_head": true, "max_image_resolution": 448}
`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatJSONL || len(f.Rows) != 3 || !slices.Equal(f.Unknown, []string{"answer"}) {
		t.Fatalf("got %+v", f)
	}
	r0, r1, r2 := f.Rows[0], f.Rows[1], f.Rows[2]
	if r0.ID != "q1" || !r0.GivenID || r0.Line != 1 || r0.Images[0] != filepath.Join(dir, "sub", "img", "a.png") || string(r0.Extra["answer"]) != `"a house"` {
		t.Errorf("row 1: %+v", r0)
	}
	if r1.GivenID || len(r1.ID) != 16 || r1.Line != 3 || r1.MaskMode != "both" || r1.NumTokens != 3 ||
		!slices.Equal(r1.Images, []string{filepath.Join(dir, "sub", "img", "a.png"), "/abs/b.png"}) ||
		!slices.Equal(r1.ImagesAsWritten, []string{"img/a.png", "/abs/b.png"}) || string(r1.PluginConfigs["region-window"]) != `{"k": 2}` {
		t.Errorf("row 2: %+v", r1)
	}
	if r2.ID != "42" || r2.SkipPerHead == nil || !*r2.SkipPerHead || r2.MaxImageResolution != 448 || len(r2.Images) != 0 {
		t.Errorf("row 3: %+v", r2)
	}
	if !strings.Contains(r0.Record(), `"answer":"a house"`) || !strings.Contains(r0.Record(), `"image":["img/a.png"]`) {
		t.Errorf("record %s", r0.Record())
	}
}

// TestHashIDReference: hash ids follow the documented rule; the expected
// values were computed with Python (hashlib.sha256(json.dumps(obj,
// separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()[:16]).
func TestHashIDReference(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "d.jsonl", `{"image": "img/a.png", "prompt": "<image>What is this?"}
{"prompt": "Compare.", "image": ["img/a.png", "img/b.png"], "plugin_config": {"region-window": {"k": 2, "a": 1}}, "num_tokens": 3, "plugin": ["region-window"], "mask_mode": "both"}
{"prompt": "Café?"}
`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"9273eb57e825497e", "d08eaaa366514517", "8727633eee41a640"}
	if got := f.IDs(); !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
}

// TestIDsAreStable: the same rows as CSV, reordered, with their plugin
// configuration respaced and the file moved, keep their ids.
func TestIDsAreStable(t *testing.T) {
	dir := t.TempDir()
	jsonl := writeFile(t, dir, "a/d.jsonl", `{"image": ["x.png", "y.png"], "prompt": "Two, \"quoted\"", "num_tokens": 2, "plugin_config": {"p": {"b": 1, "a": [1, 2]}}}
{"image": "z.png", "prompt": "One", "mask_mode": "vision"}
`)
	csvPath := writeFile(t, dir, "b/c/d.csv", "prompt,mask_mode,image,extra\n"+
		"One,vision,z.png,kept\n"+
		`"Two, ""quoted""",,x.png|y.png,`+"\n")
	csvWithConfig := writeFile(t, dir, "e.csv", "image,prompt,num_tokens,plugin_config\n"+
		`x.png | y.png,"Two, ""quoted""",2,"{""p"":{""a"":[1,2],""b"":1}}"`+"\n")
	a, err := Load(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(csvWithConfig)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rows[1].ID != b.Rows[0].ID {
		t.Errorf("row One: JSONL id %s, CSV id %s", a.Rows[1].ID, b.Rows[0].ID)
	}
	if a.Rows[0].ID != c.Rows[0].ID {
		t.Errorf("row Two: JSONL id %s, CSV id %s", a.Rows[0].ID, c.Rows[0].ID)
	}
	if a.Rows[0].ID == b.Rows[1].ID {
		t.Errorf("a row without its settings kept the id of the row with them")
	}
	if b.Rows[0].Line != 2 || b.Rows[0].Images[0] != filepath.Join(dir, "b", "c", "z.png") || !slices.Equal(b.Unknown, []string{"extra"}) {
		t.Errorf("CSV row: %+v, unknown %v", b.Rows[0], b.Unknown)
	}
}

func TestLoadYAMLBatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "images/h.png", "not read")
	path := writeFile(t, dir, "batch.yaml", `model: {path: m}
prompts:
  - {name: house, prompt: "<image>What?", image_path: images/h.png, num_tokens: 2, mask_mode: all}
  - {name: off, prompt: "x", enabled: false}
  - {name: text_only, prompt: "Hello"}
`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatYAML || !slices.Equal(f.IDs(), []string{"house", "text_only"}) || f.Model == "" {
		t.Fatalf("got %+v", f)
	}
	h := f.Rows[0]
	if h.Images[0] != filepath.Join(dir, "images", "h.png") || h.ImagesAsWritten[0] != filepath.Join("images", "h.png") || h.MaskMode != "both" || h.NumTokens != 2 {
		t.Errorf("row: %+v", h)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := map[string]struct {
		name, content, want string
	}{
		"unknown extension":   {"d.txt", "x", "want a .jsonl"},
		"empty":               {"d.jsonl", "\n\n", "no rows"},
		"not an object":       {"d.jsonl", `{"prompt": "a"}` + "\n[1]\n", "line 2"},
		"no prompt":           {"d.jsonl", `{"image": "a.png"}`, "no prompt"},
		"bad mask mode":       {"d.jsonl", `{"prompt": "a", "mask_mode": "nouns"}`, "mask_mode"},
		"bad id":              {"d.jsonl", `{"prompt": "a", "id": "../etc"}`, "id"},
		"fractional id":       {"d.jsonl", `{"prompt": "a", "id": 1.5}`, "id"},
		"duplicate id":        {"d.jsonl", `{"prompt": "a", "id": "x"}` + "\n" + `{"prompt": "b", "id": "x"}`, "row 2"},
		"duplicate inputs":    {"d.jsonl", `{"prompt": "a"}` + "\n" + `{"prompt": "a"}`, "same inputs"},
		"image and images":    {"d.jsonl", `{"prompt": "a", "image": "x", "images": "y"}`, "both"},
		"bad num_tokens":      {"d.jsonl", `{"prompt": "a", "num_tokens": "three"}`, "num_tokens"},
		"negative num_tokens": {"d.jsonl", `{"prompt": "a", "num_tokens": -1}`, "negative"},
		"csv without prompt":  {"d.csv", "id,image\nx,a.png\n", "no prompt column"},
		"csv bad number":      {"d.csv", "prompt,num_tokens\na,x\n", "line 2"},
		"csv bad config":      {"d.csv", "prompt,plugin_config\na,{bad\n", "plugin_config"},
		"csv repeated column": {"d.csv", "prompt,prompt\na,b\n", "twice"},
		"csv short record":    {"d.csv", "prompt,id\na\n", "invalid dataset"},
		"yaml prompt name":    {"d.yaml", "prompts:\n  - {name: \"a b\", prompt: x}\n", "row id"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tc.name, tc.content)
			_, err := Load(path)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Load = %v; want ErrInvalid naming the file and %q", err, tc.want)
			}
		})
	}
}

func TestValidateID(t *testing.T) {
	for _, ok := range []string{"a", "COCO_val2014_000000000042.jpg", "9", "x-y.z_w", strings.Repeat("a", MaxIDLength)} {
		if err := ValidateID(ok); err != nil {
			t.Errorf("ValidateID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".hidden", "-x", "a/b", "a b", "é", "a=b", strings.Repeat("a", MaxIDLength+1)} {
		if err := ValidateID(bad); err == nil {
			t.Errorf("ValidateID(%q) accepted", bad)
		}
	}
}
