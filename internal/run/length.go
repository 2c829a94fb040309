package run

import (
	"errors"
	"fmt"

	"github.com/vlmask/vlmask/hf/processor"
)

// ErrTooLong reports a prompt and step count that need more positions than
// the model's max_position_embeddings: the model was never trained on such
// positions, and its numbers there mean little.
var ErrTooLong = errors.New("longer than the model's max_position_embeddings")

// PositionsNeeded is how many positions a run of steps steps over the
// prompt uses: one more than the largest position id the model sees. Step
// k feeds the prompt and k generated tokens, so the last step feeds
// steps−1 generated tokens, the last at cache position len(IDs)+steps−2
// with position id that plus RopeDelta. With 1-D positions this is the
// prompt's tokens — text and image — plus steps−1; MRoPE gives an image's
// tokens fewer positions than tokens.
func PositionsNeeded(p *processor.Input, steps int) int {
	last := int64(-1)
	for _, row := range p.Positions {
		for _, v := range row {
			last = max(last, v)
		}
	}
	if last < 0 { // no position ids given: 0 … len(IDs)−1
		last = int64(len(p.IDs)) - 1
	}
	if steps > 1 {
		last = max(last, int64(len(p.IDs)+steps-2)+p.RopeDelta)
	}
	return int(last) + 1
}

// checkLength refuses a prompt and step count beyond the model's
// max_position_embeddings (KindInput), or with Config.AllowLongContext
// only warns.
func (s *Session) checkLength(in *processor.Result, steps int) error {
	limit := s.proc.Config().Text.MaxPositionEmbeddings
	need := PositionsNeeded(in.Prompt, steps)
	if limit <= 0 || need <= limit {
		return nil
	}
	image := 0
	for _, im := range in.Images {
		image += im.NumTokens
	}
	err := fmt.Errorf("the prompt's %d tokens (%d of them image tokens) and %d steps need %d positions, %w (%d)",
		len(in.Prompt.IDs), image, steps, need, ErrTooLong, limit)
	if s.cfg.AllowLongContext {
		s.log.Warn("--allow-long-context: "+err.Error()+"; the values at the later positions are the model's extrapolation", "positions", need, "max_position_embeddings", limit)
		return nil
	}
	return withKind(KindInput, fmt.Errorf("%w: shorten the prompt, ask for fewer --num-tokens or smaller images (--max-image-resolution), or pass --allow-long-context to run anyway", err))
}
