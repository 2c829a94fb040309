package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

func TestBaseConfigure(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		config string
		ok     bool
	}{
		"empty":        {config: "", ok: true},
		"blank":        {config: " \n", ok: true},
		"null":         {config: "null", ok: true},
		"empty object": {config: " {} ", ok: true},
		"a setting":    {config: `{"k": 2}`},
		"a number":     {config: `3`},
		"not json":     {config: `{`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, configure := range []func(context.Context, json.RawMessage) error{
				sdk.MaskingBase{}.Configure, sdk.MetricBase{}.Configure,
			} {
				err := configure(context.Background(), json.RawMessage(tc.config))
				if tc.ok && err != nil {
					t.Errorf("Configure(%q) = %v, want nil", tc.config, err)
				}
				if !tc.ok && !errors.Is(err, sdk.ErrInvalidConfig) {
					t.Errorf("Configure(%q) = %v, want sdk.ErrInvalidConfig", tc.config, err)
				}
			}
		})
	}
}
