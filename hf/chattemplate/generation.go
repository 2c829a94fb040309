package chattemplate

import (
	"fmt"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// generationBlock is transformers' {% generation %}...{% endgeneration %}
// (its AssistantTracker extension), which marks the assistant's tokens for
// return_assistant_tokens_mask. Rendering text, it only renders its body,
// as transformers does; LLaVA's template uses it.
type generationBlock struct {
	location *tokens.Token
	wrapper  *nodes.Wrapper
}

var _ exec.ControlStructure = (*generationBlock)(nil)

func (g *generationBlock) Position() *tokens.Token { return g.location }

func (g *generationBlock) String() string {
	return fmt.Sprintf("GenerationControlStructure(Line=%d Col=%d)", g.location.Line, g.location.Col)
}

func (g *generationBlock) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	return r.ExecuteWrapper(g.wrapper)
}

// parseGeneration parses {% generation %}, which takes no arguments, up to
// its {% endgeneration %}.
func parseGeneration(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	block := &generationBlock{location: p.Current()}
	wrapper, endArgs, err := p.WrapUntil("endgeneration")
	if err != nil {
		return nil, err
	}
	if !args.End() || !endArgs.End() {
		return nil, args.Error("generation takes no arguments", nil)
	}
	block.wrapper = wrapper
	return block, nil
}

// controlStructures returns gonja's control structures plus generation, in
// a set of their own (gonja's shared set is never modified).
func controlStructures() *exec.ControlStructureSet {
	return exec.NewControlStructureSet(map[string]parser.ControlStructureParser{
		"generation": parseGeneration,
	}).Update(builtins.ControlStructures)
}
