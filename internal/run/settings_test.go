package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/batchconfig"
)

func TestPromptSettingsPrecedence(t *testing.T) {
	prompt := batchconfig.Prompt{NumTokens: 3, MaskMode: "both", SkipPerHead: true, SaveAttentionWeights: true, MaxImageResolution: 512}
	base := Settings{NumTokens: 9, MaskMode: "text", Method: core.MethodFast, Formats: []results.Format{results.FormatParquet}}
	tests := map[string]struct {
		over       Overrides
		want       Settings
		wantMaxRes int
	}{
		"the prompt's values without flags": {
			want:       Settings{NumTokens: 3, MaskMode: "both", SkipPerHead: true, SaveAttentionWeights: true},
			wantMaxRes: 512,
		},
		"flags win": {
			over:       Overrides{NumTokens: ptr(2), MaskMode: ptr("vision"), SkipPerHead: ptr(false), SaveAttentionWeights: ptr(false), MaxImageResolution: ptr(128)},
			want:       Settings{NumTokens: 2, MaskMode: "vision"},
			wantMaxRes: 128,
		},
		"one flag, the rest from the prompt": {
			over:       Overrides{MaskMode: ptr("text")},
			want:       Settings{NumTokens: 3, MaskMode: "text", SkipPerHead: true, SaveAttentionWeights: true},
			wantMaxRes: 512,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, maxRes := Batch{Base: base, Overrides: tc.over}.PromptSettings(prompt)
			if got.NumTokens != tc.want.NumTokens || got.MaskMode != tc.want.MaskMode ||
				got.SkipPerHead != tc.want.SkipPerHead || got.SaveAttentionWeights != tc.want.SaveAttentionWeights || maxRes != tc.wantMaxRes {
				t.Errorf("got %+v max %d, want %+v max %d", got, maxRes, tc.want, tc.wantMaxRes)
			}
			if got.Method != base.Method || len(got.Formats) != 1 {
				t.Errorf("settings the file cannot set changed: %+v", got)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestSettingsValidate(t *testing.T) {
	ok := Settings{NumTokens: 1, Method: core.MethodFast, MaskMode: "text", Formats: []results.Format{results.FormatCSV}}
	tests := map[string]struct {
		edit func(*Settings)
		bad  bool
	}{
		"valid":            {edit: func(*Settings) {}},
		"all means both":   {edit: func(s *Settings) { s.MaskMode = "all" }},
		"zero tokens":      {edit: func(s *Settings) { s.NumTokens = 0 }, bad: true},
		"unknown method":   {edit: func(s *Settings) { s.Method = "guess" }, bad: true},
		"unknown mode":     {edit: func(s *Settings) { s.MaskMode = "nouns" }, bad: true},
		"no output format": {edit: func(s *Settings) { s.Formats = nil }, bad: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := ok
			tc.edit(&s)
			err := s.Validate()
			if (err != nil) != tc.bad {
				t.Fatalf("Validate() = %v, want error %v", err, tc.bad)
			}
			if err != nil && KindOf(err) != KindUsage {
				t.Errorf("kind %v, want usage", KindOf(err))
			}
		})
	}
}

func TestParsePluginConfigs(t *testing.T) {
	got, err := ParsePluginConfigs([]string{`region-window={"k": 2}`, `m={}`})
	if err != nil || string(got["region-window"]) != `{"k": 2}` || string(got["m"]) != `{}` {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"no-equals", "=x", `x={bad`} {
		if _, err := ParsePluginConfigs([]string{bad}); KindOf(err) != KindUsage {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

func TestOutputBase(t *testing.T) {
	tests := map[string]string{
		"name":               filepath.Join("output", "name"),
		"name.parquet":       filepath.Join("output", "name"),
		"dir/name.csv":       "dir/name",
		"/abs/dir/name":      "/abs/dir/name",
		"vl_masking_results": filepath.Join("output", "vl_masking_results"),
	}
	for in, want := range tests {
		if got := OutputBase(in); got != want {
			t.Errorf("OutputBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShellJoin(t *testing.T) {
	got := ShellJoin([]string{"vlmask", "run", "--prompt", "What's this?", ""})
	want := `vlmask run --prompt 'What'\''s this?' ''`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestErrorKinds(t *testing.T) {
	base := errors.New("boom")
	if KindOf(base) != KindRuntime {
		t.Error("an untagged error is a runtime error")
	}
	tagged := withKind(KindInput, base)
	if KindOf(fmt.Errorf("wrapped: %w", tagged)) != KindInput || !errors.Is(tagged, base) || tagged.Error() != "boom" {
		t.Errorf("tagging changed the error: %v", tagged)
	}
	if KindOf(withKind(KindPlugin, tagged)) != KindInput {
		t.Error("a second tag replaced the first")
	}
	if withKind(KindInput, nil) != nil {
		t.Error("nil gained a kind")
	}
}

func TestPromptOutputStaysInTheOutputDirectory(t *testing.T) {
	if got, err := PromptOutput("out", "house"); err != nil || got != filepath.Join("out", "house") {
		t.Errorf("PromptOutput(out, house) = %q, %v", got, err)
	}
	for _, name := range []string{"../escape", "..", ".", "/abs", "a/b", `a\b`, ""} {
		if got, err := PromptOutput("out", name); err == nil {
			t.Errorf("PromptOutput(out, %q) = %q, want an error", name, got)
		}
	}
}

func TestSettingsValidateRefusesConfigsOfPluginsNotLoaded(t *testing.T) {
	raw := json.RawMessage(`{"k": 1}`)
	base := Settings{NumTokens: 1, Method: core.MethodFast, MaskMode: "vision", Formats: []results.Format{results.FormatCSV}}
	tests := map[string]struct {
		plugins []string
		config  string
		bad     bool
	}{
		"a --plugin":               {plugins: []string{"region-window"}, config: "region-window"},
		"the built-in metric":      {config: DefaultMetrics},
		"the mask mode's strategy": {config: "masking-vision"},
		"a plugin not loaded":      {plugins: []string{"region-window"}, config: "region-windw", bad: true},
		"another mode's strategy":  {config: "masking-text", bad: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := base
			s.Plugins, s.PluginConfigs = tc.plugins, map[string]json.RawMessage{tc.config: raw}
			err := s.Validate()
			if (err != nil) != tc.bad {
				t.Fatalf("Validate() = %v, want error %v", err, tc.bad)
			}
			if err != nil && (KindOf(err) != KindUsage || !strings.Contains(err.Error(), tc.config)) {
				t.Errorf("error %v: want a usage error naming %s", err, tc.config)
			}
		})
	}
}
