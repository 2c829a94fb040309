package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/heatmap"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/imageproc"
)

func (a *app) viewCommand() *cli.Command {
	return &cli.Command{
		Name:      "view",
		Usage:     "draw a results file's image-token knockouts as heatmaps over the image (PNG)",
		ArgsUsage: "FILE.parquet|FILE.csv",
		Description: "Writes one PNG per image: a panel per layer, each merged-token cell coloured by its value\n" +
			"(averaged over the chosen steps) over the image as the model saw it. The image is found through\n" +
			"the run's metadata unless --image is given. Flags go before the file.\n" +
			"Example: vlmask view --variant Attn --step 0 output/vl_masking_results.parquet",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "image", Usage: "the analysed image (repeat for several, in order); default: from the run's metadata"},
			&cli.StringFlag{Name: "variant", Value: "Full", Usage: "variant to draw: Full, Attn, Head_N, AttentionWeight_Avg, ..."},
			&cli.StringFlag{Name: "value", Value: results.ColumnL2Distance, Usage: "column to draw: l2_distance, cosine_distance, attention_weight, an effect column of Effect_WK rows (kl, dlogp, tv, final_hidden_l2, rank, argmax_changed) or a metric column"},
			&cli.IntSliceFlag{Name: "step", Usage: "generation step to draw (repeatable); default: the mean over every step"},
			&cli.StringFlag{Name: "scale", Value: string(heatmap.ScaleLayer), Usage: "colour relative to each layer's max (layer) or to the max over all layers (shared)"},
			&cli.IntFlag{Name: "panel", Value: 192, Usage: "long side of one layer's panel, in pixels"},
			&cli.IntFlag{Name: "columns", Usage: "panels per row (default about √layers)"},
			&cli.StringFlag{Name: "out", Usage: "PNG to write (default FILE.heatmap.png; with several images .img<k> goes before .png)"},
			&cli.BoolFlag{Name: "per-step", Usage: "also write one PNG per step (.step<N> before .png), all on one colour scale"},
			&cli.BoolFlag{Name: "gif", Usage: "also write an animated GIF over the steps (.gif instead of .png), all on one colour scale"},
			&cli.DurationFlag{Name: "delay", Value: 800 * time.Millisecond, Usage: "how long the GIF shows each step"},
			jsonFlag("print what was written as JSON"),
		},
		Action: a.view,
	}
}

// maxImageBytes bounds an image file view reads, whether named by --image
// or by the results file's metadata.
const maxImageBytes = 256 << 20

// viewed is what view reports for one image.
type viewed struct {
	// Status is empty for a complete run, else what the file holds
	// ("incomplete: 2 of 5 steps").
	Status string `json:"status,omitempty"`
	Image  int    `json:"image"`
	Source string `json:"source,omitempty"`
	Path   string `json:"path"`
	Rows   int    `json:"grid_rows"`
	Cols   int    `json:"grid_cols"`
	Layers int    `json:"layers"`
	Steps  []int  `json:"steps"`
	// StepPaths and GIF are the per-step PNGs and the animation, when asked for.
	StepPaths []string `json:"step_paths,omitempty"`
	GIF       string   `json:"gif,omitempty"`
}

