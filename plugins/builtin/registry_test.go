package builtin_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	if got, want := builtin.Names(), []string{"masking-both", "masking-text", "masking-vision", "metrics"}; !slices.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	for _, name := range builtin.Names() {
		var d sdk.Description
		var err error
		if s, ok := builtin.Masking(name); ok {
			d, err = s.Describe(context.Background())
			if d.Kind != sdk.KindMasking {
				t.Errorf("%s: masking constructor gives kind %q", name, d.Kind)
			}
		} else if m, ok := builtin.Metric(name); ok {
			d, err = m.Describe(context.Background())
			if d.Kind != sdk.KindMetric {
				t.Errorf("%s: metric constructor gives kind %q", name, d.Kind)
			}
		} else {
			t.Fatalf("%s: listed but not constructible", name)
		}
		if err != nil || d.Name != name {
			t.Errorf("%s: describes itself as %q (%v)", name, d.Name, err)
		}
	}
	if _, ok := builtin.Masking("metrics"); ok {
		t.Error("metrics constructible as a masking strategy")
	}
	if err := builtin.ServeBuiltin("nope"); !errors.Is(err, builtin.ErrUnknown) {
		t.Errorf("ServeBuiltin(nope) = %v, want ErrUnknown", err)
	}
}
