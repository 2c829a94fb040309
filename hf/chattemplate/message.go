package chattemplate

import (
	"encoding/json"
	"fmt"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Message is one chat message, as a caller of apply_chat_template writes it.
type Message struct {
	// Role is "system", "user", "assistant" or "tool".
	Role string
	// Content is the list of parts of a multimodal message. When nil, the
	// message's content is the plain string Text, as text-only templates
	// (Qwen3's) expect.
	Content []Part
	// Text is the content when Content is nil.
	Text string
	// ReasoningContent is an assistant's separate reasoning, when set.
	ReasoningContent string
	// ToolCalls are an assistant's function calls.
	ToolCalls []ToolCall
}

// Part is one item of a multimodal message's content.
type Part struct {
	// Type is "text", "image" or "video".
	Type string
	// Text is the text of a "text" part.
	Text string
}

// ToolCall is one function call of an assistant message.
type ToolCall struct {
	// Name is the function's name.
	Name string
	// Arguments is a JSON object (rendered with tojson, key order kept) or
	// a JSON string (rendered as the string's content).
	Arguments json.RawMessage
}

// toValue builds the dict transformers would receive for m:
// {"role", "content", ["reasoning_content"], ["tool_calls"]}.
func (m Message) toValue() (*exec.Dict, error) {
	d := newDict("role", m.Role)
	if m.Content == nil {
		setDictKey(d, "content", m.Text)
	} else {
		parts := make(pyList, len(m.Content))
		for i, p := range m.Content {
			if p.Type == "text" {
				parts[i] = newDict("type", p.Type, "text", p.Text)
			} else {
				parts[i] = newDict("type", p.Type)
			}
		}
		setDictKey(d, "content", parts)
	}
	if m.ReasoningContent != "" {
		setDictKey(d, "reasoning_content", m.ReasoningContent)
	}
	if len(m.ToolCalls) > 0 {
		calls := make(pyList, len(m.ToolCalls))
		for i, c := range m.ToolCalls {
			var args any = exec.NewDict()
			if len(c.Arguments) > 0 {
				var err error
				if args, err = decodeJSON(c.Arguments); err != nil {
					return nil, fmt.Errorf("tool call %d (%s) arguments: %w: %v", i, c.Name, ErrMalformed, err)
				}
			}
			calls[i] = newDict("type", "function", "function", newDict("name", c.Name, "arguments", args))
		}
		setDictKey(d, "tool_calls", calls)
	}
	return d, nil
}
