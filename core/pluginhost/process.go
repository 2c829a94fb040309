package pluginhost

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
)

// exitGrace is how long a failed call waits for the process to be reaped,
// so its exit status can be named.
const exitGrace = 2 * time.Second

// process is one started plugin: its go-plugin client, the runner that
// watches the OS process (nil when reattached), and the fatal error that
// ended it, if any.
type process struct {
	cand    *candidate
	start   time.Duration // start timeout
	client  *plugin.Client
	runner  *procRunner
	rpc     plugin.ClientProtocol
	timeout time.Duration
	log     hclog.Logger

	mu    sync.Mutex
	fatal error
}

// start launches (or attaches to) a candidate and completes the handshake.
// ctx bounds the start; the process outlives it. On failure the process is
// already stopped, and returned (when track saw it) so it can be released.
func start(ctx context.Context, cand *candidate, opts Options, track func(*process)) (*process, error) {
	if err := verifyChecksum(cand, opts.Checksums); err != nil {
		return nil, err
	}
	p := &process{cand: cand, start: opts.StartTimeout, timeout: opts.CallTimeout, log: opts.Logger.Named(cand.name)}
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  hostrpc.Handshake(),
		VersionedPlugins: hostrpc.PluginSets(),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Managed:          true,
		Logger:           opts.Logger,
		GRPCDialOptions:  hostrpc.DialOptions(p.log),
		StartTimeout:     opts.StartTimeout,
		SkipHostEnv:      true,
	}
	if cand.reattach != nil {
		cfg.Reattach = cand.reattach
		// go-plugin negotiates the version only for processes it starts;
		// a reattached client dispenses from Plugins.
		cfg.Plugins = hostrpc.PluginSets()[sdk.ProtocolMajor]
	} else {
		level := logLevel(opts.Logger)
		cfg.RunnerFunc = func(_ hclog.Logger, proto *exec.Cmd, _ string) (runner.Runner, error) {
			cmd := exec.Command(cand.path, cand.args...)
			cmd.Env = append(pluginEnv(opts.PassEnv), proto.Env...)
			cmd.Env = append(cmd.Env, hostrpc.EnvLogLevel+"="+level, hostrpc.EnvParentPipe+"="+hostrpc.ParentPipeStdin)
			r, err := newProcRunner(cand.name, cmd)
			p.runner = r
			return r, err
		}
	}
	p.client = plugin.NewClient(cfg)
	track(p)

	type result struct {
		rpc plugin.ClientProtocol
		err error
	}
	ch := make(chan result, 1)
	go func() {
		rpc, err := p.client.Client()
		ch <- result{rpc, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			p.kill(nil)
			if ctx.Err() != nil {
				return p, fmt.Errorf("plugin %q: start: %w", cand.name, ctx.Err())
			}
			return p, p.startError(r.err)
		}
		p.rpc = r.rpc
		return p, nil
	case <-ctx.Done():
		p.kill(nil)
		return p, fmt.Errorf("plugin %q: start: %w", cand.name, ctx.Err())
	}
}

// verifyChecksum checks a pinned candidate's executable against its pin
// with go-plugin's SecureConfig, before anything runs it.
func verifyChecksum(cand *candidate, pins map[string][]byte) error {
	sum, pinned := pins[cand.name]
	if !pinned {
		return nil
	}
	if cand.reattach != nil {
		return fmt.Errorf("plugin %q is pinned by checksum but reattached, with no executable to check: %w", cand.name, ErrChecksumMismatch)
	}
	ok, err := (&plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}).Check(cand.path)
	if err != nil {
		return fmt.Errorf("plugin %q (%s): verify checksum: %w", cand.name, cand.path, err)
	}
	if !ok {
		return fmt.Errorf("plugin %q (%s): the executable's SHA-256 is not the pinned %x: %w", cand.name, cand.path, sum, ErrChecksumMismatch)
	}
	return nil
}

var pluginMajorPattern = regexp.MustCompile(`Plugin version: (\d+)`)

// startError rewords go-plugin's start failures into advice.
func (p *process) startError(err error) error {
	name, msg := p.cand.name, err.Error()
	if m := pluginMajorPattern.FindStringSubmatch(msg); m != nil {
		major, _ := strconv.Atoi(m[1])
		advice := "upgrade vlmask, or use a release of the plugin built for protocol " + strconv.Itoa(sdk.ProtocolMajor)
		if major < sdk.ProtocolMajor {
			advice = "upgrade the plugin (rebuild it with the current vlmask sdk)"
		}
		return fmt.Errorf("plugin %q (%s) speaks plugin protocol %d, this vlmask speaks %d: %s: %w",
			name, p.cand.path, major, sdk.ProtocolMajor, advice, ErrIncompatiblePlugin)
	}
	if strings.Contains(msg, "timeout while waiting for plugin to start") {
		return fmt.Errorf("plugin %q (%s): did not start within %s: %w", name, p.cand.path, p.start, ErrPluginTimeout)
	}
	if p.runner != nil {
		select {
		case <-p.runner.done:
			msg += " (" + p.runner.exitStatus() + ")"
		default:
		}
	}
	return fmt.Errorf("plugin %q (%s): %s: %w", name, p.cand.path, strings.ReplaceAll(msg, "\n", "; "), ErrPluginStart)
}

