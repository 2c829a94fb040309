package sdk

// Float64s returns the batch's vectors in float64: Baseline64 and Masked64
// when set, else Baseline and Masked widened (exactly) from float32.
func (b VectorBatch) Float64s() (baseline, masked []float64) {
	if b.Baseline64 != nil || b.Masked64 != nil {
		return b.Baseline64, b.Masked64
	}
	return widen(b.Baseline), widen(b.Masked)
}

// Float32s returns the batch's vectors in float32: Baseline and Masked when
// set, else Baseline64 and Masked64 rounded.
func (b VectorBatch) Float32s() (baseline, masked []float32) {
	if b.Baseline != nil || b.Masked != nil {
		return b.Baseline, b.Masked
	}
	return narrow(b.Baseline64), narrow(b.Masked64)
}

// withBothPrecisions returns b with whichever precision is missing filled
// in from the other, so a metric may read either.
func (b VectorBatch) withBothPrecisions() VectorBatch {
	b.Baseline64, b.Masked64 = b.Float64s()
	b.Baseline, b.Masked = b.Float32s()
	return b
}

// WithBothPrecisions returns req with both precisions of every batch set
// (VectorBatch), as a metric is promised them. Hosts call it before
// calling a metric in process; the SDK does it for plugins.
func WithBothPrecisions(req ScoreRequest) ScoreRequest {
	batches := make([]VectorBatch, len(req.Batches))
	for i, b := range req.Batches {
		batches[i] = b.withBothPrecisions()
	}
	req.Batches = batches
	return req
}

// Float64s returns the column's values in float64: Values64 when set, else
// Values widened.
func (c Column) Float64s() []float64 {
	if c.Values64 != nil {
		return c.Values64
	}
	return widen(c.Values)
}

// Float32s returns the column's values in float32: Values when set, else
// Values64 rounded.
func (c Column) Float32s() []float32 {
	if c.Values != nil {
		return c.Values
	}
	return narrow(c.Values64)
}

// len is the number of values the column holds.
func (c Column) len() int {
	if c.Values64 != nil {
		return len(c.Values64)
	}
	return len(c.Values)
}

func widen(v []float32) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func narrow(v []float64) []float32 {
	if v == nil {
		return nil
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}
