package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
)

// Host finds and runs plugins. It is safe for concurrent use.
type Host struct {
	opts      Options
	log       hclog.Logger
	stopWatch func() bool
	hashes    hasher

	mu     sync.Mutex
	closed bool
	cause  error // why the host closed, when its context ended
	procs  map[*process]struct{}
	gone   chan struct{} // closed once Close has stopped every process
	warned map[string]bool
}

// Info describes one plugin found in the search path.
type Info struct {
	Name string
	// Path is the executable (SelfExe for built-ins).
	Path string
	// Source is SourceDir, SourceBuiltin or SourceReattach.
	Source string
	// Description is what the plugin said about itself (empty when Err is
	// set before Describe answered).
	Description sdk.Description
	// Shadowed are the paths of later plugins of the same name, ignored
	// (for a built-in: directory plugins of its name, which are skipped
	// unless Options.AllowShadowBuiltins).
	Shadowed []string
	// ShadowsBuiltin: a directory plugin listed in place of the built-in of
	// its name (Options.AllowShadowBuiltins).
	ShadowsBuiltin bool
	// Err is why the plugin cannot be used, or nil.
	Err error
}

// New returns a host for the plugins in opts' search path. It starts
// nothing until List, Masking or Metric.
func New(opts Options) (*Host, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	for name, sum := range opts.Checksums {
		if len(sum) != sha256.Size {
			return nil, fmt.Errorf("plugin host: checksum of %q: %d bytes, want a SHA-256 (%d)", name, len(sum), sha256.Size)
		}
	}
	h := &Host{opts: opts, log: opts.Logger, procs: map[*process]struct{}{}, gone: make(chan struct{}), warned: map[string]bool{}}
	if ctx := opts.Context; ctx != nil {
		h.stopWatch = context.AfterFunc(ctx, func() { h.close(context.Cause(ctx)) })
	}
	return h, nil
}

// warnOnce logs a warning the first time it is given.
func (h *Host) warnOnce(msg string, args ...any) {
	key := fmt.Sprint(append([]any{msg}, args...)...)
	h.mu.Lock()
	seen := h.warned[key]
	h.warned[key] = true
	h.mu.Unlock()
	if !seen {
		h.log.Warn(msg, args...)
	}
}

// discover lists the candidates of the search path.
func (h *Host) discover() []*candidate { return discover(h.opts, h.log, h.warnOnce) }

// SearchDirs returns the directories searched, in order (before the
// built-ins).
func (h *Host) SearchDirs() []string { return searchDirs(h.opts) }

// List starts every plugin in the search path (the first of each name),
// asks Describe, checks its protocol version, and stops it again. A plugin
// that fails has Err set; the error return is for the host itself (closed,
// or ctx ended).
func (h *Host) List(ctx context.Context) ([]Info, error) {
	var out []Info
	for _, c := range h.discover() {
		if err := h.usable(ctx); err != nil {
			return out, err
		}
		info := Info{Name: c.name, Path: c.path, Source: c.source, Shadowed: c.shadowed, ShadowsBuiltin: c.shadowsBuiltin}
		p, desc, err := h.open(ctx, c, "")
		info.Description, info.Err = desc, err
		if p != nil {
			h.release(p)
		}
		out = append(out, info)
	}
	return out, nil
}

// Masking starts the masking strategy name, configures it with config
// (empty for none) and returns it. Every call on it has a deadline, and its
// answers are validated.
func (h *Host) Masking(ctx context.Context, name string, config json.RawMessage) (sdk.MaskingStrategy, error) {
	p, desc, raw, origin, err := h.openConfigured(ctx, name, sdk.KindMasking, config)
	if err != nil {
		return nil, h.interrupted(ctx, err)
	}
	impl, ok := raw.(sdk.MaskingStrategy)
	if !ok {
		h.release(p)
		return nil, fmt.Errorf("plugin %q: dispensed %T, not a masking strategy", name, raw)
	}
	return &remoteMasking{remote: remote{process: p, host: h, desc: desc, origin: origin}, impl: impl}, nil
}

