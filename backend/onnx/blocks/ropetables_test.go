package blocks

import (
	"math"
	"testing"
)

// TestRopeInvFreqLlama3: with Llama 3.1's scaling (theta 5e5, head_dim
// 128, factor 8, low 1, high 4, original 8192), short wavelengths keep
// their frequency, long ones are divided by the factor exactly, and the
// ones between follow the smooth interpolation (checked in float64).
func TestRopeInvFreqLlama3(t *testing.T) {
	t.Parallel()
	s := Llama3Scaling{Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMax: 8192}
	plain := RopeInvFreq(500000, 128, 0)
	got := RopeInvFreqLlama3(500000, 128, s)
	var kept, divided, smoothed int
	for i, f := range plain {
		wavelen := 2 * math.Pi / float64(f)
		switch {
		case wavelen < 8192/4.0:
			kept++
			if got[i] != f {
				t.Errorf("freq %d (wavelength %.0f): %v, want it unchanged %v", i, wavelen, got[i], f)
			}
		case wavelen > 8192/1.0:
			divided++
			if got[i] != f/8 {
				t.Errorf("freq %d (wavelength %.0f): %v, want %v / 8", i, wavelen, got[i], f)
			}
		default:
			smoothed++
			smooth := (8192/wavelen - 1) / (4 - 1)
			want := (1-smooth)*float64(f)/8 + smooth*float64(f)
			if math.Abs(float64(got[i])-want) > 1e-6*want {
				t.Errorf("freq %d (wavelength %.0f): %v, want %v", i, wavelen, got[i], want)
			}
		}
	}
	if kept == 0 || divided == 0 || smoothed == 0 {
		t.Errorf("regimes covered: %d kept, %d divided, %d smoothed; want all three", kept, divided, smoothed)
	}
}
