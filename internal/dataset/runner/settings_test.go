package runner

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/run"
)

func ptr[T any](v T) *T { return &v }

func TestRowSettings(t *testing.T) {
	base := run.Settings{NumTokens: 1, MaskMode: "text", Plugins: []string{"my-metric"},
		PluginConfigs: map[string]json.RawMessage{"region-window": json.RawMessage(`{"k":9}`)}}
	row := dataset.Row{NumTokens: 4, MaskMode: "vision", SkipPerHead: ptr(true), MaxImageResolution: 448,
		Plugins: []string{"region-window", "my-metric"}, PluginConfigs: map[string]json.RawMessage{"region-window": json.RawMessage(`{"k":2}`), "other": json.RawMessage(`{}`)}}
	tests := map[string]struct {
		over       run.Overrides
		row        dataset.Row
		tokens     int
		mode       string
		skip       bool
		maxRes     int
		wantConfig string
	}{
		"row values over the run's": {row: row, tokens: 4, mode: "vision", skip: true, maxRes: 448, wantConfig: `{"k":9}`},
		"flags win": {over: run.Overrides{NumTokens: ptr(2), MaskMode: ptr("both"), SkipPerHead: ptr(false), MaxImageResolution: ptr(0)},
			row: row, tokens: 2, mode: "both", skip: false, maxRes: 0, wantConfig: `{"k":9}`},
		"an empty row takes the run's": {tokens: 1, mode: "text", wantConfig: `{"k":9}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set, maxRes := RowSettings(base, tc.over, tc.row)
			if set.NumTokens != tc.tokens || set.MaskMode != tc.mode || set.SkipPerHead != tc.skip || maxRes != tc.maxRes {
				t.Errorf("got %+v max %d", set, maxRes)
			}
			if string(set.PluginConfigs["region-window"]) != tc.wantConfig {
				t.Errorf("region-window config %s, want the command line's %s", set.PluginConfigs["region-window"], tc.wantConfig)
			}
			wantPlugins := []string{"my-metric"}
			if len(tc.row.Plugins) > 0 {
				wantPlugins = []string{"my-metric", "region-window"}
			}
			if !slices.Equal(set.Plugins, wantPlugins) {
				t.Errorf("plugins %v, want %v", set.Plugins, wantPlugins)
			}
		})
	}
	// The run's settings are not changed through the row's.
	set, _ := RowSettings(base, run.Overrides{}, row)
	set.PluginConfigs["x"] = nil
	set.Plugins[0] = "changed"
	if _, ok := base.PluginConfigs["x"]; ok || base.Plugins[0] != "my-metric" {
		t.Error("RowSettings shares maps or slices with the run's settings")
	}
}
