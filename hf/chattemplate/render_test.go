package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestRenderTypedMessages checks that Render with typed messages gives the
// same text as RenderJSON with the equivalent JSON, on the golden
// templates.
func TestRenderTypedMessages(t *testing.T) {
	templatesDir := filepath.Join(goldenDir(t), "templates")
	tests := []struct {
		name, template string
		msgs           []Message
		json           string
		opts           Options
	}{
		{
			name: "image and text", template: "qwen3_vl_instruct.chat_template.json",
			msgs: []Message{{Role: "user", Content: []Part{{Type: "image"}, {Type: "text", Text: "What's in this image?"}}}},
			json: `[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What's in this image?"}]}]`,
			opts: Options{AddGenerationPrompt: true},
		},
		{
			name: "vision ids", template: "qwen2_vl.chat_template.json",
			msgs: []Message{{Role: "user", Content: []Part{{Type: "image"}, {Type: "video"}, {Type: "text", Text: "Both?"}}}},
			json: `[{"role": "user", "content": [{"type": "image"}, {"type": "video"}, {"type": "text", "text": "Both?"}]}]`,
			opts: Options{AddGenerationPrompt: true, Extra: map[string]any{"add_vision_id": true}},
		},
		{
			name: "tool calls and reasoning", template: "qwen3.tokenizer_config.chat_template.jinja",
			msgs: []Message{
				{Role: "system", Text: "Use tools."},
				{Role: "user", Text: "Weather?"},
				{Role: "assistant", ReasoningContent: "Need the tool.", ToolCalls: []ToolCall{
					{Name: "get_weather", Arguments: json.RawMessage(`{"city": "Zürich", "days": [1, 2.0]}`)},
					{Name: "raw", Arguments: json.RawMessage(`"{\"as\": \"string\"}"`)},
				}},
				{Role: "tool", Text: "sunny"},
			},
			json: `[{"role": "system", "content": "Use tools."}, {"role": "user", "content": "Weather?"},
				{"role": "assistant", "content": "", "reasoning_content": "Need the tool.", "tool_calls": [
					{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich", "days": [1, 2.0]}}},
					{"type": "function", "function": {"name": "raw", "arguments": "{\"as\": \"string\"}"}}]},
				{"role": "tool", "content": "sunny"}]`,
			opts: Options{AddGenerationPrompt: true, Tools: []byte(`[{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]`)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := parseGoldenTemplate(t, filepath.Join(templatesDir, tt.template))
			typed, err := tpl.Render(tt.msgs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			fromJSON, err := tpl.RenderJSON([]byte(tt.json), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if typed != fromJSON {
				t.Errorf("Render and RenderJSON differ:\n typed %q\n  json %q", typed, fromJSON)
			}
		})
	}
}

// TestGoldenTypedPrompt checks the typed API against the golden prompt of
// qwen3_vl_basic: one image, then the prompt text.
func TestGoldenTypedPrompt(t *testing.T) {
	dir := filepath.Join(goldenDir(t), "qwen3_vl_basic")
	prompt, err := os.ReadFile(filepath.Join(dir, "input", "prompt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "expected", "prompt_rendered.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadDir(filepath.Join(dir, "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render([]Message{{Role: "user", Content: []Part{{Type: "image"}, {Type: "text", Text: string(prompt)}}}},
		Options{AddGenerationPrompt: true})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}

// TestExtraValues checks the conversion of Options.Extra values: Go maps
// get sorted keys, json.RawMessage keeps its order, scalars stay scalars.
func TestExtraValues(t *testing.T) {
	tpl, err := Parse(`{{ m | tojson }} {{ r | tojson }} {{ n + 1 }} {{ f }} {{ b }} {{ s | join('-') }} {{ z is none }}`, "extra")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render(nil, Options{Extra: map[string]any{
		"m": map[string]any{"b": 1, "a": []any{true, nil}},
		"r": json.RawMessage(`{"b": 1, "a": 2.5}`),
		"n": int64(41), "f": 1.5, "b": true, "s": []string{"x", "y"}, "z": nil,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a": [true, null], "b": 1} {"b": 1, "a": 2.5} 42 1.5 True x-y True`; got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestStrftimeNow checks strftime_now against Python's strftime (expected
// values computed with CPython 3.11).
func TestStrftimeNow(t *testing.T) {
	tests := []struct {
		now          time.Time
		format, want string
	}{
		{time.Date(2024, 3, 5, 7, 8, 9, 123456000, time.UTC),
			"%d %b %Y %H:%M:%S %A %a %B %j %p %I %y %m %e %f %w %u %F %T %% %Q",
			"05 Mar 2024 07:08:09 Tuesday Tue March 065 AM 07 24 03  5 123456 2 2 2024-03-05 07:08:09 % %Q"},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), "%d %b %Y %I%p %j %u %w", "31 Dec 2025 11PM 365 3 3"},
	}
	for _, tt := range tests {
		tpl, err := Parse("{{ strftime_now(fmt) }}", "time")
		if err != nil {
			t.Fatal(err)
		}
		got, err := tpl.Render(nil, Options{Now: tt.now, Extra: map[string]any{"fmt": tt.format}})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("strftime_now(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
}

// TestConcurrentRender checks that one Template renders correctly from
// several goroutines (run with -race).
func TestConcurrentRender(t *testing.T) {
	tpl := parseGoldenTemplate(t, filepath.Join(goldenDir(t), "templates", "qwen3_vl_instruct.chat_template.json"))
	render := func(n int) (string, error) {
		parts := []Part{}
		for range n {
			parts = append(parts, Part{Type: "image"})
		}
		parts = append(parts, Part{Type: "text", Text: "Count the images."})
		return tpl.Render([]Message{{Role: "user", Content: parts}}, Options{AddGenerationPrompt: true, Extra: map[string]any{"add_vision_id": true}})
	}
	want := make([]string, 4)
	for n := range want {
		var err error
		if want[n], err = render(n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				n := (g + i) % len(want)
				if got, err := render(n); err != nil || got != want[n] {
					errs <- got
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("concurrent render differs: %q", got)
	}
}
