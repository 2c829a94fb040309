package main

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.RunMaskingConformance(t, &regionWindow{k: 2})
}

func TestWindows(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		config string
		golden string
	}{
		"k=2 (default)": {config: ``, golden: "testdata/two-images.k2.golden.json"},
		"k=3":           {config: `{"k": 3}`, golden: "testdata/two-images.k3.golden.json"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := sdktest.DispenseMasking(t, &regionWindow{k: 2})
			if err := s.Configure(context.Background(), json.RawMessage(tc.config)); err != nil {
				t.Fatalf("Configure: %v", err)
			}
			resp, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: sdktest.LoadSequence(t, "testdata/two-images.json")})
			if err != nil {
				t.Fatalf("Mask: %v", err)
			}
			sdktest.Golden(t, tc.golden, resp)
		})
	}
}

// testdata/two-images.json is sdktest.SampleSequences()["two-images"].
func TestFixtureIsTheSample(t *testing.T) {
	t.Parallel()
	if got, want := sdktest.LoadSequence(t, "testdata/two-images.json"), sdktest.SampleSequences()["two-images"]; !reflect.DeepEqual(got, want) {
		t.Errorf("testdata/two-images.json differs from the sample sequence")
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	s := sdktest.DispenseMasking(t, &regionWindow{k: 2})
	for _, config := range []string{`{"k": 0}`, `{"k": "two"}`, `[`} {
		if err := s.Configure(context.Background(), json.RawMessage(config)); !errors.Is(err, sdk.ErrInvalidConfig) {
			t.Errorf("Configure(%s) = %v, want sdk.ErrInvalidConfig", config, err)
		}
	}
}
