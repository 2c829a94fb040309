package run

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/sdk"
)

// Summary is what a finished (or failed) analysis reports.
type Summary struct {
	Name          string      `json:"name,omitempty"`
	Paths         []string    `json:"paths"`
	Rows          int64       `json:"rows"`
	Steps         int         `json:"steps"`
	Complete      bool        `json:"complete"`
	GeneratedText string      `json:"generated_text"`
	GeneratedIDs  []int       `json:"generated_ids"`
	StoppedAtEOS  bool        `json:"stopped_at_eos"`
	Top5          []Candidate `json:"first_step_top5"`
	Seconds       float64     `json:"seconds"`
	Error         string      `json:"error,omitempty"`
	Skipped       bool        `json:"skipped,omitempty"`
	// Redone says why --resume ran a prompt whose output was there.
	Redone string `json:"redone,omitempty"`
	// Recovered says what became of the temporary files a killed run of
	// the same output had left.
	Recovered []results.Recovery `json:"recovered,omitempty"`
	// NotReplaced are output paths that held files the run must not
	// replace (an interrupted run never replaces a complete file); Paths
	// are beside them.
	NotReplaced []string `json:"not_replaced,omitempty"`
}

// Candidate is one of a step's most likely next tokens.
type Candidate struct {
	ID   int     `json:"id"`
	Text string  `json:"text"`
	Prob float64 `json:"prob"`
}

// Analyze runs the knockout analysis of a prepared prompt into the files
// at base (plus each format's extension), streaming rows as each layer
// finishes. obs hears progress (nil: nothing). On failure or interruption
// the rows of the finished steps are kept in a file marked incomplete; a
// failure before any row leaves no file.
func (s *Session) Analyze(ctx context.Context, in *processor.Result, name, base string, set Settings, obs core.Observer) (*Summary, error) {
	start := time.Now()
	if err := set.Validate(); err != nil {
		return nil, err
	}
	set.EffectWindows = slices.Compact(slices.Sorted(slices.Values(set.EffectWindows)))
	if err := s.checkLength(in, set.NumTokens); err != nil {
		return nil, err
	}
	if err := s.checkPrompt(&Workload{Input: in, Steps: set.NumTokens, Analysis: &set}); err != nil {
		return nil, err
	}
	plugins, err := s.plugins(ctx, set)
	if err != nil {
		return nil, err
	}
	an := &core.Analyzer{Model: s.model, Strategy: plugins.strategy, Metrics: plugins.metrics, GeneratedToken: GeneratedTokens(s.proc)}
	extra, err := an.ExtraColumns(ctx)
	if err != nil {
		return nil, withKind(KindPlugin, err)
	}
	meta, err := s.metadata(ctx, in, name, set, plugins)
	if err != nil {
		return nil, err
	}
	if meta[results.MetaKeyInputsSHA256], err = s.fingerprint(in, set); err != nil {
		return nil, err
	}
	w, err := results.Create(base, results.Options{Formats: set.Formats, MetricColumns: extra, Metadata: meta, Version: s.cfg.Version,
		PlannedSteps: set.NumTokens, Replace: set.Replace, Effect: len(set.EffectWindows) > 0})
	if err != nil {
		return nil, outputError(err)
	}
	for _, r := range w.Recovered() {
		s.log.Warn(r.String())
	}
	an.Rows = w
	tracker := &stepTracker{w: w, inner: obs}
	an.Observer = tracker
	opts := core.Options{
		NumTokens: set.NumTokens, Method: set.Method, SkipPerHead: set.SkipPerHead,
		SaveAttentionWeights: set.SaveAttentionWeights,
		StopTokenIDs:         s.proc.Config().StopTokenIDs(), PromptName: name,
		EffectWindows: set.EffectWindows,
	}
	res, runErr := an.Run(ctx, AnalysisInput(in), opts)
	if runErr == nil {
		runErr = tracker.err
	}

	sum := &Summary{Name: name, Seconds: time.Since(start).Seconds(), Recovered: w.Recovered()}
	if res != nil {
		sum.Steps, sum.GeneratedIDs, sum.StoppedAtEOS = len(res.Steps), res.GeneratedIDs, res.StoppedAtEOS
		sum.GeneratedText = s.proc.Tokenizer().Decode(res.GeneratedIDs)
		if len(res.Steps) > 0 {
			sum.Top5 = s.candidates(res.Steps[0].Top5)
		}
	}
	if runErr != nil && w.Rows() == 0 {
		w.Abort()
		sum.Error = runErr.Error()
		if Interrupted(runErr) {
			return sum, interruptedEarly()
		}
		return sum, classifyRunError(runErr)
	}
	sum.Complete = runErr == nil
	_ = w.SetMetadata(results.MetaKeyGeneratedText, sum.GeneratedText)
	ids, _ := json.Marshal(sum.GeneratedIDs)
	_ = w.SetMetadata(results.MetaKeyGeneratedIDs, string(ids))
	if err := w.SetProgress(sum.Steps, sum.Complete); err != nil {
		w.Abort()
		return sum, withKind(KindOutput, err)
	}
	if err := w.Close(); err != nil {
		return sum, withKind(KindOutput, err)
	}
	sum.Rows, sum.Paths, sum.NotReplaced = w.Rows(), w.Paths(), w.NotReplaced()
	if len(sum.NotReplaced) > 0 {
		s.log.Warn("results written beside the files already there, which are kept", "kept", strings.Join(sum.NotReplaced, ", "), "written", strings.Join(sum.Paths, ", "))
	}
	if runErr != nil {
		err := stopped(runErr, sum, set.NumTokens, w.Dropped())
		sum.Error = err.Error()
		return sum, err
	}
	return sum, nil
}