// Metric starts the metric name, configures it with config (empty for
// none) and returns it. Every call on it has a deadline, and its answers are
// validated. A built-in listed in Options.InProcessMetrics runs in the
// host's process instead: no process, no deadline, the same validation.
func (h *Host) Metric(ctx context.Context, name string, config json.RawMessage) (sdk.Metric, error) {
	if err := h.usable(ctx); err != nil {
		return nil, h.interrupted(ctx, err)
	}
	if c, err := h.find(name); err == nil && c.source == SourceBuiltin {
		if newMetric, ok := h.opts.InProcessMetrics[name]; ok {
			m, err := h.openInProcessMetric(ctx, c, newMetric, config)
			if err != nil {
				return nil, h.interrupted(ctx, err)
			}
			return m, nil
		}
	}
	p, desc, raw, origin, err := h.openConfigured(ctx, name, sdk.KindMetric, config)
	if err != nil {
		return nil, h.interrupted(ctx, err)
	}
	impl, ok := raw.(sdk.Metric)
	if !ok {
		h.release(p)
		return nil, fmt.Errorf("plugin %q: dispensed %T, not a metric", name, raw)
	}
	return &remoteMetric{remote: remote{process: p, host: h, desc: desc, origin: origin}, impl: impl}, nil
}

// Close stops every plugin process the host started and waits for them to
// be gone. It is idempotent (a second Close waits for the first); later
// Masking, Metric and List calls fail with ErrHostClosed.
func (h *Host) Close() error {
	h.close(nil)
	return nil
}

// close is Close, with the reason when the host's context ended: every
// failure that follows from the stop then matches that reason.
func (h *Host) close(cause error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		<-h.gone
		return
	}
	h.closed, h.cause = true, cause
	procs := h.procs
	h.procs = nil
	h.mu.Unlock()
	if h.stopWatch != nil {
		h.stopWatch()
	}
	var wg sync.WaitGroup
	for p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.kill(cause)
		}()
	}
	wg.Wait()
	close(h.gone)
}

// usable fails when ctx has ended or the host is closed; the caller's
// cancellation comes first.
func (h *Host) usable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.mu.Lock()
	closed, cause := h.closed, h.cause
	h.mu.Unlock()
	switch {
	case closed && cause != nil:
		return fmt.Errorf("%w (%w)", ErrHostClosed, cause)
	case closed:
		return ErrHostClosed
	}
	return nil
}

// interrupted makes an error that happened while ctx ended (or the host's
// context did) match that end too, so that an interrupted run is reported
// as interrupted, not as the plugin failure the stop caused.
func (h *Host) interrupted(ctx context.Context, err error) error {
	cause := ctx.Err()
	if cause == nil {
		h.mu.Lock()
		cause = h.cause
		h.mu.Unlock()
	}
	if cause == nil || errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w (after: %v)", cause, err)
}

// find returns the candidate of that name, first in search order.
func (h *Host) find(name string) (*candidate, error) {
	all := h.discover()
	for _, c := range all {
		if c.name == name {
			return c, nil
		}
	}
	names := make([]string, len(all))
	for i, c := range all {
		names[i] = c.name
	}
	return nil, fmt.Errorf("plugin %q (available: %v; searched %v): %w", name, names, h.SearchDirs(), ErrPluginNotFound)
}

