package imageproc

// Pixels is one image as a ViT-style tower (CLIP, SigLIP) takes it:
// rescaled and normalized float32 values, channels first.
type Pixels struct {
	// Values are [3, Height, Width], row-major: channel, then row, then
	// column.
	Values        []float32
	Height, Width int
	// ResizedW and ResizedH are the size after the resize, before any
	// center crop.
	ResizedW, ResizedH int
}

// toCHW rescales and normalizes img with the processor's arithmetic (see
// normalizationTables) into channels-first order.
func toCHW(img *RGB, table *[3][256]float32) []float32 {
	n := img.W * img.H
	out := make([]float32, 3*n)
	for c := range 3 {
		plane := out[c*n : (c+1)*n]
		lut := &table[c]
		for i := range plane {
			plane[i] = lut[img.Pix[3*i+c]]
		}
	}
	return out
}

// normalizationTables returns, per channel, the float32 value of every
// byte after rescaling and normalization, computed as transformers' slow
// processors do: float32(float64(p)·rescale), then (x − float32(mean)) /
// float32(std) in float32.
func normalizationTables(doRescale bool, rescale float64, doNormalize bool, mean, std [3]float64) [3][256]float32 {
	var t [3][256]float32
	for c := range 3 {
		m, s := float32(mean[c]), float32(std[c])
		for p := range 256 {
			v := float32(p)
			if doRescale {
				v = float32(float64(p) * rescale)
			}
			if doNormalize {
				v = (v - m) / s
			}
			t[c][p] = v
		}
	}
	return t
}
