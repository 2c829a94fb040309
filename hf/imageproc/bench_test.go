package imageproc

import "testing"

// BenchmarkProcess preprocesses a 2000×1500 (w×h) image with the Qwen3-VL
// settings: smart_resize to 1984×1504, bicubic, normalize, patchify.
func BenchmarkProcess(b *testing.B) {
	img := patternRGB(2000, 1500)
	cfg, err := ParseConfig([]byte(`{"size":{"shortest_edge":65536,"longest_edge":16777216},"patch_size":16,"image_mean":0.5,"image_std":0.5}`), "qwen3")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(img, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResizeBicubic downscales 2000×1500 to 1000×750.
func BenchmarkResizeBicubic(b *testing.B) {
	img := patternRGB(2000, 1500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ResizeBicubic(img, 1000, 750); err != nil {
			b.Fatal(err)
		}
	}
}
