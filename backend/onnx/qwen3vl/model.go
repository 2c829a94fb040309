package qwen3vl

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"sync"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// Options configure Load.
type Options struct {
	// DType is the compute dtype: graph.Float32 (default) or graph.Float64
	// (CPU only; for exactness checks).
	DType graph.DType
	// Session carries the execution provider and threading; IntraOpThreads
	// defaults to the number of CPUs. On a Runtime with a shared thread
	// pool (ort.LoadOptions.SharedThreads) every session uses it.
	Session ort.SessionOptions
	// Recompute also builds the brute-force recompute sessions
	// (LayerProbe.Recompute).
	Recompute bool
	// Progress, when set, hears how many of the model's sessions exist so
	// far (done of total), after each one is created: the slow part of a
	// load.
	Progress func(done, total int)
}

// sessionConfig returns the session configuration entries of the model's
// sessions: the caller's, over idle thread-pool workers that sleep instead
// of spinning. It matters on a Runtime without a shared pool (the shared
// one never spins): there the sessions run one after another, each with its
// own pool, and pools spinning for work took the cores the running session
// needed — a decode step ran twice as slow on two cores.
func sessionConfig(caller map[string]string) map[string]string {
	config := map[string]string{
		"session.intra_op.allow_spinning": "0",
		"session.inter_op.allow_spinning": "0",
	}
	maps.Copy(config, caller)
	return config
}

// Model is a loaded Qwen3-VL or Qwen3 checkpoint. It implements core.Model.
type Model struct {
	rt     *ort.Runtime
	cfg    *checkpoint.Config
	set    *safetensors.Set
	ws     *weightStore
	dt     graph.DType
	text   textDims
	vision *visionDims // nil for text-only checkpoints

	embed    []float32 // [vocab, hidden]
	posTable []float32 // vision position embeddings [numPos, hidden]
	invFreq  []float32
	section  []int
	interlv  bool

	lmHead string // the unembedding tensor's name (embed_tokens when tied)

	layers, tails, recomputes []*ort.Session
	head, visionSess          *ort.Session

	closeOnce sync.Once
	closeErr  error
}

var _ core.Model = (*Model)(nil)

// Families lists the model_type values this package runs.
func Families() []checkpoint.Family { return []checkpoint.Family{checkpoint.Qwen3VL, checkpoint.Qwen3} }

