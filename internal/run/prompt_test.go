package run

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPromptText: the default question applies only when --prompt is not
// given at all; an empty prompt, given or read from a file, is an input
// error; the caller learns where a prompt it did not give came from.
func TestPromptText(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	question := write("q.txt", "What is in the picture?\n")
	blank := write("blank.txt", " \n\t\n")
	tests := map[string]struct {
		value     string
		given     bool
		workDir   string // ./prompt.txt's content; "" for none
		want      string
		wantFrom  string
		wantInput bool // an input error
	}{
		"text":                        {value: "Hi", given: true, want: "Hi"},
		"a .txt file":                 {value: question, given: true, want: "What is in the picture?\n"},
		"not given":                   {want: DefaultPrompt, wantFrom: "the default question"},
		"not given, ./prompt.txt":     {workDir: "From the file", want: "From the file", wantFrom: "./prompt.txt"},
		"empty":                       {value: "", given: true, wantInput: true},
		"blank":                       {value: " \n ", given: true, wantInput: true},
		"empty despite ./prompt.txt":  {value: "", given: true, workDir: "From the file", wantInput: true},
		"a blank .txt file":           {value: blank, given: true, wantInput: true},
		"a missing .txt file":         {value: filepath.Join(dir, "gone.txt"), given: true, wantInput: true},
		"not given, blank prompt.txt": {workDir: "  \n", wantInput: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			wd := t.TempDir()
			if tc.workDir != "" {
				if err := os.WriteFile(filepath.Join(wd, WorkDirPrompt), []byte(tc.workDir), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(wd)
			got, from, err := PromptText(tc.value, tc.given)
			if tc.wantInput {
				if err == nil || KindOf(err) != KindInput {
					t.Fatalf("PromptText(%q, %v) = %q, %v; want an input error", tc.value, tc.given, got, err)
				}
				return
			}
			if err != nil || got != tc.want || from != tc.wantFrom {
				t.Errorf("PromptText(%q, %v) = %q from %q, %v; want %q from %q", tc.value, tc.given, got, from, err, tc.want, tc.wantFrom)
			}
		})
	}
}
