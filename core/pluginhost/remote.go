package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vlmask/vlmask/sdk"
)

var (
	_ sdk.MaskingStrategy = (*remoteMasking)(nil)
	_ sdk.Metric          = (*remoteMetric)(nil)
	_ io.Closer           = (*remoteMasking)(nil)
	_ io.Closer           = (*remoteMetric)(nil)
)

// remote is what both kinds of plugin wrapper share: the process, the
// host that tracks it, and the description it gave at start.
type remote struct {
	*process
	host   *Host
	desc   sdk.Description
	origin Origin
}

// Describe returns the description the plugin gave at start.
func (r *remote) Describe(context.Context) (sdk.Description, error) {
	if err := r.failure(); err != nil {
		return sdk.Description{}, err
	}
	return r.desc, nil
}

// Close stops this plugin's process before the host closes. Optional:
// Host.Close stops it too. Idempotent.
func (r *remote) Close() error {
	r.host.release(r.process)
	return nil
}

// remoteMasking is a masking strategy in a plugin process, as the host
// hands it out: deadlines, fault mapping and output validation around the
// gRPC client.
type remoteMasking struct {
	remote
	impl sdk.MaskingStrategy
}

func (r *remoteMasking) Configure(ctx context.Context, config json.RawMessage) error {
	return r.call(ctx, "configure", func(ctx context.Context) error { return r.impl.Configure(ctx, config) })
}

func (r *remoteMasking) Mask(ctx context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	err := r.call(ctx, "mask", func(ctx context.Context) error {
		var err error
		resp, err = r.impl.Mask(ctx, req)
		return err
	})
	if err != nil {
		return sdk.MaskResponse{}, err
	}
	if err := sdk.ValidateMask(req.Sequence, resp); err != nil {
		return sdk.MaskResponse{}, fmt.Errorf("plugin %q: mask: %w", r.cand.name, err)
	}
	return resp, nil
}

// remoteMetric is a metric in a plugin process, as the host hands it out.
type remoteMetric struct {
	remote
	impl sdk.Metric
}

func (r *remoteMetric) Configure(ctx context.Context, config json.RawMessage) error {
	return r.call(ctx, "configure", func(ctx context.Context) error { return r.impl.Configure(ctx, config) })
}

func (r *remoteMetric) Score(ctx context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	var resp sdk.ScoreResponse
	op := fmt.Sprintf("score step %d layer %d", req.Step, req.Layer)
	err := r.call(ctx, op, func(ctx context.Context) error {
		var err error
		resp, err = r.impl.Score(ctx, req)
		return err
	})
	if err != nil {
		return sdk.ScoreResponse{}, err
	}
	if err := sdk.ValidateScore(req, resp); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", r.cand.name, op, err)
	}
	if err := sdk.ValidateColumns(r.desc, resp); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("plugin %q: %s: %w", r.cand.name, op, err)
	}
	return resp, nil
}

// isUnavailable reports a broken connection.
func isUnavailable(err error) bool {
	return status.Code(err) == codes.Unavailable
}

// deadlineSlack is how long call waits for its own deadline when the
// plugin's side reported the call cancelled or past its deadline first.
const deadlineSlack = 250 * time.Millisecond

// endedByDeadline reports whether err is gRPC's report of a call that was
// cancelled or ran out of time, on either side of the connection.
func endedByDeadline(err error) bool {
	switch status.Code(err) {
	case codes.DeadlineExceeded, codes.Canceled:
		return true
	}
	return false
}
