package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vlmask/vlmask/internal/run"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/sdk"
)

// analysisJob is the analysis of one prompt into one output file.
type analysisJob struct {
	app        *app
	session    *session
	strategy   sdk.MaskingStrategy
	metrics    []sdk.Metric
	input      *processor.Result
	settings   runSettings
	base       string // output path without extension
	promptName string
	command    string
	progress   bool
}

// summary is what a finished (or failed) job reports.
type summary struct {
	Name          string          `json:"name,omitempty"`
	Paths         []string        `json:"paths"`
	Rows          int64           `json:"rows"`
	Steps         int             `json:"steps"`
	Complete      bool            `json:"complete"`
	GeneratedText string          `json:"generated_text"`
	GeneratedIDs  []int           `json:"generated_ids"`
	StoppedAtEOS  bool            `json:"stopped_at_eos"`
	Top5          []candidateJSON `json:"first_step_top5"`
	Seconds       float64         `json:"seconds"`
	Error         string          `json:"error,omitempty"`
	Skipped       bool            `json:"skipped,omitempty"`
	// Recovered says what became of the temporary files a killed run of
	// the same output had left.
	Recovered []results.Recovery `json:"recovered,omitempty"`
}

// run analyses the prompt, streaming rows to the output files. On failure
// or interruption the rows already written are kept in a file marked
// incomplete; a failure before any row leaves no file.
func (j *analysisJob) run(ctx context.Context) (*summary, error) {
	start := time.Now()
	proc := j.session.proc
	an := &core.Analyzer{Model: j.session.model, Strategy: j.strategy, Metrics: j.metrics, GeneratedToken: run.GeneratedTokens(proc)}
	extra, err := an.ExtraColumns(ctx)
	if err != nil {
		return nil, withCode(ExitPlugin, err)
	}
	meta, err := j.metadata(ctx)
	if err != nil {
		return nil, err
	}
	w, err := results.Create(j.base, results.Options{Formats: j.settings.formats, MetricColumns: extra, Metadata: meta, Version: version,
		PlannedSteps: j.settings.opts.NumTokens})
	if err != nil {
		return nil, withCode(ExitOutput, err)
	}
	for _, r := range w.Recovered() {
		j.app.log.Warn(r.String())
	}
	an.Rows = w
	tracker := &stepTracker{w: w}
	if j.progress {
		tracker.progressObserver = progressObserver{bar: newProgress(j.app.stderr, j.promptName)}
	}
	an.Observer = tracker
	opts := j.settings.opts
	opts.StopTokenIDs = proc.Config().StopTokenIDs()
	opts.PromptName = j.promptName
	res, runErr := an.Run(ctx, run.AnalysisInput(j.input), opts)
	tracker.done()
	if runErr == nil {
		runErr = tracker.err
	}

	sum := &summary{Name: j.promptName, Seconds: time.Since(start).Seconds(), Recovered: w.Recovered()}
	if res != nil {
		sum.Steps, sum.GeneratedIDs, sum.StoppedAtEOS = len(res.Steps), res.GeneratedIDs, res.StoppedAtEOS
		sum.GeneratedText = proc.Tokenizer().Decode(res.GeneratedIDs)
		if len(res.Steps) > 0 {
			sum.Top5 = generationReport(proc.Tokenizer(), j.input, &core.Result{Steps: res.Steps[:1]}).Steps[0].Top5
		}
	}
	if runErr != nil && w.Rows() == 0 {
		w.Abort()
		sum.Error = runErr.Error()
		return sum, classifyRunError(runErr)
	}
	sum.Complete = runErr == nil
	_ = w.SetMetadata("vlmask.generated_text", sum.GeneratedText)
	ids, _ := json.Marshal(sum.GeneratedIDs)
	_ = w.SetMetadata("vlmask.generated_ids", string(ids))
	if err := w.SetProgress(sum.Steps, sum.Complete); err != nil {
		w.Abort()
		return sum, withCode(ExitOutput, err)
	}
	if err := w.Close(); err != nil {
		return sum, withCode(ExitOutput, err)
	}
	sum.Rows, sum.Paths = w.Rows(), w.Paths()
	if runErr != nil {
		sum.Error = runErr.Error()
		return sum, classifyRunError(fmt.Errorf("%w (the %d rows of the %d finished steps are kept in %s, marked incomplete; %d rows of the unfinished step dropped)",
			runErr, sum.Rows, sum.Steps, strings.Join(sum.Paths, ", "), w.Dropped()))
	}
	return sum, nil
}

// classifyRunError gives an analysis error its exit code.
func classifyRunError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if isPluginError(err) {
		return withCode(ExitPlugin, err)
	}
	return withCode(ExitRuntime, err)
}

// metadata is the run metadata stored with the results.
func (j *analysisJob) metadata(ctx context.Context) (map[string]string, error) {
	cfg := j.session.proc.Config()
	var plugins []string
	var origins []pluginhost.Origin
	used := []interface {
		Describe(context.Context) (sdk.Description, error)
	}{j.strategy}
	for _, m := range j.metrics {
		used = append(used, m)
	}
	for _, p := range used {
		d, err := p.Describe(ctx)
		if err != nil {
			return nil, withCode(ExitPlugin, err)
		}
		plugins = append(plugins, d.Name+"@"+d.Version)
		if o, ok := pluginhost.OriginOf(p); ok {
			origins = append(origins, o)
		}
	}
	originsJSON, err := json.Marshal(origins)
	if err != nil {
		return nil, err
	}
	var images []string
	for _, d := range j.input.ImageDetails {
		p := d.Path
		if abs, err := filepath.Abs(p); err == nil {
			p = abs // vlmask view finds the image from anywhere
		}
		images = append(images, p)
	}
	abs, _ := filepath.Abs(cfg.Dir)
	o := j.settings.opts
	grids := make([]results.Grid, len(j.input.Images))
	for i, im := range j.input.Images {
		grids[i] = results.Grid{Rows: im.GridRows, Cols: im.GridCols}
	}
	return map[string]string{
		results.MetaKeyNumLayers:        results.NumLayersValue(j.session.model.Spec().NumLayers),
		results.MetaKeyImageGrids:       results.ImageGridsValue(grids),
		"vlmask.version":                version,
		"vlmask.model":                  abs,
		"vlmask.model_type":             cfg.ModelType,
		"vlmask.onnxruntime":            j.session.rt.Version(),
		"vlmask.plugins":                strings.Join(plugins, ","),
		"vlmask.plugin_origins":         string(originsJSON), // each plugin's source, path and sha256
		"vlmask.command":                j.command,
		"vlmask.prompt_name":            j.promptName,
		"vlmask.prompt_rendered":        j.input.Rendered,
		"vlmask.images":                 strings.Join(images, ","),
		"vlmask.num_tokens":             strconv.Itoa(o.NumTokens),
		"vlmask.mask_mode":              j.settings.maskMode,
		"vlmask.method":                 string(o.Method),
		"vlmask.skip_per_head":          strconv.FormatBool(o.SkipPerHead),
		"vlmask.save_attention_weights": strconv.FormatBool(o.SaveAttentionWeights),
	}, nil
}

var _ core.StageObserver = (*stepTracker)(nil)

// stepTracker makes each finished step durable and drives the progress
// display.
type stepTracker struct {
	progressObserver
	w   *results.Writer
	err error
}

func (t *stepTracker) StepStarted(step, numSteps, seqLen int) {
	if step > 0 && t.err == nil {
		if t.err = t.w.SetProgress(step, false); t.err == nil {
			t.err = t.w.Flush()
		}
	}
	t.progressObserver.StepStarted(step, numSteps, seqLen)
}
