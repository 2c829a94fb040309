package batchconfig

import (
	"fmt"
	"strings"

	"github.com/vlmask/vlmask/hf/chattemplate"
)

// Markers of the prompt language the original tool's configs use.
const (
	imStart     = "<|im_start|>"
	imEnd       = "<|im_end|>"
	imageMarker = "<image>"
)

// Conversation is a prompt parsed into chat messages.
type Conversation struct {
	Messages []chattemplate.Message
	// AssistantPrefix is text the prompt puts at the start of the model's
	// reply (an unterminated final assistant turn, e.g. "<think></think>"):
	// it goes after the rendered generation prompt.
	AssistantPrefix string
}

// ParsePrompt turns a prompt into messages for a model given `images`
// images. A ChatML prompt (<|im_start|>role\n…<|im_end|>) keeps every turn,
// system and assistant ones included, and all of each turn's text; a final
// assistant turn left open is the start of the reply, not a message. Plain
// text is one user turn. Each <image> marker takes the next image, where it
// stands; with no marker at all, the images come first in the first user
// turn. multimodal false gives plain-string contents (text-only templates
// reject content lists) and refuses images.
func ParsePrompt(prompt string, images int, multimodal bool) (*Conversation, error) {
	conv := &Conversation{}
	if !strings.Contains(prompt, imStart) {
		conv.Messages = []chattemplate.Message{{Role: "user", Text: prompt}}
	} else {
		rest := prompt
		if i := strings.Index(rest, imStart); strings.TrimSpace(rest[:i]) != "" {
			return nil, fmt.Errorf("text before the first %s: %q", imStart, strings.TrimSpace(rest[:i]))
		}
		for {
			i := strings.Index(rest, imStart)
			if i < 0 {
				if strings.TrimSpace(rest) != "" {
					return nil, fmt.Errorf("text after the last %s: %q", imEnd, strings.TrimSpace(rest))
				}
				break
			}
			rest = rest[i+len(imStart):]
			role, body, _ := strings.Cut(rest, "\n")
			role = strings.TrimSpace(role)
			if role == "" {
				return nil, fmt.Errorf("a %s without a role", imStart)
			}
			end := strings.Index(body, imEnd)
			next := strings.Index(body, imStart)
			if end < 0 || (next >= 0 && next < end) {
				// An open turn: only the last one may be, and only the assistant's.
				if next >= 0 || role != "assistant" {
					return nil, fmt.Errorf("the %s turn has no %s", role, imEnd)
				}
				conv.AssistantPrefix = body
				break
			}
			conv.Messages = append(conv.Messages, chattemplate.Message{Role: role, Text: body[:end]})
			rest = body[end+len(imEnd):]
		}
		if len(conv.Messages) == 0 {
			return nil, fmt.Errorf("no complete turn")
		}
	}
	return conv, conv.placeImages(images, multimodal)
}

// placeImages turns <image> markers into image parts.
func (c *Conversation) placeImages(images int, multimodal bool) error {
	markers := 0
	for _, m := range c.Messages {
		markers += strings.Count(m.Text, imageMarker)
	}
	if !multimodal {
		if images > 0 || markers > 0 {
			return fmt.Errorf("this model takes no images")
		}
		return nil
	}
	if markers > 0 && markers != images {
		return fmt.Errorf("%d %s markers for %d images", markers, imageMarker, images)
	}
	firstUser := -1
	for i := range c.Messages {
		m := &c.Messages[i]
		if firstUser < 0 && m.Role == "user" {
			firstUser = i
		}
		pieces := strings.Split(m.Text, imageMarker)
		for k, piece := range pieces {
			if k > 0 {
				m.Content = append(m.Content, chattemplate.Part{Type: "image"})
			}
			if piece != "" {
				m.Content = append(m.Content, chattemplate.Part{Type: "text", Text: piece})
			}
		}
		if m.Content == nil {
			m.Content = []chattemplate.Part{}
		}
		m.Text = ""
	}
	if markers == 0 && images > 0 {
		if firstUser < 0 {
			return fmt.Errorf("%d images but no user turn to put them in", images)
		}
		lead := make([]chattemplate.Part, images, images+len(c.Messages[firstUser].Content))
		for i := range lead {
			lead[i] = chattemplate.Part{Type: "image"}
		}
		c.Messages[firstUser].Content = append(lead, c.Messages[firstUser].Content...)
	}
	return nil
}
