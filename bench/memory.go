package main

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vlmask/vlmask/internal/testmodel"
)

// errUnsupportedPlatform: the platform does not report a process's peak
// memory.
var errUnsupportedPlatform = errors.New("not reported on this platform")

// memoryRun is one vlmask command whose peak resident memory is measured.
type memoryRun struct {
	name string
	args []string // after --model and --image
}

// memoryScenarios are the commands measured at every image size: a plain
// forward pass (generate one token), the knockout of every token, the
// propagated knockout of every token, and the brute-force method (text
// tokens only: it reruns each layer over the whole sequence per token).
func memoryScenarios(out string) []memoryRun {
	run := func(extra ...string) []string {
		return append([]string{"run", "--prompt", "Describe this image.", "--num-tokens", "1", "--output", out, "--force"}, extra...)
	}
	return []memoryRun{
		{"forward", []string{"generate", "--prompt", "Describe this image.", "--num-tokens", "1"}},
		{"knockout", run("--mask-mode", "both")},
		{"effect", run("--mask-mode", "both", "--effect", "--skip-per-head")},
		{"recompute", run("--mask-mode", "text", "--method", "recompute")},
	}
}

// benchMemory measures the peak resident memory (the process's maximum
// RSS) of each memoryScenarios command at each image side, as separate
// vlmask processes, on a random-weight model with Qwen3-VL-2B's shapes, a
// few decoder layers and vision blocks (the transient memory is one
// layer's or block's, whatever the depth; the weights are reported
// alongside so the overhead reads in bytes too), and the speed of a
// bfloat16 checkpoint whose weights stay half-size against the same
// checkpoint converted to float32.
func benchMemory(vlmask string, layers, visionLayers, recomputeMax int, sides []int) ([]scenario, error) {
	dir, err := os.MkdirTemp("", "vlmask-bench-memory-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	model := filepath.Join(dir, "model")
	fmt.Fprintf(os.Stderr, "generating a random Qwen3-VL-2B-shaped model with %d decoder layers and %d vision blocks…\n", layers, visionLayers)
	opts := testmodel.Options{Family: "qwen3_vl", Preset: "2b", Seed: 1, Layers: layers, VisionLayers: visionLayers}
	weights, err := generateModel(model, opts)
	if err != nil {
		return nil, err
	}
	var out []scenario
	for _, side := range sides {
		img := filepath.Join(dir, fmt.Sprintf("image%d.png", side))
		if err := writeNoiseImage(img, side); err != nil {
			return nil, err
		}
		for _, sc := range memoryScenarios(filepath.Join(dir, "out")) {
			if sc.name == "recompute" && side > recomputeMax {
				continue
			}
			fmt.Fprintf(os.Stderr, "peak memory: %s, %d×%d image…\n", sc.name, side, side)
			peak, secs, err := peakRSS(vlmask, append([]string{sc.args[0], "--model", model, "--image", img}, sc.args[1:]...)...)
			if err != nil {
				return nil, fmt.Errorf("%s at %d×%d: %w", sc.name, side, side, err)
			}
			out = append(out, scenario{Name: fmt.Sprintf("memory_%s_%d", sc.name, side), Layers: layers, Runs: 1, MedianSeconds: secs,
				Ratios:  map[string]float64{"peak_rss_over_weights": float64(peak) / float64(weights)},
				Figures: map[string]float64{"peak_rss_gb": gb(peak), "weights_gb": gb(weights), "overhead_gb": gb(peak - weights)},
				Note:    fmt.Sprintf("vlmask %s, %d×%d image, peak RSS of the process", sc.args[0], side, side)})
		}
	}

	// bfloat16 weights kept half-size (cast per layer) against converted.
	half := filepath.Join(dir, "model-bf16")
	opts.DType = testmodel.DTypeBFloat16
	halfBytes, err := generateModel(half, opts)
	if err != nil {
		return nil, err
	}
	img := filepath.Join(dir, fmt.Sprintf("image%d.png", sides[0]))
	timed := map[string][2]float64{}
	for _, w := range []string{"float32", "checkpoint"} {
		fmt.Fprintf(os.Stderr, "bfloat16 checkpoint, --weights-dtype %s…\n", w)
		peak, secs, err := peakRSS(vlmask, "run", "--model", half, "--image", img, "--prompt", "Describe this image.", "--num-tokens", "2",
			"--mask-mode", "both", "--weights-dtype", w, "--output", filepath.Join(dir, "out"), "--force")
		if err != nil {
			return nil, fmt.Errorf("--weights-dtype %s: %w", w, err)
		}
		timed[w] = [2]float64{secs, gb(peak)}
	}
	conv, kept := timed["float32"], timed["checkpoint"]
	out = append(out, scenario{Name: "memory_bf16_weights_kept_half", Layers: layers, Runs: 1, MedianSeconds: kept[0],
		Ratios: map[string]float64{"kept_half_over_float32_time": kept[0] / conv[0], "kept_half_over_float32_peak": kept[1] / conv[1]},
		Figures: map[string]float64{"float32_s": conv[0], "float32_peak_rss_gb": conv[1], "kept_half_peak_rss_gb": kept[1],
			"checkpoint_gb": gb(halfBytes)},
		Note: fmt.Sprintf("vlmask run, 2 steps, mask both, %d×%d image, on a bfloat16 checkpoint: --weights-dtype checkpoint (half-size, "+
			"cast to float32 per layer) against float32 (converted at load), whole process", sides[0], sides[0])})
	return out, nil
}

// generateModel writes a random-weight checkpoint and returns its weights'
// bytes.
func generateModel(dir string, opts testmodel.Options) (int64, error) {
	plan, err := testmodel.NewPlan(opts)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := testmodel.Generate(dir, opts); err != nil {
		return 0, err
	}
	return plan.WeightBytes(), nil
}

// writeNoiseImage writes a side×side PNG of random pixels.
func writeNoiseImage(path string, side int) error {
	rng := rand.New(rand.NewPCG(uint64(side), 2))
	im := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			im.Set(x, y, color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, im); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// peakRSS runs vlmask with args and returns its peak resident memory in
// bytes and its wall time.
func peakRSS(vlmask string, args ...string) (int64, float64, error) {
	cmd := exec.Command(vlmask, args...)
	cmd.Env = append(os.Environ(), "VLMASK_LOG=warn")
	stderr := &tailBuffer{}
	cmd.Stderr = stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %w: %s", vlmask, err, stderr.String())
	}
	secs := time.Since(start).Seconds()
	peak, ok := maxRSS(cmd.ProcessState)
	if !ok {
		return 0, secs, fmt.Errorf("peak memory of a process: %w", errUnsupportedPlatform)
	}
	return peak, secs, nil
}

// tailBuffer keeps the last 2 KB written to it (a failed command's
// message).
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

func gb(b int64) float64 { return float64(b) / 1e9 }

// parseSides reads a comma-separated list of image sides.
func parseSides(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 32 {
			return nil, fmt.Errorf("image side %q: want a number of pixels of at least 32", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no image sides in %q", s)
	}
	return out, nil
}