// candidates turns a step's top tokens into Candidates with their text.
func (s *Session) candidates(top []core.Candidate) []Candidate {
	out := make([]Candidate, len(top))
	for i, c := range top {
		out[i] = Candidate{ID: c.ID, Text: s.proc.Tokenizer().DecodeToken(c.ID), Prob: c.Prob}
	}
	return out
}

// classifyRunError gives an analysis error its kind.
func classifyRunError(err error) error {
	if Interrupted(err) {
		return err
	}
	if IsPluginError(err) {
		return withKind(KindPlugin, err)
	}
	return withKind(KindRuntime, err)
}

// metadata is the run metadata stored with the results.
func (s *Session) metadata(ctx context.Context, in *processor.Result, name string, set Settings, plugins pluginChoice) (map[string]string, error) {
	cfg := s.proc.Config()
	var names []string
	var origins []pluginhost.Origin
	used := []interface {
		Describe(context.Context) (sdk.Description, error)
	}{plugins.strategy}
	for _, m := range plugins.metrics {
		used = append(used, m)
	}
	for _, p := range used {
		d, err := p.Describe(ctx)
		if err != nil {
			return nil, withKind(KindPlugin, err)
		}
		names = append(names, d.Name+"@"+d.Version)
		if o, ok := pluginhost.OriginOf(p); ok {
			origins = append(origins, o)
		}
	}
	originsJSON, err := json.Marshal(origins)
	if err != nil {
		return nil, err
	}
	grids := make([]results.Grid, len(in.Images))
	for i, im := range in.Images {
		grids[i] = results.Grid{Rows: im.GridRows, Cols: im.GridCols}
	}
	var images []string
	for _, d := range in.ImageDetails {
		p := d.Path
		if abs, err := filepath.Abs(p); err == nil {
			p = abs // vlmask view finds the image from anywhere
		}
		images = append(images, p)
	}
	abs, _ := filepath.Abs(cfg.Dir)
	meta := map[string]string{
		results.MetaKeyNumLayers:            results.NumLayersValue(s.model.Spec().NumLayers),
		results.MetaKeyImageGrids:           results.ImageGridsValue(grids),
		results.MetaKeyPluginOrigins:        string(originsJSON),
		results.MetaKeyVersion:              s.cfg.Version,
		results.MetaKeyModel:                abs,
		results.MetaKeyModelType:            cfg.ModelType,
		results.MetaKeyONNXRuntime:          s.rt.Version(),
		results.MetaKeyPlugins:              strings.Join(names, ","),
		results.MetaKeyCommand:              set.Command,
		results.MetaKeyPromptName:           name,
		results.MetaKeyPromptRendered:       in.Rendered,
		results.MetaKeyImages:               results.ImagesValue(images),
		results.MetaKeyNumTokens:            strconv.Itoa(set.NumTokens),
		results.MetaKeyMaskMode:             set.MaskMode,
		results.MetaKeyMethod:               string(set.Method),
		results.MetaKeySkipPerHead:          strconv.FormatBool(set.SkipPerHead),
		results.MetaKeySaveAttentionWeights: strconv.FormatBool(set.SaveAttentionWeights),
	}
	if len(set.EffectWindows) > 0 {
		meta[results.MetaKeyEffectWindows] = results.EffectWindowsValue(set.EffectWindows)
	}
	for k, v := range set.Metadata {
		if _, taken := meta[k]; taken {
			return nil, usage("extra metadata key %q is one the run records itself", k)
		}
		meta[k] = v
	}
	return meta, nil
}

var _ core.StageObserver = (*stepTracker)(nil)

// stepTracker makes each finished step durable and passes events on to the
// caller's observer.
type stepTracker struct {
	w     *results.Writer
	inner core.Observer
	err   error
}

func (t *stepTracker) StepStarted(step, numSteps, seqLen int) {
	if step > 0 && t.err == nil {
		if t.err = t.w.SetProgress(step, false); t.err == nil {
			t.err = t.w.Flush()
		}
	}
	if t.inner != nil {
		t.inner.StepStarted(step, numSteps, seqLen)
	}
}

func (t *stepTracker) LayerDone(step, layer, numLayers int) {
	if t.inner != nil {
		t.inner.LayerDone(step, layer, numLayers)
	}
}

var _ core.EffectObserver = (*stepTracker)(nil)

func (t *stepTracker) EffectLayerDone(step, layer, numLayers int) {
	if eo, ok := t.inner.(core.EffectObserver); ok {
		eo.EffectLayerDone(step, layer, numLayers)
	}
}

func (t *stepTracker) Stage(what string) {
	if so, ok := t.inner.(core.StageObserver); ok {
		so.Stage(what)
	}
}
