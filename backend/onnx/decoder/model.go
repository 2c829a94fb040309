package decoder

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"sync"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// Model is a loaded checkpoint. It implements core.Model and
// core.Unembedder.
type Model struct {
	rt   *ort.Runtime
	set  *safetensors.Set
	ws   *weights.Store
	spec Spec
	dt   graph.DType

	embed      safetensors.Tensor // [vocab, hidden], rows converted when looked up
	embedScale float64

	layers, tails, recomputes []*ort.Session
	rowLayers                 []*ort.Session // Options.Propagate: one per layer
	head                      *ort.Session
	vision                    []*ort.Session
	aux                       aux
	device                    ort.Device
	traffic                   trafficCounter
	// weights are the device copies of the weights on a GPU, shared by
	// every session (nil on the CPU, where sessions read the weights in
	// place).
	weights *ort.DeviceWeights

	// recomputeMemory bounds one recompute batch's transient bytes
	// (Options.RecomputeMemory).
	recomputeMemory int64

	closeOnce sync.Once
	closeErr  error
}

var (
	_ core.Model      = (*Model)(nil)
	_ core.Unembedder = (*Model)(nil)
)

// Load builds every session of the model spec describes, reading weights
// from set, which the model then owns (Close closes it; so does a failed
// Load). Shapes are checked against the spec and the memory the converted
// weights need against what the machine has (unless opts.NoMemoryCheck),
// before any session runs.
func Load(rt *ort.Runtime, set *safetensors.Set, spec Spec, opts Options) (*Model, error) {
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
		if opts.TF32 {
			cuda["use_tf32"] = "1"
		}
		maps.Copy(cuda, opts.Session.CUDAOptions)
		opts.Session.CUDAOptions = cuda
	}
	if opts.Session.IntraOpThreads == 0 {
		opts.Session.IntraOpThreads = runtime.NumCPU()
	}
	if rt.SharedThreads() > 0 {
		opts.Session.SharedThreads = true
	}
	opts.Session.Config = sessionConfig(opts.Session.Config)
	if opts.Session.Device.Kind == ort.CPU && !opts.CPUArena {
		opts.Session.SharedCPUArena = true
	}
	if opts.KeepHalfWeights {
		// A half-precision weight is cast in the graph on every run, so
		// its memory stays half-size; constant folding would precompute
		// the cast (a resident float32 copy) and reads the weight from the
		// graph's external-data stub, which is not where it lives.
		opts.Session.Config = maps.Clone(opts.Session.Config)
		opts.Session.Config["optimization.disable_specified_optimizers"] = "ConstantFolding"
	}
	switch opts.MatMul {
	case 0, opts.DType:
		opts.MatMul = 0
	case graph.BFloat16, graph.Float16:
		if opts.Session.Device.Kind == ort.CPU || opts.DType != graph.Float32 {
			set.Close()
			return nil, fmt.Errorf("%v matrix products need CUDA and float32 activations: %w", opts.MatMul, ErrUnsupported)
		}
	default:
		set.Close()
		return nil, fmt.Errorf("matrix products in %v: %w", opts.MatMul, ErrUnsupported)
	}
	spec.Decoder.MatMul = opts.MatMul
	avail, known := memoryFor(opts)
	spec.Decoder.AttnBudget = attnBudget(opts, avail, known)
	if len(spec.Layers) == 0 {
		set.Close()
		return nil, fmt.Errorf("%s: the spec has no decoder layers", spec.Family)
	}
	if opts.RecomputeMemory <= 0 {
		opts.RecomputeMemory = DefaultRecomputeMemory
	}
	m := &Model{rt: rt, set: set, spec: spec, dt: opts.DType, device: opts.Session.Device, recomputeMemory: opts.RecomputeMemory}
	if known && !opts.NoMemoryCheck {
		storage := weights.Options{Matrices: opts.MatMul, KeepHalf: opts.KeepHalfWeights}
		if err := checkMemory(set, opts.DType, storage, avail); err != nil {
			m.Close()
			return nil, err
		}
	}
	if err := m.load(opts); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Model) load(opts Options) error {
	m.ws = weights.NewStoreWith(m.set, m.dt, weights.Options{Matrices: opts.MatMul, KeepHalf: opts.KeepHalfWeights})
	d := m.spec.Decoder
	m.embedScale = 1
	if s := m.spec.EmbedScale; s != 0 {
		m.embedScale = s
		if m.dt == graph.Float32 {
			m.embedScale = float64(float32(s))
		}
	}
	var err error
	if m.embed, err = m.ws.Tensor(m.spec.Embedding, d.Vocab, d.Hidden); err != nil {
		return err
	}

	// Build every graph first: a missing or misshapen tensor is reported
	// before any session exists.
	n := len(m.spec.Layers)
	var layerGraphs, tailGraphs, recomputeGraphs, rowGraphs []*graph.Model
	for l := 0; l < n; l++ {
		g, err := d.LayerGraph(m.ws, l)
		if err != nil {
			return err
		}
		layerGraphs = append(layerGraphs, g)
		if g, err = d.TailGraph(m.ws, l); err != nil {
			return err
		}
		tailGraphs = append(tailGraphs, g)
		if opts.Recompute {
			if g, err = d.RecomputeGraph(m.ws, l); err != nil {
				return err
			}
			recomputeGraphs = append(recomputeGraphs, g)
		}
		if opts.Propagate {
			if g, err = d.RowLayerGraph(m.ws, l); err != nil {
				return err
			}
			rowGraphs = append(rowGraphs, g)
		}
	}
	headGraph, err := d.HeadGraph(m.ws, m.spec.Head)
	if err != nil {
		return err
	}
	var visionGraphs []*graph.Model
	if m.spec.Vision != nil {
		// The vision tower always computes in float32: ORT has no float64
		// Erf kernel, and the analysis never looks inside the tower.
		vision := weights.Options{KeepHalf: opts.KeepHalfWeights}
		graphs := blocks.Options{AttnBudget: m.spec.Decoder.AttnBudget}
		if visionGraphs, err = m.spec.Vision.Graphs(weights.NewStoreWith(m.set, graph.Float32, vision), graphs); err != nil {
			return err
		}
	}

	if opts.Session.Device.Kind != ort.CPU {
		if m.weights, err = m.rt.NewDeviceWeights(opts.Session); err != nil {
			return err
		}
		opts.Session.Weights = m.weights
	}
	total := len(layerGraphs) + len(tailGraphs) + len(recomputeGraphs) + len(rowGraphs) + 1 + len(visionGraphs)
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
		if opts.Propagate {
			if s, err = newSession(rowGraphs[l]); err != nil {
				return fmt.Errorf("layer %d rows: %w", l, err)
			}
			m.rowLayers = append(m.rowLayers, s)
		}
	}
	if m.head, err = newSession(headGraph); err != nil {
		return fmt.Errorf("lm_head: %w", err)
	}
	download, addRows, err := auxGraphs(m.dt)
	if err != nil {
		return err
	}
	if m.aux.download, err = m.rt.NewSession(download, opts.Session); err != nil {
		return fmt.Errorf("download session: %w", err)
	}
	if m.aux.addRows, err = m.rt.NewSession(addRows, opts.Session); err != nil {
		return fmt.Errorf("add-rows session: %w", err)
	}
	visionOpts := opts.Session
	visionOpts.OptimizationLevel = ort.OptimizeAll
	for i, g := range visionGraphs {
		s, err := newSessionWith(g, visionOpts)
		if err != nil {
			return fmt.Errorf("vision tower graph %d: %w", i, err)
		}
		m.vision = append(m.vision, s)
	}
	return nil
}

