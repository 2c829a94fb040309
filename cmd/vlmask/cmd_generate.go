package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vlmask/vlmask/internal/run"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

func numTokensFlag(def int) cli.Flag {
	return &cli.IntFlag{Name: flagNumTokens, Aliases: []string{"n"}, Value: def, Category: catRun, EnvVars: envVar(flagNumTokens),
		Usage: "tokens to generate (for run: analysis steps; step 0 is the prompt); stops early at <|im_end|>/EOS"}
}

func (a *app) generateCommand() *cli.Command {
	return &cli.Command{
		Name:        "generate",
		Usage:       "greedy decoding with per-step top-5 probabilities (full softmax)",
		Description: "Example: vlmask generate --model ./Qwen3-VL-2B-Instruct --image cat.png --prompt 'What is this?' --num-tokens 20",
		Flags:       concatFlags(modelFlags(), []cli.Flag{numTokensFlag(16), jsonFlag("print JSON")}, runtimeFlags()),
		Action:      a.generate,
	}
}

// generationJSON is `vlmask generate --json`.
type generationJSON struct {
	InputIDs      []int      `json:"input_ids"`
	GeneratedIDs  []int      `json:"generated_ids"`
	GeneratedText string     `json:"generated_text"`
	StoppedAtEOS  bool       `json:"stopped_at_eos"`
	Steps         []stepJSON `json:"steps"`
}

type stepJSON struct {
	ID   int             `json:"id"`
	Text string          `json:"text"`
	Top5 []candidateJSON `json:"top5"`
}

type candidateJSON struct {
	ID   int     `json:"id"`
	Text string  `json:"text"`
	Prob float64 `json:"prob"`
}

func (a *app) generate(c *cli.Context) error {
	n := c.Int(flagNumTokens)
	if n < 1 {
		return usageErr("--num-tokens %d: must be at least 1", n)
	}
	s, err := a.openSession(c, false)
	if err != nil {
		return err
	}
	defer s.Close()
	in, err := prepare(c, s.proc)
	if err != nil {
		return err
	}
	an := &core.Analyzer{Model: s.model, GeneratedToken: run.GeneratedTokens(s.proc)}
	var bar progressObserver
	if a.progressEnabled(c) {
		bar.bar = newProgress(a.stderr, "")
		an.Observer = bar
	}
	res, err := an.Run(c.Context, run.AnalysisInput(in),
		core.Options{NumTokens: n, StopTokenIDs: s.proc.Config().StopTokenIDs()})
	bar.done()
	if err != nil {
		return withCode(ExitRuntime, err)
	}
	out := generationReport(s.proc.Tokenizer(), in, res)
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(a.stdout, "%s\n", out.GeneratedText)
	writeTop5(a, out.Steps)
	return nil
}

// generationReport turns a result into the JSON report.
func generationReport(tok *tokenizer.Tokenizer, in *processor.Result, res *core.Result) generationJSON {
	out := generationJSON{InputIDs: in.Prompt.IDs, GeneratedIDs: res.GeneratedIDs, GeneratedText: tok.Decode(res.GeneratedIDs), StoppedAtEOS: res.StoppedAtEOS}
	for _, st := range res.Steps {
		sj := stepJSON{ID: st.ID, Text: tok.DecodeToken(st.ID)}
		for _, cand := range st.Top5 {
			sj.Top5 = append(sj.Top5, candidateJSON{ID: cand.ID, Text: tok.DecodeToken(cand.ID), Prob: cand.Prob})
		}
		out.Steps = append(out.Steps, sj)
	}
	return out
}

// writeTop5 prints each step's top-5 on stdout.
func writeTop5(a *app, steps []stepJSON) {
	for i, st := range steps {
		var parts []string
		for _, cand := range st.Top5 {
			parts = append(parts, fmt.Sprintf("%q %.4f", cand.Text, cand.Prob))
		}
		fmt.Fprintf(a.stdout, "step %d: %s\n", i, strings.Join(parts, ", "))
	}
}

func concatFlags(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