// dispense returns the client of the given name.
func (p *process) dispense(name string) (any, error) {
	raw, err := p.rpc.Dispense(name)
	if err != nil {
		return nil, fmt.Errorf("plugin %q: dispense %s: %w", p.cand.name, name, err)
	}
	return raw, nil
}

// pid is the OS process id, or 0 when not known (reattached, or not
// started).
func (p *process) pid() int {
	if p.runner == nil {
		return 0
	}
	return p.runner.pid
}

// kill stops the process (gracefully first) and waits for it to be gone.
// A reattached plugin is only disconnected, and keeps serving. Safe to call
// more than once. cause, when not nil, is why the host stopped it (its
// context's end): calls that fail afterwards match it too, so a run
// interrupted by the user is not blamed on the plugin.
func (p *process) kill(cause error) {
	if cause != nil {
		p.setFailure(fmt.Errorf("plugin %q: stopped by the host (%w): %w", p.cand.name, cause, ErrPluginExited))
	} else {
		p.setFailure(fmt.Errorf("plugin %q: stopped by the host: %w", p.cand.name, ErrPluginExited))
	}
	if p.cand.reattach != nil {
		if c, ok := p.rpc.(*plugin.GRPCClient); ok {
			_ = c.Conn.Close()
		}
		return
	}
	p.client.Kill()
}

// forceKill stops a process that is not answering, without the graceful
// wait.
func (p *process) forceKill() {
	if p.runner != nil {
		_ = p.runner.Kill(context.Background())
	}
	p.client.Kill()
}

// failure is the error that ended the process, if one did.
func (p *process) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fatal
}

func (p *process) setFailure(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fatal == nil {
		p.fatal = err
	}
}

// call runs one RPC under the call timeout and classifies its failure: the
// caller's cancellation passes through; a timeout stops the plugin
// (ErrPluginTimeout); a lost connection or dead process is ErrPluginExited;
// anything else is the plugin's own error, typed as the plugin wrapped it.
// After a timeout or exit every later call returns the same error.
//
// The caller's cancellation wins over any plugin failure that follows from
// it: when the host is stopping because the run was interrupted, the
// plugin's death is a consequence, not the error to report.
func (p *process) call(ctx context.Context, op string, fn func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("plugin %q: %s: %w", p.cand.name, op, err)
	}
	if err := p.failure(); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	err := fn(cctx)
	if err == nil {
		return nil
	}
	name := p.cand.name
	if ctx.Err() == nil && endedByDeadline(err) {
		// The plugin's server enforces the deadline gRPC sent it and may
		// reset the stream a moment before this side's timer fires.
		select {
		case <-cctx.Done():
		case <-time.After(deadlineSlack):
		}
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("plugin %q: %s: %w", name, op, ctx.Err())
	case errors.Is(cctx.Err(), context.DeadlineExceeded):
		fatal := fmt.Errorf("plugin %q: %s: no answer within %s, plugin stopped: %w", name, op, p.timeout, ErrPluginTimeout)
		p.setFailure(fatal)
		p.forceKill()
		return p.failure()
	case p.lost(err):
		status := p.awaitExit()
		fatal := fmt.Errorf("plugin %q: %s: plugin process exited (%s): %w", name, op, status, ErrPluginExited)
		p.setFailure(fatal)
		p.forceKill()
		return p.failure()
	}
	return fmt.Errorf("plugin %q: %s: %w", name, op, err)
}

// lost reports whether err means the plugin is gone rather than that it
// answered with an error.
func (p *process) lost(err error) bool {
	if isUnavailable(err) || p.client.Exited() {
		return true
	}
	if p.runner != nil {
		select {
		case <-p.runner.done:
			return true
		default:
		}
	}
	return false
}

// awaitExit waits briefly for the process to be reaped and describes how it
// ended.
func (p *process) awaitExit() string {
	if p.runner == nil {
		return "connection lost"
	}
	select {
	case <-p.runner.done:
	case <-time.After(exitGrace):
		return "connection lost; process still running, killed"
	}
	return p.runner.exitStatus()
}
