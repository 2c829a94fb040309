package testmodel

// Plan is everything Generate writes, resolved from Options, without any
// weight drawn: the family, the shapes that go into config.json, the image
// bounds, the special token ids and the tensor list.
type Plan struct {
	// Family, Preset and DType are the resolved option values.
	Family, Preset, DType string
	Seed                  uint64
	// Text is the decoder, with Options.Layers applied.
	Text TextShape
	// Vision is the vision tower's configuration (written to config.json
	// even when VisionWeights is false); nil for the text-only family.
	Vision *VisionShape
	// VisionWeights says whether model.visual.* tensors are written.
	VisionWeights bool
	// Image holds the image processor's pixel bounds; nil for the
	// text-only family.
	Image *ImageBounds
	// Tokens are the special token ids.
	Tokens TokenIDs
	// Tensors lists every weight, in the order transformers' state dict
	// has them.
	Tensors []TensorSpec
}

// TensorSpec is one weight: its name and shape as transformers saves them,
// and the normal distribution its values are drawn from.
type TensorSpec struct {
	Name      string
	Shape     []int64
	Mean, Std float64
}

// NumElements is the product of the shape's dimensions.
func (s TensorSpec) NumElements() int64 {
	n := int64(1)
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// NewPlan resolves opts. Bad options give an error matching
// ErrInvalidOptions.
func NewPlan(opts Options) (*Plan, error) {
	r, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	ps := lookupPreset(r.family, r.preset)
	p := &Plan{
		Family: r.family, Preset: r.preset, DType: r.dtype, Seed: r.seed,
		Text: ps.text, VisionWeights: r.vision, Image: ps.image, Tokens: tokenIDs(),
	}
	if r.layers > 0 {
		p.Text.NumLayers = r.layers
	}
	if ps.vision != nil {
		v := *ps.vision
		if len(v.DeepstackVisualIndexes) > p.Text.NumLayers {
			v.DeepstackVisualIndexes = v.DeepstackVisualIndexes[:p.Text.NumLayers]
		}
		v.DeepstackVisualIndexes = append([]int(nil), v.DeepstackVisualIndexes...)
		p.Vision = &v
	}
	p.Text.MRopeSection = append([]int(nil), p.Text.MRopeSection...)
	if p.Family == FamilyQwen3 {
		p.Text.MRopeSection = nil
	}
	p.Tensors = tensorList(p)
	return p, nil
}

// ElementSize is the size in bytes of one stored value (4 for float32, 2
// for bfloat16).
func (p *Plan) ElementSize() int64 {
	if p.DType == DTypeBFloat16 {
		return 2
	}
	return 4
}

// WeightBytes is the total size of the tensors' data.
func (p *Plan) WeightBytes() int64 {
	var n int64
	for _, t := range p.Tensors {
		n += t.NumElements() * p.ElementSize()
	}
	return n
}

// NumParameters is the total number of weight values.
func (p *Plan) NumParameters() int64 {
	var n int64
	for _, t := range p.Tensors {
		n += t.NumElements()
	}
	return n
}
