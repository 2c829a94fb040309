package viewer

import (
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/tokenizer"
)

// Generated is the token a step generated: the model's greedy choice at
// the step's final position, the word whose triggers the step shows.
type Generated struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
	// Known is false when neither the table nor the run's checkpoint
	// could tell the token's text.
	Known bool `json:"known"`
}

// tokenNames decodes token ids with the run's tokenizer.
type tokenNames struct {
	tok *tokenizer.Tokenizer // nil when the checkpoint is not there
}

// generatedToken finds the text of the token step generated: the last
// position of the next step holds it when text tokens were knocked out;
// otherwise any unit with that id; otherwise the run's tokenizer, when its
// checkpoint (vlmask.model) can still be read.
func (f *File) generatedToken(step, id int) Generated {
	g := Generated{ID: id}
	if l, err := f.stepLayout(step + 1); err == nil && len(l.units) > 0 {
		last := l.units[len(l.units)-1]
		if last.TokenID == id && last.Size == 1 {
			g.Text, g.Known = last.Text, true
			return g
		}
	}
	for _, s := range []int{step, 0} {
		if l, err := f.stepLayout(s); err == nil {
			for _, u := range l.units {
				if u.TokenID == id && u.Size == 1 {
					g.Text, g.Known = u.Text, true
					return g
				}
			}
		}
	}
	if tok := f.tokenizer(); tok != nil {
		g.Text, g.Known = tok.Decode([]int{id}), true
	}
	return g
}

// tokenizer loads the run's tokenizer once, or returns nil.
func (f *File) tokenizer() *tokenizer.Tokenizer {
	f.tokMu.Lock()
	defer f.tokMu.Unlock()
	if f.tokens == nil {
		f.tokens = &tokenNames{}
		if dir := f.meta.Metadata[metaModel]; dir != "" {
			if _, err := os.Stat(filepath.Join(dir, "tokenizer.json")); err == nil {
				if tok, err := tokenizer.LoadDir(dir); err == nil {
					f.tokens.tok = tok
				}
			}
		}
	}
	return f.tokens.tok
}
