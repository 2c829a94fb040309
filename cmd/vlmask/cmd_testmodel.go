package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/internal/testmodel"
)

func (a *app) testmodelCommand() *cli.Command {
	return &cli.Command{
		Name:  "testmodel",
		Usage: "write a random-weight checkpoint in Hugging Face format (the embedded default model)",
		Description: "The tiny preset runs in seconds (make demo uses it); the others have a published model's real shapes, for benchmarks:\n" +
			presetsHelp() +
			"Random weights make analysis numbers meaningless: use it to try vlmask, not to study a model.\n" +
			"Example: vlmask testmodel --family qwen3_vl --preset tiny --seed 1 --out build/tiny-model",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "family", Value: testmodel.FamilyQwen3VL, Usage: "checkpoint family: " + strings.Join(testmodel.Families(), ", ")},
			&cli.StringFlag{Name: "preset", Value: testmodel.PresetTiny, Usage: "sizes: " + strings.Join(testmodel.Presets(), ", ") + " (which ones a family has: see above)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed of the weights"},
			&cli.IntFlag{Name: "layers", Usage: "override the preset's number of decoder layers"},
			&cli.IntFlag{Name: "vision-layers", Usage: "override the preset's number of vision tower blocks"},
			&cli.StringFlag{Name: "dtype", Value: testmodel.DTypeFloat32, Usage: "weights' dtype in the safetensors: float32 or bfloat16"},
			&cli.BoolFlag{Name: "no-vision", Usage: "leave out the vision tower's weights (text-only prompts still work)"},
			&cli.StringFlag{Name: "out", Usage: "directory to write (created; a previous testmodel output there is replaced)"},
		},
		Action: a.testmodel,
	}
}

// presetsHelp lists each family's presets, one line each.
func presetsHelp() string {
	var b strings.Builder
	for _, f := range testmodel.Families() {
		fmt.Fprintf(&b, "  %-11s %s\n", f, strings.Join(testmodel.PresetsFor(f), ", "))
	}
	return b.String()
}

func (a *app) testmodel(c *cli.Context) error {
	if c.String("out") == "" {
		return usageErr("testmodel needs --out DIR")
	}
	start := time.Now()
	opts := testmodel.Options{
		Family: c.String("family"), Preset: c.String("preset"), Seed: c.Uint64("seed"),
		Layers: c.Int("layers"), VisionLayers: c.Int("vision-layers"), DType: c.String("dtype"),
	}
	if c.Bool("no-vision") {
		off := false
		opts.Vision = &off
	}
	if err := testmodel.Generate(c.String("out"), opts); err != nil {
		if errors.Is(err, testmodel.ErrInvalidOptions) {
			return usageErr("%v", err)
		}
		return withCode(ExitOutput, err)
	}
	fmt.Fprintf(a.stdout, "wrote a random-weight %s checkpoint (%s preset, seed %d) to %s in %.1fs\n",
		opts.Family, opts.Preset, opts.Seed, c.String("out"), time.Since(start).Seconds())
	return nil
}
