package main

import (
	"encoding/json"
	"errors"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/report"
	"github.com/vlmask/vlmask/core/results"
)

func (a *app) reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "summarise a results file: the most affected tokens per band of layers",
		ArgsUsage: "FILE.parquet|FILE.csv",
		Description: "Averages each token's (or group's) metric over the layers of each band and the analysed steps.\n" +
			"Flags go before the file. Example: vlmask report --variant Attn --top 10 output/vl_masking_results.parquet\n" +
			"A run with --effect ranks by the effect on the output: vlmask report --variant Effect_W1 --metric kl FILE",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "variant", Value: "Full", Usage: "variant to rank by: Full, Attn, Head_N, ..., or Effect_WK (a run --effect: the effect on the output, by start layer)"},
			&cli.StringFlag{Name: "metric", Usage: "l2_distance (default) or cosine_distance; for Effect_WK also kl (its default), dlogp (most negative first), tv, rank, argmax_changed or final_hidden_l2"},
			&cli.IntFlag{Name: "top", Value: 5, Usage: "entries per band"},
			&cli.IntFlag{Name: "bands", Value: 3, Usage: "layer bands (3: early, middle, late)"},
			jsonFlag("print JSON"),
		},
		Action: a.report,
	}
}

func (a *app) report(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("report takes one results file, after its flags (got %q)", c.Args().Slice())
	}
	if _, err := results.ReadMeta(c.Args().First()); err != nil && !errors.Is(err, results.ErrNoMetadata) {
		return withCode(ExitInput, err)
	}
	s, err := report.FromFile(c.Args().First(), report.Options{Variant: c.String("variant"), Metric: c.String("metric"), Top: c.Int("top"), Bands: c.Int("bands")})
	if errors.Is(err, report.ErrOutOfBounds) || errors.Is(err, results.ErrNotResults) {
		return withCode(ExitInput, err)
	}
	if err != nil {
		return usageErr("%s: %v", c.Args().First(), err)
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return s.Write(a.stdout)
}
