package testmodel_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/hf/tokenizer"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// tokenizerFile is the part of tokenizer.json these tests read.
type tokenizerFile struct {
	AddedTokens []struct {
		ID         int    `json:"id"`
		Content    string `json:"content"`
		Special    bool   `json:"special"`
		Normalized bool   `json:"normalized"`
	} `json:"added_tokens"`
	Model struct {
		Vocab  map[string]int `json:"vocab"`
		Merges [][2]string    `json:"merges"`
	} `json:"model"`
}

// TestTokenizerFilesConsistent checks the vocabulary and merges: ids 0..255
// are the byte symbols in bytes_to_unicode order, id 256+i is merge i's
// result, every merge's parts come earlier, the special tokens follow, and
// vocab.json and merges.txt hold the same BPE as tokenizer.json.
func TestTokenizerFilesConsistent(t *testing.T) {
	t.Parallel()
	dir := generate(t, testmodel.Options{})
	var tf tokenizerFile
	if err := json.Unmarshal(readFile(t, dir, "tokenizer.json"), &tf); err != nil {
		t.Fatal(err)
	}
	vocab, merges := tf.Model.Vocab, tf.Model.Merges
	if len(vocab) != 504 || len(merges) != 248 {
		t.Fatalf("%d vocabulary entries and %d merges, want 504 and 248", len(vocab), len(merges))
	}
	byID := make([]string, len(vocab))
	for tok, id := range vocab {
		if id < 0 || id >= len(byID) || byID[id] != "" {
			t.Fatalf("token %q has id %d, out of range or taken", tok, id)
		}
		byID[id] = tok
	}
	for id, want := range map[int]string{0: "!", 93: "~", 94: "¡", 187: "ÿ", 188: "Ā", 220: "Ġ", 255: "Ń"} {
		if byID[id] != want {
			t.Errorf("byte token %d = %q, want %q (bytes_to_unicode order)", id, byID[id], want)
		}
	}
	for i, m := range merges {
		id := 256 + i
		if byID[id] != m[0]+m[1] {
			t.Errorf("merge %d %q makes %q, but id %d is %q", i, m, m[0]+m[1], id, byID[id])
		}
		for _, part := range m {
			if pid, ok := vocab[part]; !ok || pid >= id {
				t.Errorf("merge %d %q: part %q has id %d (present %v), want one below %d", i, m, part, pid, ok, id)
			}
		}
	}
	names := []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"}
	if len(tf.AddedTokens) != len(names) {
		t.Fatalf("%d added tokens, want %d", len(tf.AddedTokens), len(names))
	}
	for i, a := range tf.AddedTokens {
		if a.ID != 504+i || a.Content != names[i] || !a.Special || a.Normalized {
			t.Errorf("added token %d = %+v, want id %d %q special, not normalized", i, a, 504+i, names[i])
		}
	}

	var vocabFile map[string]int
	if err := json.Unmarshal(readFile(t, dir, "vocab.json"), &vocabFile); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vocabFile, vocab) {
		t.Error("vocab.json differs from tokenizer.json's vocabulary")
	}
	var mergesFile strings.Builder
	mergesFile.WriteString("#version: 0.2\n")
	for _, m := range merges {
		mergesFile.WriteString(m[0] + " " + m[1] + "\n")
	}
	if got := string(readFile(t, dir, "merges.txt")); got != mergesFile.String() {
		t.Error("merges.txt differs from tokenizer.json's merges")
	}
}

// TestTokenizerRoundTrip loads the generated tokenizer with vlmask's
// tokenizer and checks that text survives encode and decode, that the
// merges compress English, and that special tokens keep their ids.
func TestTokenizerRoundTrip(t *testing.T) {
	t.Parallel()
	tok, err := tokenizer.LoadDir(generate(t, testmodel.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() != 512 {
		t.Errorf("vocabulary size %d, want 512", tok.VocabSize())
	}
	cases := []struct {
		name, text string
		maxTokens  int // 0: no bound
	}{
		{"question", "What's in this image?", 10},
		{"sentence", "A small white house with a red roof stands on green grass under a blue sky.", 35},
		{"numbers", "Count to five:\n1, 2, 3, 4, 5. It is 7:30 in 2025.", 0},
		{"whitespace", "  two spaces,\ttab and\n\nnew lines  ", 0},
		{"unicode", "café, naïve, 東京, emoji 🌞🏠", 0},
		{"chat", "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe it.<|im_end|>\n<|im_start|>assistant\n", 0},
		{"code", "func main() { fmt.Println(\"hi\") } // ok", 0},
	}
	for _, c := range cases {
		ids, err := tok.Encode(c.text)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := tok.Decode(ids); got != c.text {
			t.Errorf("%s: decode(encode(%q)) = %q", c.name, c.text, got)
		}
		if c.maxTokens > 0 && len(ids) > c.maxTokens {
			t.Errorf("%s: %d tokens for %d bytes, want at most %d", c.name, len(ids), len(c.text), c.maxTokens)
		}
	}
	for i, name := range []string{"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"} {
		if id, ok := tok.TokenID(name); !ok || id != 504+i || !tok.IsSpecial(id) {
			t.Errorf("%s: id %d (found %v), want special %d", name, id, ok, 504+i)
		}
	}
}

// TestProcessorOnDemoImage runs vlmask's front end on the tiny checkpoint
// and the bundled demo image, as make demo does: the chat template renders
// the golden prompt, and the 256×192 image becomes 48 image tokens without
// resampling.
func TestProcessorOnDemoImage(t *testing.T) {
	t.Parallel()
	image := filepath.Join("..", "..", "examples", "images", "house.png")
	if _, err := os.Stat(image); err != nil {
		t.Fatalf("demo image: %v (generate it with go run ./examples/images/gen)", err)
	}
	p, err := processor.Load(generate(t, testmodel.Options{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Process(processor.Request{
		Messages: p.UserPrompt("What's in this image?", 1),
		Images:   []string{image},
	})
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := os.ReadFile(filepath.Join(golden.Dir(t), "qwen3_vl_basic", "expected", "prompt_rendered.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rendered != string(rendered) {
		t.Errorf("rendered prompt %q, want the golden %q", res.Rendered, rendered)
	}
	d := res.ImageDetails[0]
	if d.Width != 256 || d.Height != 192 || d.ResizedW != 256 || d.ResizedH != 192 || d.Tokens != 48 || d.GridH != 12 || d.GridW != 16 {
		t.Errorf("image detail %+v, want 256×192 kept, grid 12×16, 48 tokens", d)
	}
	images := 0
	for _, tk := range res.Tokens {
		if tk.Modality == processor.ImageToken {
			images++
			if tk.ID != 510 {
				t.Errorf("image token id %d, want 510", tk.ID)
			}
		}
	}
	if images != 48 {
		t.Errorf("%d image positions, want 48", images)
	}
	if !bytes.Contains([]byte(res.Rendered), []byte("<|vision_start|><|image_pad|><|vision_end|>")) {
		t.Error("rendered prompt has no image placeholder")
	}
}