// openConfigured finds, starts, checks and configures a plugin of a kind,
// and says where it came from (announcing a plugin from a directory not
// given on the command line, or one that replaces a built-in, at warning
// level).
func (h *Host) openConfigured(ctx context.Context, name string, kind sdk.Kind, config json.RawMessage) (*process, sdk.Description, any, Origin, error) {
	if err := h.usable(ctx); err != nil {
		return nil, sdk.Description{}, nil, Origin{}, err
	}
	c, err := h.find(name)
	if err != nil {
		return nil, sdk.Description{}, nil, Origin{}, err
	}
	origin := Origin{Name: c.name, Source: c.source, Path: c.path, ShadowsBuiltin: c.shadowsBuiltin}
	if c.reattach == nil {
		if origin.SHA256, err = h.hashes.sum(c.path); err != nil {
			return nil, sdk.Description{}, nil, origin, fmt.Errorf("plugin %q: %w", name, err)
		}
	}
	p, desc, err := h.open(ctx, c, kind)
	if err != nil {
		if p != nil {
			h.release(p)
		}
		return nil, desc, nil, origin, err
	}
	origin.Version = desc.Version
	dispense := hostrpc.DispenseMasking
	if kind == sdk.KindMetric {
		dispense = hostrpc.DispenseMetric
	}
	raw, err := p.dispense(dispense)
	if n, ok := raw.(hostrpc.Negotiator); ok && err == nil {
		// Speak what the plugin's minor has: float64 vectors from 1.1.
		n.SetPeerProtocolMinor(desc.ProtocolMinor)
	}
	if err == nil {
		base, ok := raw.(hostrpc.Base)
		if !ok {
			h.release(p)
			return nil, desc, nil, origin, fmt.Errorf("plugin %q: dispensed %T, not a plugin client", name, raw)
		}
		err = p.call(ctx, "configure", func(ctx context.Context) error { return base.Configure(ctx, config) })
	}
	if err != nil {
		h.release(p)
		return nil, desc, nil, origin, err
	}
	h.log.Debug("plugin ready", "plugin", name, "version", desc.Version, "source", c.source, "path", c.path, "pid", p.pid())
	switch {
	case c.shadowsBuiltin:
		h.log.Warn("using a plugin in place of the built-in of the same name", "plugin", name, "path", c.path, "sha256", origin.SHA256)
	case c.source == SourceDir && !c.explicit:
		h.log.Warn("using a plugin found in a plugin directory", "plugin", name, "path", c.path, "sha256", origin.SHA256)
	case c.source == SourceDir:
		h.log.Info("using a plugin from --plugin-dir", "plugin", name, "path", c.path, "sha256", origin.SHA256)
	}
	return p, desc, raw, origin, nil
}

// open starts a candidate, asks Describe and checks the protocol version
// and (when kind is set) the kind. On error the returned process, if any,
// must still be released.
func (h *Host) open(ctx context.Context, c *candidate, kind sdk.Kind) (*process, sdk.Description, error) {
	p, err := start(ctx, c, h.opts, h.track)
	if err != nil {
		return p, sdk.Description{}, err
	}
	raw, err := p.dispense(hostrpc.DispensePlugin)
	if err != nil {
		return p, sdk.Description{}, err
	}
	base, ok := raw.(hostrpc.Base)
	if !ok {
		return p, sdk.Description{}, fmt.Errorf("plugin %q: dispensed %T, not a plugin client", c.name, raw)
	}
	var desc sdk.Description
	err = p.call(ctx, "describe", func(ctx context.Context) error {
		var err error
		desc, err = base.Describe(ctx)
		return err
	})
	if err != nil {
		return p, desc, err
	}
	if desc.Name != c.name {
		h.log.Warn("plugin describes itself under another name; using the file name", "plugin", c.name, "described_as", desc.Name, "path", c.path)
	}
	return p, desc, checkDescription(c, desc, kind)
}

// checkDescription refuses a plugin whose protocol minor is newer than the
// host's, whose kind is unknown, or (when kind is set) of another kind.
func checkDescription(c *candidate, d sdk.Description, kind sdk.Kind) error {
	if d.ProtocolMinor > sdk.ProtocolMinor {
		return fmt.Errorf("plugin %q (%s) speaks plugin protocol %d.%d, newer than this vlmask's %s: upgrade vlmask: %w",
			c.name, c.path, sdk.ProtocolMajor, d.ProtocolMinor, sdk.ProtocolVersion(), ErrIncompatiblePlugin)
	}
	if d.Kind != sdk.KindMasking && d.Kind != sdk.KindMetric {
		return fmt.Errorf("plugin %q (%s) does not say whether it is a masking strategy or a metric: %w", c.name, c.path, ErrIncompatiblePlugin)
	}
	if kind != "" && d.Kind != kind {
		return fmt.Errorf("plugin %q (%s) is a %s plugin, not a %s plugin: %w", c.name, c.path, d.Kind, kind, ErrPluginKind)
	}
	return nil
}

// track records a started process so Close can stop it; after Close it
// stops the process at once.
func (h *Host) track(p *process) {
	h.mu.Lock()
	closed := h.closed
	if !closed {
		h.procs[p] = struct{}{}
	}
	h.mu.Unlock()
	if closed {
		go p.kill(nil)
	}
}

// release stops a process and forgets it.
func (h *Host) release(p *process) {
	h.mu.Lock()
	delete(h.procs, p)
	h.mu.Unlock()
	p.kill(nil)
}
