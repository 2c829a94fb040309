package batchconfig

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/chattemplate"
)

func TestParsePrompt(t *testing.T) {
	t.Parallel()
	img := chattemplate.Part{Type: "image"}
	text := func(s string) chattemplate.Part { return chattemplate.Part{Type: "text", Text: s} }
	tests := map[string]struct {
		prompt     string
		images     int
		multimodal bool
		want       []chattemplate.Message
		prefix     string
		err        string
	}{
		"plain text": {
			prompt: "What is this?", multimodal: true,
			want: []chattemplate.Message{{Role: "user", Content: []chattemplate.Part{text("What is this?")}}},
		},
		"plain text, image first": {
			prompt: "What is this?", images: 1, multimodal: true,
			want: []chattemplate.Message{{Role: "user", Content: []chattemplate.Part{img, text("What is this?")}}},
		},
		"text model keeps a string": {
			prompt: "Tell me a joke.",
			want:   []chattemplate.Message{{Role: "user", Text: "Tell me a joke."}},
		},
		// The original dropped the question on the <|im_end|> line.
		"question on the im_end line is kept": {
			prompt: "<|im_start|>user\n<image>What animal is this?<|im_end|>\n<|im_start|>assistant\n", images: 1, multimodal: true,
			want: []chattemplate.Message{{Role: "user", Content: []chattemplate.Part{img, text("What animal is this?")}}},
		},
		"image where the marker stands": {
			prompt: "<|im_start|>user\nLook:\n<image>\nWhat is it?<|im_end|>\n<|im_start|>assistant\n", images: 1, multimodal: true,
			want: []chattemplate.Message{{Role: "user", Content: []chattemplate.Part{text("Look:\n"), img, text("\nWhat is it?")}}},
		},
		// The original ignored image_path without <image>.
		"image without a marker goes first": {
			prompt: "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is it?<|im_end|>\n", images: 1, multimodal: true,
			want: []chattemplate.Message{
				{Role: "system", Content: []chattemplate.Part{text("Be brief.")}},
				{Role: "user", Content: []chattemplate.Part{img, text("What is it?")}},
			},
		},
		"assistant prefix": {
			prompt: "<|im_start|>user\nRate it 0-9.<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
			want:   []chattemplate.Message{{Role: "user", Text: "Rate it 0-9."}},
			prefix: "<think>\n\n</think>\n\n",
		},
		"multi-turn": {
			prompt: "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
			want:   []chattemplate.Message{{Role: "user", Text: "Hi"}, {Role: "assistant", Text: "Hello!"}, {Role: "user", Text: "Bye"}},
		},
		"two images, two markers": {
			prompt: "<image> vs <image>: which?", images: 2, multimodal: true,
			want: []chattemplate.Message{{Role: "user", Content: []chattemplate.Part{img, text(" vs "), img, text(": which?")}}},
		},
		"markers and images disagree": {prompt: "<image><image>?", images: 1, multimodal: true, err: "2 <image> markers for 1 images"},
		"image for a text model":      {prompt: "x", images: 1, err: "takes no images"},
		"open user turn":              {prompt: "<|im_start|>user\nHi", err: "has no <|im_end|>"},
		"text outside turns":          {prompt: "hello <|im_start|>user\nHi<|im_end|>", err: "text before the first"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			conv, err := ParsePrompt(tc.prompt, tc.images, tc.multimodal)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(conv.Messages, tc.want) {
				t.Errorf("messages\n%+v\nwant\n%+v", conv.Messages, tc.want)
			}
			if conv.AssistantPrefix != tc.prefix {
				t.Errorf("prefix %q, want %q", conv.AssistantPrefix, tc.prefix)
			}
		})
	}
}
