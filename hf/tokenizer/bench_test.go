package tokenizer

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// benchSentences are the pieces of the synthetic prompt: ordinary English
// prose with punctuation, numbers, a little code and markup.
var benchSentences = []string{
	"The quick brown fox jumps over the lazy dog.",
	"In 2023, researchers measured 1,024 samples at 37.5 degrees Celsius.",
	"Attention knockout removes one token from the keys and values at a single layer.",
	"It's not what you'd expect: they'll say we've misread the results, but I'm sure.",
	"Describe the picture in one sentence, then list three objects you can see.",
	"A vision-language model reads image patches and text tokens in one sequence.",
	"\n\n",
	"def layer_update(x, attn, mlp):\n    return x + attn(x) + mlp(x)\n",
	"Results (see Table 3) show a 12% drop when the <|image_pad|> tokens are masked.",
	"Why does the final position attend so strongly to the first token? Nobody knows!",
	"She said, \"Meet me at 10:30 near the old library on Fifth Avenue.\"",
	"Prices rose from $4.99 to $7.49 — an increase of about 50 percent.",
}

// benchPrompt builds a deterministic text of about n tokens.
func benchPrompt(tok *Tokenizer, n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for {
		sb.WriteString(benchSentences[r.IntN(len(benchSentences))])
		sb.WriteByte(' ')
		if sb.Len()%64 < 8 {
			ids, _ := tok.Encode(sb.String())
			if len(ids) >= n {
				return sb.String()
			}
		}
	}
}

// BenchmarkEncode10k encodes a ~10,000-token prompt with the real Qwen3
// tokenizer.
func BenchmarkEncode10k(b *testing.B) {
	tok := sharedQwen3.load(b)
	text := benchPrompt(tok, 10000)
	ids, err := tok.Encode(text)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := tok.Encode(text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ids)), "tokens/op")
}

// BenchmarkDecode10k decodes the ids of a ~10,000-token prompt.
func BenchmarkDecode10k(b *testing.B) {
	tok := sharedQwen3.load(b)
	ids, err := tok.Encode(benchPrompt(tok, 10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_ = tok.Decode(ids)
	}
}

// BenchmarkLoadQwen3 loads the real 11 MB Qwen3 tokenizer.json.
func BenchmarkLoadQwen3(b *testing.B) {
	path := filepath.Join(goldenDir(b), "tokenizer_qwen3", FileName)
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadGemma3 parses the real 33 MB Gemma 3 tokenizer.json (262,144
// tokens, 514,906 merges, 6,415 added tokens), already in memory. Besides
// the wall time it reports the process's CPU time per load (cpu-ms/op, GC
// included), which a busy machine disturbs less.
func BenchmarkLoadGemma3(b *testing.B) {
	data := readMaybeGzip(b, filepath.Join(nextDir(b), "tokenizer_gemma3", FileName+".gz"))
	b.SetBytes(int64(len(data)))
	runtime.GC()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkLoadLlama2 loads the real 3.9 MB LLaVA-1.5 (Llama 2)
// tokenizer.json.
func BenchmarkLoadLlama2(b *testing.B) {
	path := filepath.Join(nextDir(b), "tokenizer_llama2", FileName)
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeGemma3 encodes a ~10,000-token prompt with the real
// Gemma 3 tokenizer, whose SentencePiece-style BPE merges each text
// segment between added tokens as one word.
func BenchmarkEncodeGemma3(b *testing.B) {
	tok := sharedGemma3.load(b)
	text := benchPrompt(tok, 10000)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := tok.Encode(text); err != nil {
			b.Fatal(err)
		}
	}
}