// Load reads the checkpoint in dir and builds every session. Shapes are
// checked against config.json and the memory the converted weights need
// against what the machine has, before any session runs.
func Load(rt *ort.Runtime, dir string, opts Options) (*Model, error) {
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	if cfg.Family != checkpoint.Qwen3VL && cfg.Family != checkpoint.Qwen3 {
		return nil, fmt.Errorf("load %s: model_type %q: this backend runs %v: %w", dir, cfg.ModelType, Families(), ErrUnsupported)
	}
	if opts.DType == 0 {
		opts.DType = graph.Float32
	}
	if opts.DType == graph.Float64 && opts.Session.OptimizationLevel == ort.OptimizeAll {
		// ORT's extended fusions (e.g. x·sigmoid(x) into QuickGelu) have
		// float32 kernels only.
		opts.Session.OptimizationLevel = ort.OptimizeBasic
	}
	if opts.Session.Device.Kind == ort.CUDA {
		// TF32 matmuls would cost ~3 decimal digits: keep float32 exact, as
		// the golden tolerance assumes.
		cuda := map[string]string{"use_tf32": "0"}
		for k, v := range opts.Session.CUDAOptions {
			cuda[k] = v
		}
		opts.Session.CUDAOptions = cuda
	}
	if opts.Session.IntraOpThreads == 0 {
		opts.Session.IntraOpThreads = runtime.NumCPU()
	}
	if rt.SharedThreads() > 0 {
		opts.Session.SharedThreads = true
	}
	opts.Session.Config = sessionConfig(opts.Session.Config)
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	m := &Model{rt: rt, cfg: cfg, set: set, dt: opts.DType}
	if err := m.load(opts); err != nil {
		m.Close()
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return m, nil
}

func (m *Model) load(opts Options) error {
	if err := checkMemory(m.set, m.dt); err != nil {
		return err
	}
	m.ws = newWeightStore(m.set, m.dt)
	tc := m.cfg.Text
	m.text = textDims{
		hidden: int64(tc.HiddenSize), heads: int64(tc.NumHeads), kvHeads: int64(tc.NumKVHeads),
		headDim: int64(tc.HeadDim), inter: int64(tc.IntermediateSize), vocab: int64(tc.VocabSize),
		eps: tc.RMSNormEps, qkNorm: tc.QKNorm, qkvBias: tc.AttentionBias, oBias: tc.OProjBias,
		prefix: "model.",
	}
	lmHead := "lm_head.weight"
	if m.cfg.Family == checkpoint.Qwen3VL {
		m.text.prefix = "model.language_model."
	}
	// A Qwen3-VL checkpoint saved without its vision tower (vlmask testmodel
	// can write one for text benchmarks) runs text-only; an image then gets
	// an error naming the missing tensor.
	if m.cfg.Family == checkpoint.Qwen3VL && m.set.Has(visionProbeTensor) {
		vc := m.cfg.Vision
		m.vision = &visionDims{
			depth: int64(vc.Depth), hidden: int64(vc.HiddenSize), inter: int64(vc.IntermediateSize),
			heads: int64(vc.NumHeads), patch: int64(vc.PatchSize), temporal: int64(vc.TemporalPatchSize),
			merge: int64(vc.SpatialMergeSize), inChans: int64(vc.InChannels), outHidden: int64(vc.OutHiddenSize),
			numPos: int64(vc.NumPositionEmbeddings), deepstack: vc.DeepstackVisualIndexes,
			prefix: "model.visual.",
		}
	}
	if m.cfg.TieWordEmbeddings {
		lmHead = m.text.prefix + "embed_tokens.weight"
	}
	m.lmHead = lmHead
	m.invFreq = ropeInvFreq(tc.RopeTheta, tc.HeadDim)
	m.section, m.interlv = tc.MRopeSection, tc.MRopeInterleaved

	var err error
	if m.embed, err = m.ws.float32s(m.text.prefix+"embed_tokens.weight", m.text.vocab, m.text.hidden); err != nil {
		return err
	}
	if m.vision != nil {
		if m.posTable, err = m.ws.float32s(m.vision.prefix+"pos_embed.weight", m.vision.numPos, m.vision.hidden); err != nil {
			return err
		}
	}

	// Build every graph first: a missing or misshapen tensor is reported
	// before any session exists.
	n := tc.NumLayers
	var layerGraphs, tailGraphs, recomputeGraphs []*graph.Model
	for l := 0; l < n; l++ {
		g, err := buildLayer(m.ws, m.text, l)
		if err != nil {
			return err
		}
		layerGraphs = append(layerGraphs, g)
		if g, err = buildTail(m.ws, m.text, l); err != nil {
			return err
		}
		tailGraphs = append(tailGraphs, g)
		if opts.Recompute {
			if g, err = buildRecompute(m.ws, m.text, l); err != nil {
				return err
			}
			recomputeGraphs = append(recomputeGraphs, g)
		}
	}
	headGraph, err := buildHead(m.ws, m.text, lmHead)
	if err != nil {
		return err
	}
	var visionGraph *graph.Model
	if m.vision != nil {
		// The vision tower always computes in float32: ORT has no float64
		// Erf kernel, and the analysis never looks inside the tower.
		if visionGraph, err = buildVision(newWeightStore(m.set, graph.Float32), *m.vision); err != nil {
			return err
		}
	}

	total := len(layerGraphs) + len(tailGraphs) + len(recomputeGraphs) + 1
	if visionGraph != nil {
		total++
	}
	created := 0
	newSessionWith := func(g *graph.Model, so ort.SessionOptions) (*ort.Session, error) {
		s, err := m.rt.NewSession(g, so)
		if err == nil && opts.Progress != nil {
			created++
			opts.Progress(created, total)
		}
		return s, err
	}
	newSession := func(g *graph.Model) (*ort.Session, error) { return newSessionWith(g, opts.Session) }
	visionOpts := opts.Session
	visionOpts.OptimizationLevel = ort.OptimizeAll
	for l := 0; l < n; l++ {
		s, err := newSession(layerGraphs[l])
		if err != nil {
			return fmt.Errorf("layer %d: %w", l, err)
		}
		m.layers = append(m.layers, s)
		if s, err = newSession(tailGraphs[l]); err != nil {
			return fmt.Errorf("layer %d tail: %w", l, err)
		}
		m.tails = append(m.tails, s)
		if opts.Recompute {
			if s, err = newSession(recomputeGraphs[l]); err != nil {
				return fmt.Errorf("layer %d recompute: %w", l, err)
			}
			m.recomputes = append(m.recomputes, s)
		}
	}
	if m.head, err = newSession(headGraph); err != nil {
		return fmt.Errorf("lm_head: %w", err)
	}
	if visionGraph != nil {
		if m.visionSess, err = newSessionWith(visionGraph, visionOpts); err != nil {
			return fmt.Errorf("vision tower: %w", err)
		}
	}
	return nil
}

// Spec describes the decoder.
func (m *Model) Spec() core.Spec {
	return core.Spec{
		Family: string(m.cfg.Family), NumLayers: len(m.layers),
		NumHeads: int(m.text.heads), NumKVHeads: int(m.text.kvHeads), HeadDim: int(m.text.headDim),
		Hidden: int(m.text.hidden), Vocab: int(m.text.vocab),
	}
}

// UnembeddingRow is lm_head's row for token id (the embedding row when the
// checkpoint ties them), for metrics that project onto it.
func (m *Model) UnembeddingRow(id int) ([]float32, error) {
	if id < 0 || id >= int(m.text.vocab) {
		return nil, fmt.Errorf("token id %d outside the vocabulary of %d", id, m.text.vocab)
	}
	t, err := m.set.Tensor(m.lmHead)
	if err != nil {
		return nil, err
	}
	size, err := t.DType.Size()
	if err != nil {
		return nil, err
	}
	width := int(m.text.hidden) * size
	t.Shape = []int64{m.text.hidden}
	t.Data = t.Data[id*width : (id+1)*width]
	return t.Float32()
}

var _ core.Unembedder = (*Model)(nil)

// Config is the checkpoint's configuration.
func (m *Model) Config() *checkpoint.Config { return m.cfg }

// Close releases every session, then the weights they read. It is
// idempotent.
func (m *Model) Close() error {
	m.closeOnce.Do(func() {
		var errs []error
		for _, group := range [][]*ort.Session{m.layers, m.tails, m.recomputes, {m.head, m.visionSess}} {
			for _, s := range group {
				if s != nil {
					errs = append(errs, s.Close())
				}
			}
		}
		m.layers, m.tails, m.recomputes, m.head, m.visionSess = nil, nil, nil, nil, nil
		if m.set != nil {
			errs = append(errs, m.set.Close())
		}
		m.closeErr = errors.Join(errs...)
	})
	return m.closeErr
}
