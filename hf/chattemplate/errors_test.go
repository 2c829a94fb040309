package chattemplate

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestRaiseException checks that raise_exception fails the render with the
// template's message and the file name, on one line.
func TestRaiseException(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		JinjaFileName: "{%- if messages | length == 0 %}{{ raise_exception('boom: no\nmessages') }}{% endif %}ok",
	})
	tpl, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Render(nil, Options{})
	if !errors.Is(err, ErrRender) {
		t.Fatalf("error = %v, want ErrRender", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "boom: no messages") || !strings.Contains(msg, filepath.Join(dir, JinjaFileName)) || strings.Contains(msg, "\n") {
		t.Errorf("error %q should be one line with the message and the file", msg)
	}
	got, err := tpl.Render([]Message{{Role: "user", Text: "hi"}}, Options{})
	if err != nil || got != "ok" {
		t.Errorf("Render with a message = %q, %v; want ok", got, err)
	}
}

// TestSyntaxErrors checks that a template that does not parse gives a
// one-line error naming the file and the line.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, source, wantLine string
	}{
		{"unclosed if", "line one\n{% if x %}\nno end", ""},
		{"unknown tag", "a\nb\n{% frobnicate %}", "line 3"},
		{"bad expression", "{{ 1 + }}", "line 1"},
		{"unclosed output", "ok\n{{ x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.source, "bad.jinja")
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse error = %v, want ErrSyntax", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, `"bad.jinja"`) || !strings.Contains(msg, tt.wantLine) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line naming bad.jinja and %q", msg, tt.wantLine)
			}
		})
	}
}

// TestQwen3TextTemplateRejectsListContent checks that the Qwen3 text
// template fails on multimodal (list) content, as it does in transformers
// (UndefinedError: 'list object' has no attribute 'startswith').
func TestQwen3TextTemplateRejectsListContent(t *testing.T) {
	tpl, err := LoadDir(filepath.Join(goldenDir(t), "qwen3_text", "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := []Message{{Role: "user", Content: []Part{{Type: "image"}, {Type: "text", Text: "What's in this image?"}}}}
	_, err = tpl.Render(msgs, Options{AddGenerationPrompt: true})
	if !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "startswith") || !strings.Contains(err.Error(), "tokenizer_config.json") {
		t.Errorf("error = %v, want ErrRender about startswith naming tokenizer_config.json", err)
	}
}

// TestListUsedAsText checks that a list concatenated to a string fails, as
// Python's str + list does, instead of rendering the list's text.
func TestListUsedAsText(t *testing.T) {
	tpl, err := Parse("{{ 'content: ' + messages[0].content }}", "concat.jinja")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Render([]Message{{Role: "user", Content: []Part{{Type: "text", Text: "x"}}}}, Options{})
	if !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "list") {
		t.Errorf("error = %v, want ErrRender about a list used as text", err)
	}
	got, err := tpl.Render([]Message{{Role: "user", Text: "x"}}, Options{})
	if err != nil || got != "content: x" {
		t.Errorf("string content: %q, %v", got, err)
	}
}

// TestBadInput checks the errors for messages and options that cannot be
// passed to a template.
func TestBadInput(t *testing.T) {
	tpl, err := Parse("{{ messages | length }}", "t.jinja")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		run  func() error
	}{
		{"messages not JSON", func() error { _, err := tpl.RenderJSON([]byte(`[{`), Options{}); return err }},
		{"messages not a list", func() error { _, err := tpl.RenderJSON([]byte(`{"role": "user"}`), Options{}); return err }},
		{"message not an object", func() error { _, err := tpl.RenderJSON([]byte(`["hi"]`), Options{}); return err }},
		{"tools not a list", func() error { _, err := tpl.Render(nil, Options{Tools: []byte(`{}`)}); return err }},
		{"extra of unsupported type", func() error {
			_, err := tpl.Render(nil, Options{Extra: map[string]any{"x": struct{}{}}})
			return err
		}},
		{"tool call arguments not JSON", func() error {
			_, err := tpl.Render([]Message{{Role: "assistant", ToolCalls: []ToolCall{{Name: "f", Arguments: []byte(`{`)}}}}, Options{})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `"t.jinja"`) {
				t.Errorf("error = %v, want ErrMalformed naming t.jinja", err)
			}
		})
	}
}
