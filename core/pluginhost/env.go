package pluginhost

import (
	"os"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/sdk/hostrpc"
)

// baseEnv are the variables a plugin gets from the host's environment:
// what a program needs to find its libraries and temporary directory and to
// format text (PATH, HOME, locale, time zone; the Windows system
// variables), and the Go runtime's own knobs, which change no result.
// Nothing else of the host's environment — credentials, tokens, the
// user's other settings — reaches a plugin unless named in
// Options.PassEnv.
var baseEnv = []string{
	"PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TMP", "TEMP", "LANG", "LANGUAGE", "TZ",
	"SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT",
	"GOMAXPROCS", "GODEBUG", "GOTRACEBACK", "GORACE", "GOCOVERDIR",
}

// pluginEnv is the environment a plugin starts with (before go-plugin's
// handshake variables and the host's own, which the caller appends): the
// host's values of baseEnv, LC_* and pass.
func pluginEnv(pass []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		name = canonicalEnvName(name)
		if name == hostrpc.EnvLogLevel || name == hostrpc.Handshake().MagicCookieKey || name == hostrpc.EnvParentPipe {
			continue
		}
		if slices.Contains(baseEnv, name) || strings.HasPrefix(name, "LC_") || slices.ContainsFunc(pass, func(p string) bool { return canonicalEnvName(p) == name }) {
			env = append(env, kv)
		}
	}
	return env
}
