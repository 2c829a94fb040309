package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vlmask/vlmask/sdk"
)

var _ sdk.Metric = (*inProcessMetric)(nil)

// inProcessMetric is a built-in metric the host runs inside its own
// process (Options.InProcessMetrics): the same library its plugin process
// would serve, called directly, with the same output validation as a
// plugin's answers.
type inProcessMetric struct {
	impl   sdk.Metric
	desc   sdk.Description
	origin Origin
}

// openInProcessMetric describes and configures the built-in c with the
// library newMetric returns. The executable is still the one the run's
// metadata names and a --plugin-sha256 pin checks: vlmask's own.
func (h *Host) openInProcessMetric(ctx context.Context, c *candidate, newMetric func() sdk.Metric, config json.RawMessage) (sdk.Metric, error) {
	origin := Origin{Name: c.name, Source: c.source, Path: c.path, InProcess: true}
	if err := verifyChecksum(c, h.opts.Checksums); err != nil {
		return nil, err
	}
	var err error
	if origin.SHA256, err = h.hashes.sum(c.path); err != nil {
		return nil, fmt.Errorf("plugin %q: %w", c.name, err)
	}
	impl := newMetric()
	desc, err := impl.Describe(ctx)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: describe: %w", c.name, err)
	}
	if desc.Kind != sdk.KindMetric {
		return nil, fmt.Errorf("plugin %q is a %s, not a metric: %w", c.name, desc.Kind, ErrPluginKind)
	}
	if err := impl.Configure(ctx, config); err != nil {
		return nil, fmt.Errorf("plugin %q: configure: %w", c.name, err)
	}
	origin.Version = desc.Version
	h.log.Debug("plugin ready", "plugin", c.name, "version", desc.Version, "source", c.source, "in_process", true)
	return &inProcessMetric{impl: impl, desc: desc, origin: origin}, nil
}

func (m *inProcessMetric) Describe(context.Context) (sdk.Description, error) { return m.desc, nil }

func (m *inProcessMetric) Configure(ctx context.Context, config json.RawMessage) error {
	if err := m.impl.Configure(ctx, config); err != nil {
		return fmt.Errorf("plugin %q: configure: %w", m.origin.Name, err)
	}
	return nil
}

func (m *inProcessMetric) Score(ctx context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	op := fmt.Sprintf("score step %d layer %d", req.Step, req.Layer)
	if err := ctx.Err(); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", m.origin.Name, op, err)
	}
	resp, err := m.impl.Score(ctx, req)
	if err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", m.origin.Name, op, err)
	}
	if err := sdk.ValidateScore(req, resp); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", m.origin.Name, op, err)
	}
	if err := sdk.ValidateColumns(m.desc, resp); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", m.origin.Name, op, err)
	}
	return resp, nil
}