func (a *app) view(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("view takes one results file, after its flags (got %q)", c.Args().Slice())
	}
	file := c.Args().First()
	if _, err := results.ReadMeta(file); err != nil && !errors.Is(err, results.ErrNoMetadata) {
		return withCode(ExitInput, err)
	}
	maps, meta, err := heatmap.FromFile(file, heatmap.Options{
		Variant: c.String("variant"), Value: c.String("value"), Steps: c.IntSlice("step"),
	})
	if status := meta.Status(); status != "" && meta.Format != "" {
		a.log.Warn(status, "file", file)
	}
	if errors.Is(err, heatmap.ErrOutOfBounds) || errors.Is(err, results.ErrNotResults) {
		return withCode(ExitInput, fmt.Errorf("%s: %w", file, err))
	}
	if errors.Is(err, heatmap.ErrNoImageRows) {
		return withCode(ExitInput, fmt.Errorf("%s: %w (a text-only run, --mask-mode text, or a strategy that groups image tokens)", file, err))
	}
	if err != nil {
		return usageErr("%s: %v", file, err)
	}
	scale := heatmap.Scale(c.String("scale"))
	if scale != heatmap.ScaleLayer && scale != heatmap.ScaleShared {
		return usageErr("--scale %q: want %s or %s", scale, heatmap.ScaleLayer, heatmap.ScaleShared)
	}
	sources, err := imageSources(c.StringSlice("image"), meta)
	if err != nil {
		return withCode(ExitInput, fmt.Errorf("%s: %w", file, err))
	}
	var steps []int
	var perStep [][]heatmap.ImageMaps
	if c.Bool("per-step") || c.Bool("gif") {
		if steps, perStep, err = heatmap.PerStepFromFile(file, heatmap.Options{
			Variant: c.String("variant"), Value: c.String("value"), Steps: c.IntSlice("step"),
		}); err != nil {
			return usageErr("%s: %v", file, err)
		}
	}
	var out []viewed
	for mi, m := range maps {
		v := viewed{Status: meta.Status(), Image: m.Image, Path: heatmapPath(file, c.String("out"), m.Image, len(maps)), Rows: m.Rows, Cols: m.Cols, Layers: len(m.Layers), Steps: m.Steps}
		var img *imageproc.RGB
		if m.Image < len(sources) {
			v.Source = sources[m.Image]
			if img, err = decodeImage(v.Source); err != nil {
				if !c.IsSet("image") {
					err = fmt.Errorf("%w (pass the analysed image with --image)", err)
				}
				return withCode(ExitInput, err)
			}
		} else {
			a.log.Warn("image not known: drawing the heatmap over grey", "image", m.Image, "file", file)
		}
		title := fmt.Sprintf("%s  image %d (%dx%d tokens)\n%s %s, %s, colour scale: %s",
			filepath.Base(file), m.Image, m.Rows, m.Cols, c.String("variant"), c.String("value"), stepsLabel(m.Steps), scale)
		if status := meta.Status(); status != "" {
			title += "\n" + strings.ToUpper(status[:1]) + status[1:]
		}
		sheet, err := heatmap.Draw(img, m, heatmap.Style{Panel: c.Int("panel"), Columns: c.Int("columns"), Scale: scale, Title: title})
		if err != nil {
			return usageErr("%v", err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, sheet); err != nil {
			return withCode(ExitOutput, fmt.Errorf("encode %s: %w", v.Path, err))
		}
		if err := results.WriteFileAtomic(v.Path, buf.Bytes()); err != nil {
			return withCode(ExitOutput, err)
		}
		if perStep != nil {
			if err := viewSteps(c, &v, img, perStep, mi, steps, scale, strings.SplitN(title, "\n", 2)[0]); err != nil {
				return err
			}
		}
		out = append(out, v)
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if status := meta.Status(); status != "" {
		fmt.Fprintln(a.stdout, status)
	}
	for _, v := range out {
		fmt.Fprintf(a.stdout, "image %d: %d layers of %dx%d tokens, %s → %s\n", v.Image, v.Layers, v.Rows, v.Cols, stepsLabel(v.Steps), v.Path)
		for _, p := range append(v.StepPaths, v.GIF) {
			if p != "" {
				fmt.Fprintf(a.stdout, "  → %s\n", p)
			}
		}
	}
	return nil
}

// viewSteps writes image mi's per-step PNGs and/or GIF next to v.Path.
func viewSteps(c *cli.Context, v *viewed, img *imageproc.RGB, perStep [][]heatmap.ImageMaps, mi int, steps []int, scale heatmap.Scale, head string) error {
	frames := make([]heatmap.ImageMaps, len(perStep))
	for i := range perStep {
		frames[i] = perStep[i][mi]
	}
	sheets, err := heatmap.DrawSteps(img, frames, heatmap.Style{Panel: c.Int("panel"), Columns: c.Int("columns"), Scale: scale},
		func(f heatmap.ImageMaps) string {
			return fmt.Sprintf("%s\n%s %s, %s, colour scale: %s, shared by all steps", head, c.String("variant"), c.String("value"), stepsLabel(f.Steps), scale)
		})
	if err != nil {
		return usageErr("%v", err)
	}
	ext := filepath.Ext(v.Path)
	for i, sheet := range sheets {
		if !c.Bool("per-step") {
			break
		}
		var buf bytes.Buffer
		p := fmt.Sprintf("%s.step%d%s", strings.TrimSuffix(v.Path, ext), steps[i], ext)
		if err := png.Encode(&buf, sheet); err != nil {
			return withCode(ExitOutput, fmt.Errorf("encode %s: %w", p, err))
		}
		if err := results.WriteFileAtomic(p, buf.Bytes()); err != nil {
			return withCode(ExitOutput, err)
		}
		v.StepPaths = append(v.StepPaths, p)
	}
	if c.Bool("gif") {
		var buf bytes.Buffer
		v.GIF = strings.TrimSuffix(v.Path, ext) + ".gif"
		if err := heatmap.EncodeGIF(&buf, sheets, c.Duration("delay")); err != nil {
			return withCode(ExitOutput, fmt.Errorf("encode %s: %w", v.GIF, err))
		}
		if err := results.WriteFileAtomic(v.GIF, buf.Bytes()); err != nil {
			return withCode(ExitOutput, err)
		}
	}
	return nil
}

// imageSources are the analysed images: --image when given, else the paths
// the run recorded in its metadata (checked to exist).
func imageSources(flag []string, meta results.Meta) ([]string, error) {
	if len(flag) > 0 {
		return flag, nil
	}
	paths, err := meta.Images()
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("the run's image %q is not there (%v): pass it with --image", p, err)
		}
	}
	return paths, nil
}

// decodeImage reads an image through results.OpenRegular: a regular file
// of at most maxImageBytes, never a FIFO or device a crafted results file
// might name.
func decodeImage(path string) (*imageproc.RGB, error) {
	f, err := results.OpenRegular(path, maxImageBytes)
	if err != nil {
		return nil, fmt.Errorf("image %w", err)
	}
	defer f.Close()
	return imageproc.Decode(io.LimitReader(f, maxImageBytes), path)
}

// heatmapPath is where image k's sheet goes.
func heatmapPath(resultsPath, out string, k, images int) string {
	if out == "" {
		out = strings.TrimSuffix(resultsPath, filepath.Ext(resultsPath)) + ".heatmap.png"
	}
	if images == 1 {
		return out
	}
	ext := filepath.Ext(out)
	return fmt.Sprintf("%s.img%d%s", strings.TrimSuffix(out, ext), k, ext)
}

// stepsLabel describes the averaged steps.
func stepsLabel(steps []int) string {
	switch {
	case len(steps) == 1:
		return fmt.Sprintf("step %d", steps[0])
	case len(steps) > 1 && steps[len(steps)-1]-steps[0] == len(steps)-1:
		return fmt.Sprintf("mean of steps %d-%d", steps[0], steps[len(steps)-1])
	default:
		return fmt.Sprintf("mean of steps %v", steps)
	}
}
