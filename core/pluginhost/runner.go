package pluginhost

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"

	"github.com/hashicorp/go-plugin/runner"
)

// procRunner runs one plugin process for go-plugin. It exists, instead of
// go-plugin's default runner, for four things: the name go-plugin re-emits
// the plugin's logs under (the plugin's name, not the executable's, which
// is "vlmask" for every built-in), the process's exit status for error
// messages, a channel that closes when the process is gone, and the parent
// pipe: the plugin's standard input is a pipe whose write end only this
// process holds, so the plugin reads end-of-file — and exits — when the host
// is gone, however it ended (SIGKILL included: the kernel closes the write
// end). The write end is close-on-exec, so no other child inherits it.
type procRunner struct {
	name   string
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr io.ReadCloser
	pid    int
	parent *os.File // write end of the parent pipe; closed once the process is gone
	child  *os.File // read end, the plugin's stdin; closed here once started

	done    chan struct{}
	waitErr error // set before done closes
	once    sync.Once
}

var _ runner.Runner = (*procRunner)(nil)

func newProcRunner(name string, cmd *exec.Cmd) (*procRunner, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	child, parent, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdin = child
	return &procRunner{name: name, cmd: cmd, stdout: stdout, stderr: stderr, parent: parent, child: child, done: make(chan struct{})}, nil
}

func (r *procRunner) Start(context.Context) error {
	err := r.cmd.Start()
	_ = r.child.Close() // the plugin has its own copy
	if err != nil {
		r.finish(err)
		return err
	}
	r.pid = r.cmd.Process.Pid
	return nil
}

// Wait is called once, by go-plugin, after the output pipes are drained.
func (r *procRunner) Wait(context.Context) error {
	err := r.cmd.Wait()
	r.finish(err)
	return err
}

func (r *procRunner) finish(err error) {
	r.once.Do(func() {
		r.waitErr = err
		_ = r.parent.Close()
		close(r.done)
	})
}

func (r *procRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// exitStatus describes how the process ended, once it has.
func (r *procRunner) exitStatus() string {
	select {
	case <-r.done:
		if r.waitErr == nil {
			return "exit status 0"
		}
		return r.waitErr.Error()
	default:
		return "still running"
	}
}

func (r *procRunner) Stdout() io.ReadCloser { return r.stdout }
func (r *procRunner) Stderr() io.ReadCloser { return r.stderr }
func (r *procRunner) Name() string          { return r.name }
func (r *procRunner) ID() string {
	if r.pid == 0 {
		return ""
	}
	return strconv.Itoa(r.pid)
}

func (r *procRunner) Diagnose(context.Context) string {
	return "the executable may not be a vlmask plugin, may be built for another platform, or may have failed before the handshake; run it by hand to see"
}

func (r *procRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (r *procRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
