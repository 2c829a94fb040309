package tokenizer

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// oracleFixture is a file written by testdata/gen_oracle.mjs.
type oracleFixture struct {
	Generator string `json:"generator"`
	// Tokenizer is "golden/<path>" (under testdata/golden),
	// "golden-next/<path>" (under testdata/golden-next) or
	// "testdata/<file>"; a .gz file is gunzipped.
	Tokenizer string `json:"tokenizer"`
	SHA256    string `json:"tokenizer_sha256"`
	Cases     []struct {
		Text    string `json:"text"`
		IDs     []int  `json:"ids"`
		Decoded string `json:"decoded"`
		// IDsSpecial are the ids with add_special_tokens=True, recorded
		// for the SentencePiece-style tokenizers only.
		IDsSpecial []int `json:"ids_special"`
	} `json:"cases"`
}

// TestOracleFixtures checks Encode, EncodeSpecial and Decode against the
// ids and texts that Hugging Face's Rust tokenizer (npm tokenizers@0.23.2)
// produced for thousands of random concatenations of tricky fragments: on
// the real Qwen3 tokenizer, the tiny golden one, and two variants exercising
// added-token flags, NFKC and the GPT-2 ByteLevel regex; on the real
// LLaVA-1.5 (Llama 2) and Gemma 3 tokenizers, the tiny golden-next ones, and
// three variants exercising Metaspace, split behaviours, ignore_merges, unk
// without byte fallback, regex Replace, Strip and post-processor Sequences.
func TestOracleFixtures(t *testing.T) {
	for _, c := range []struct {
		fixture string
		minSize int
	}{
		{"oracle_qwen3.json", 3000},
		{"oracle_tiny.json", 1000},
		{"oracle_flags.json", 1000},
		{"oracle_gpt2.json", 1000},
		{"oracle_llama2.json", 2000},
		{"oracle_gemma3.json", 2000},
		{"oracle_llava_tiny.json", 1000},
		{"oracle_gemma3_tiny.json", 1000},
		{"oracle_metaspace.json", 1000},
		{"oracle_metaspace_split.json", 1000},
		{"oracle_spm_flags.json", 1000},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			var fx oracleFixture
			readJSON(t, filepath.Join("testdata", c.fixture), &fx)
			if len(fx.Cases) < c.minSize {
				t.Fatalf("%s has %d cases, want at least %d", c.fixture, len(fx.Cases), c.minSize)
			}
			tok := loadOracleTokenizer(t, fx)
			failures := 0
			for i, k := range fx.Cases {
				ids, err := tok.Encode(k.Text)
				if err != nil {
					t.Errorf("case %d %q: %v", i, k.Text, err)
					failures++
				} else if !slices.Equal(ids, k.IDs) && len(ids)+len(k.IDs) > 0 {
					t.Errorf("case %d %q: ids\n got %v\nwant %v", i, k.Text, ids, k.IDs)
					failures++
				}
				if k.IDsSpecial != nil {
					if special, err := tok.EncodeSpecial(k.Text); err != nil || !slices.Equal(special, k.IDsSpecial) {
						t.Errorf("case %d %q: EncodeSpecial = %v, %v; want %v", i, k.Text, special, err, k.IDsSpecial)
						failures++
					}
				}
				if got := tok.Decode(k.IDs); got != k.Decoded {
					t.Errorf("case %d: Decode = %q, want %q", i, got, k.Decoded)
					failures++
				}
				if failures > 20 {
					t.Fatal("too many failures")
				}
			}
		})
	}
}

// loadOracleTokenizer loads the tokenizer a fixture was generated from and
// checks that the file has not changed since.
func loadOracleTokenizer(t *testing.T, fx oracleFixture) *Tokenizer {
	t.Helper()
	var path string
	switch {
	case strings.HasPrefix(fx.Tokenizer, "golden/"):
		path = filepath.Join(goldenDir(t), strings.TrimPrefix(fx.Tokenizer, "golden/"))
	case strings.HasPrefix(fx.Tokenizer, "golden-next/"):
		// The reference set's golden-next cases sit in the repository's
		// testdata/golden (golden.FromNext), its tokenizer fixtures in
		// testdata/golden-next.
		rel := strings.TrimPrefix(fx.Tokenizer, "golden-next/")
		root := nextDir(t)
		if top, _, _ := strings.Cut(rel, "/"); slices.Contains(golden.FromNext(), top) {
			root = goldenDir(t)
		}
		path = filepath.Join(root, rel)
	case strings.HasPrefix(fx.Tokenizer, "testdata/"):
		path = filepath.FromSlash(fx.Tokenizer)
	default:
		t.Fatalf("fixture names tokenizer %q, want golden/..., golden-next/... or testdata/...", fx.Tokenizer)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != fx.SHA256 {
		t.Fatalf("%s changed since the fixture was generated (sha256 %x, fixture %s)", path, sum, fx.SHA256)
	}
	switch fx.Tokenizer {
	case "golden/tokenizer_qwen3/tokenizer.json":
		return sharedQwen3.load(t)
	case "golden-next/tokenizer_llama2/tokenizer.json":
		return sharedLlama2.load(t)
	case "golden-next/tokenizer_gemma3/tokenizer.json.gz":
		return sharedGemma3.load(t)
	}
	tok, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
