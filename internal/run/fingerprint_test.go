package run

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestFingerprint: every input that decides the numbers changes the
// fingerprint; what decides only where and how they are written does not.
func TestFingerprint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, testmodel.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	open := func() *Session {
		proc, err := OpenFrontEnd(dir)
		if err != nil {
			t.Fatal(err)
		}
		return &Session{proc: proc, precision: "float32"}
	}
	s := open()
	in, err := Prepare(s.proc, Prompt{Text: "Hi"})
	if err != nil {
		t.Fatal(err)
	}
	base := Settings{NumTokens: 2, Method: core.MethodFast, MaskMode: "text", Formats: []results.Format{results.FormatParquet},
		Plugins: []string{"m"}, PluginConfigs: map[string]json.RawMessage{"m": json.RawMessage(`{"k": 1}`)}}
	want, err := s.fingerprint(in, base)
	if err != nil || len(want) != 64 {
		t.Fatalf("fingerprint = %q, %v", want, err)
	}
	other, err := Prepare(s.proc, Prompt{Text: "Hi!"})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		edit    func(*Settings)
		in      bool // use the other prompt
		session func(*Session)
		same    bool
	}{
		"the prompt":          {in: true},
		"num tokens":          {edit: func(s *Settings) { s.NumTokens = 3 }},
		"method":              {edit: func(s *Settings) { s.Method = core.MethodRecompute }},
		"mask mode":           {edit: func(s *Settings) { s.MaskMode = "both" }},
		"skip per head":       {edit: func(s *Settings) { s.SkipPerHead = true }},
		"attention weights":   {edit: func(s *Settings) { s.SaveAttentionWeights = true }},
		"plugins":             {edit: func(s *Settings) { s.Plugins = []string{"m", "n"} }},
		"plugin config":       {edit: func(s *Settings) { s.PluginConfigs = map[string]json.RawMessage{"m": json.RawMessage(`{"k": 2}`)} }},
		"config spacing":      {edit: func(s *Settings) { s.PluginConfigs = map[string]json.RawMessage{"m": json.RawMessage(`{"k":1}`)} }, same: true},
		"precision":           {session: func(s *Session) { s.precision = "bfloat16 matrix products" }},
		"tf32":                {session: func(s *Session) { s.cfg.TF32 = true }},
		"formats":             {edit: func(s *Settings) { s.Formats = []results.Format{results.FormatCSV} }, same: true},
		"replace and command": {edit: func(s *Settings) { s.Replace, s.Command = true, "vlmask run" }, same: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set, sess, prompt := base, open(), in
			if tc.edit != nil {
				tc.edit(&set)
			}
			if tc.session != nil {
				tc.session(sess)
			}
			if tc.in {
				prompt = other
			}
			got, err := sess.fingerprint(prompt, set)
			if err != nil {
				t.Fatal(err)
			}
			if (got == want) != tc.same {
				t.Errorf("fingerprint changed: %v, want %v", got != want, !tc.same)
			}
		})
	}
	both, all := base, base
	both.MaskMode, all.MaskMode = "both", "all"
	if a, b := mustFingerprint(t, open(), in, both), mustFingerprint(t, open(), in, all); a != b {
		t.Error("mask modes both and all (the same strategy) fingerprint differently")
	}
	touch(t, filepath.Join(dir, "config.json"))
	if mustFingerprint(t, open(), in, base) == want {
		t.Error("a rewritten model file left the fingerprint unchanged")
	}
}

func mustFingerprint(t *testing.T, s *Session, in *processor.Result, set Settings) string {
	t.Helper()
	fp, err := s.fingerprint(in, set)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// touch gives path a new modification time.
func touch(t *testing.T, path string) {
	t.Helper()
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
}
