package testmodel_test

import (
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/internal/testmodel"
)

// BenchmarkGenerate times whole checkpoints, written into a temporary
// directory (each iteration replaces the previous output). The 2b cases
// write gigabytes; run them alone with -benchtime=1x.
func BenchmarkGenerate(b *testing.B) {
	cases := []struct {
		name string
		opts testmodel.Options
	}{
		{"tiny", testmodel.Options{}},
		{"2b-2layers-f32", testmodel.Options{Preset: testmodel.Preset2B, Layers: 2}},
		{"2b-2layers-bf16", testmodel.Options{Preset: testmodel.Preset2B, Layers: 2, DType: testmodel.DTypeBFloat16}},
		{"2b-2layers-text-bf16", testmodel.Options{Preset: testmodel.Preset2B, Layers: 2, DType: testmodel.DTypeBFloat16, Vision: boolPtr(false)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			plan, err := testmodel.NewPlan(c.opts)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(plan.WeightBytes())
			dir := filepath.Join(b.TempDir(), "model")
			for b.Loop() {
				if err := testmodel.Generate(dir, c.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
