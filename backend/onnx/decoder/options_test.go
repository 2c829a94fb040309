package decoder

import (
	"maps"
	"testing"
)

func TestSessionConfig(t *testing.T) {
	tests := map[string]struct {
		caller, want map[string]string
	}{
		"defaults": {
			want: map[string]string{"session.intra_op.allow_spinning": "0", "session.inter_op.allow_spinning": "0"},
		},
		"the caller's entries win and are kept": {
			caller: map[string]string{"session.intra_op.allow_spinning": "1", "session.use_env_allocators": "1"},
			want: map[string]string{"session.intra_op.allow_spinning": "1", "session.inter_op.allow_spinning": "0",
				"session.use_env_allocators": "1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := maps.Clone(tc.caller)
			if got := sessionConfig(tc.caller); !maps.Equal(got, tc.want) {
				t.Errorf("sessionConfig(%v) = %v, want %v", tc.caller, got, tc.want)
			}
			if !maps.Equal(tc.caller, before) {
				t.Errorf("the caller's map changed: %v", tc.caller)
			}
		})
	}
}