// Spec describes the decoder.
func (m *Model) Spec() core.Spec {
	d := m.spec.Decoder
	return core.Spec{
		Family: m.spec.Family, NumLayers: len(m.spec.Layers),
		NumHeads: int(d.Heads), NumKVHeads: int(d.KVHeads), HeadDim: int(d.HeadDim),
		Hidden: int(d.Hidden), Vocab: int(d.Vocab),
	}
}

// Runtime is the ONNX Runtime the model's sessions run on.
func (m *Model) Runtime() *ort.Runtime { return m.rt }

// UnembeddingRow is lm_head's row for token id (the embedding row when the
// checkpoint ties them), for metrics that project onto it.
func (m *Model) UnembeddingRow(id int) ([]float32, error) {
	d := m.spec.Decoder
	if id < 0 || id >= int(d.Vocab) {
		return nil, fmt.Errorf("token id %d outside the vocabulary of %d", id, d.Vocab)
	}
	t, err := m.set.Tensor(m.spec.Head.Unembed)
	if err != nil {
		return nil, err
	}
	return tensorRow(t, id)
}

// tensorRow converts row id of a 2-D tensor to float32.
func tensorRow(t safetensors.Tensor, id int) ([]float32, error) {
	size, err := t.DType.Size()
	if err != nil {
		return nil, err
	}
	width := int(t.Shape[1]) * size
	row := t
	row.Shape = []int64{t.Shape[1]}
	row.Data = t.Data[id*width : (id+1)*width]
	return row.Float32()
}

// Close releases every session, then the weights they read. It is
// idempotent.
func (m *Model) Close() error {
	m.closeOnce.Do(func() {
		var errs []error
		for _, group := range [][]*ort.Session{m.layers, m.tails, m.recomputes, m.rowLayers, {m.head, m.aux.download, m.aux.addRows}, m.vision} {
			for _, s := range group {
				if s != nil {
					errs = append(errs, s.Close())
				}
			}
		}
		m.layers, m.tails, m.recomputes, m.rowLayers, m.head, m.vision = nil, nil, nil, nil, nil, nil
		m.aux = aux{}
		if m.weights != nil {
			errs = append(errs, m.weights.Close())
		}
		if m.set != nil {
			errs = append(errs, m.set.Close())
		}
		m.closeErr = errors.Join(errs...)
	})
	return m.closeErr
}
