package run

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/processor"
)

// DefaultPrompt is the original tool's prompt when --prompt is not given
// and there is no ./prompt.txt.
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

// WorkDirPrompt is the file a run without --prompt reads its question
// from, in the working directory, as the original tool did.
const WorkDirPrompt = "prompt.txt"

// PromptText resolves the --prompt flag; given says whether it was given
// at all. A value is the question, or the path of a .txt file holding it.
// Only when --prompt is not given does the run fall back, to
// ./prompt.txt when present, else the original tool's default question;
// from then says which ("" when the flag gave the prompt), for the caller
// to report. An empty prompt — an empty --prompt "", a blank .txt file —
// is an input error, never replaced by the default.
func PromptText(v string, given bool) (text, from string, err error) {
	if !given {
		b, err := os.ReadFile(WorkDirPrompt)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return DefaultPrompt, "the default question", nil
		case err != nil:
			return "", "", withKind(KindInput, fmt.Errorf("no --prompt, and ./%s: %w", WorkDirPrompt, err))
		case strings.TrimSpace(string(b)) == "":
			return "", "", withKind(KindInput, fmt.Errorf("no --prompt, and ./%s is empty", WorkDirPrompt))
		}
		return string(b), "./" + WorkDirPrompt, nil
	}
	if strings.TrimSpace(v) == "" {
		return "", "", withKind(KindInput, fmt.Errorf("--prompt is empty: give the question (or a .txt file), or leave --prompt out for ./%s or the default question", WorkDirPrompt))
	}
	if strings.HasSuffix(v, ".txt") && !strings.ContainsAny(v, "\n") {
		b, err := os.ReadFile(v)
		if err != nil {
			return "", "", withKind(KindInput, fmt.Errorf("--prompt %s: %w", v, err))
		}
		if strings.TrimSpace(string(b)) == "" {
			return "", "", withKind(KindInput, fmt.Errorf("--prompt %s: the file is empty", v))
		}
		return string(b), "", nil
	}
	return v, "", nil
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
