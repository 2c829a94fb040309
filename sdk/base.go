package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// MaskingBase is embedded by masking strategies for the defaults: a
// Configure that accepts no configuration, and ErrNotImplemented for
// optional methods added to the protocol later.
type MaskingBase struct{}

// Configure accepts an empty config, JSON null or {}, and rejects anything
// else with ErrInvalidConfig. Override it to take a configuration.
func (MaskingBase) Configure(_ context.Context, config json.RawMessage) error {
	return acceptNoConfig(config)
}

// MetricBase is embedded by metrics for the defaults: a Configure that
// accepts no configuration, and ErrNotImplemented for optional methods added
// to the protocol later.
type MetricBase struct{}

// Configure accepts an empty config, JSON null or {}, and rejects anything
// else with ErrInvalidConfig. Override it to take a configuration.
func (MetricBase) Configure(_ context.Context, config json.RawMessage) error {
	return acceptNoConfig(config)
}

func acceptNoConfig(config json.RawMessage) error {
	trimmed := bytes.TrimSpace(config)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err == nil && len(obj) == 0 {
		return nil
	}
	return fmt.Errorf("this plugin takes no configuration, got %.80s: %w", trimmed, ErrInvalidConfig)
}
