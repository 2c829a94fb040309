package run

import (
	"fmt"
	"os"
	"strings"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/processor"
)

// DefaultPrompt is the original tool's prompt when none is given and there
// is no ./prompt.txt.
const DefaultPrompt = "What is the capital of France?"

// Prompt is one prompt to prepare: a question (or a whole conversation)
// and image files.
type Prompt struct {
	// Name is the batch prompt's name ("" for a single run).
	Name string
	// Text is the user's question, used when Messages is empty.
	Text string
	// Messages is a whole conversation (batch files in ChatML), and
	// AssistantPrefix text that starts the model's reply.
	Messages        []chattemplate.Message
	AssistantPrefix string
	// Images are image files, in prompt order.
	Images []string
	// MaxImageResolution, when positive, downscales each image in memory
	// so its longer side is at most this many pixels.
	MaxImageResolution int
}

// PromptText resolves the --prompt value: text, or the contents of an
// existing .txt file; without a value, ./prompt.txt when present, else the
// original tool's default question.
func PromptText(v string) (string, error) {
	if v == "" {
		if b, err := os.ReadFile("prompt.txt"); err == nil {
			return string(b), nil
		}
		return DefaultPrompt, nil
	}
	if strings.HasSuffix(v, ".txt") && !strings.ContainsAny(v, "\n") {
		b, err := os.ReadFile(v)
		if err != nil {
			return "", withKind(KindInput, fmt.Errorf("--prompt %s: %w", v, err))
		}
		return string(b), nil
	}
	return v, nil
}

// Prepare renders, tokenizes and preprocesses a prompt.
func Prepare(proc *processor.Processor, p Prompt) (*processor.Result, error) {
	msgs := p.Messages
	if len(msgs) == 0 {
		msgs = proc.UserPrompt(p.Text, len(p.Images))
	}
	res, err := proc.Process(processor.Request{
		Messages: msgs, Images: p.Images, MaxImageResolution: p.MaxImageResolution, AssistantPrefix: p.AssistantPrefix,
	})
	if err != nil {
		return nil, withKind(KindInput, err)
	}
	return res, nil
}
