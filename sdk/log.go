package sdk

import (
	"errors"
	"os"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// Logger returns a logger that reaches the host's log: hclog JSON lines on
// the process's standard error (file descriptor 2), which the host parses
// and re-emits under the plugin's name. The level comes from the host
// through the VLMASK_LOG environment variable (trace, debug, info, warn,
// error or off; info when unset). Each call returns a new logger over the
// same stream; calling it often is cheap.
func Logger() hclog.Logger {
	level := hclog.LevelFromString(os.Getenv(wire.EnvLogLevel))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Level:      level,
		Output:     stderrFD{},
		JSONFormat: true,
	})
}

// stderrFD writes to file descriptor 2 directly. go-plugin replaces the
// os.Stderr variable with a pipe while serving; the descriptor itself stays
// the stream the host reads logs from.
type stderrFD struct{}

func (stderrFD) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := syscall.Write(syscall.Stderr, p[written:])
		if n > 0 {
			written += n
		}
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return written, err
		}
		if n <= 0 {
			return written, syscall.EIO
		}
	}
	return written, nil
}
