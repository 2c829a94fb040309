package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/internal/run"
)

func (a *app) generateCommand() *cli.Command {
	return &cli.Command{
		Name:        "generate",
		Usage:       "greedy decoding with per-step top-5 probabilities (full softmax)",
		Description: "Example: vlmask generate --model ./Qwen3-VL-2B-Instruct --image cat.png --prompt 'What is this?' --num-tokens 20",
		Flags:       concatFlags(modelFlags(), []cli.Flag{numTokensFlag(16), allowLongFlag(), jsonFlag("print JSON")}, runtimeFlags()),
		Action:      a.generate,
	}
}

func (a *app) generate(c *cli.Context) error {
	n := c.Int(flagNumTokens)
	if n < 1 {
		return usageErr("--num-tokens %d: must be at least 1", n)
	}
	text, err := a.promptText(c)
	if err != nil {
		return err
	}
	cfg, err := a.sessionConfig(c, c.String(flagModel))
	if err != nil {
		return err
	}
	in, err := prepareFor(c, &cfg, text, n, nil)
	if err != nil {
		return err
	}
	s, err := a.openSession(c, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	obs := a.observer(c, "")
	out, err := s.Generate(c.Context, in, n, obs)
	obs.done()
	if err != nil {
		return err
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(a.stdout, "%s\n", out.GeneratedText)
	for i, st := range out.Steps {
		fmt.Fprintf(a.stdout, "step %d: %s\n", i, candidates(st.Top5))
	}
	return nil
}

// candidates lists tokens with their probabilities on one line.
func candidates(top []run.Candidate) string {
	var parts []string
	for _, cand := range top {
		parts = append(parts, fmt.Sprintf("%q %.4f", cand.Text, cand.Prob))
	}
	return strings.Join(parts, ", ")
}
