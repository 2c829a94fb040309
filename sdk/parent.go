package sdk

import (
	"io"
	"os"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// watchParent makes the plugin exit when its host is gone. A host that
// sets wire.EnvParentPipe keeps the only write end of a pipe on the
// plugin's standard input; when the host exits — normally, by a signal, or
// killed with SIGKILL or by the OOM killer — the kernel closes it and the
// read here returns end-of-file. Without the variable (an older host)
// standard input means nothing and is left alone. The host stops a plugin
// through go-plugin's Shutdown call first; this is for when it cannot.
func watchParent(log hclog.Logger) {
	if os.Getenv(wire.EnvParentPipe) != wire.ParentPipeStdin {
		return
	}
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		log.Debug("host gone (its pipe closed): exiting")
		os.Exit(0)
	}()
}
