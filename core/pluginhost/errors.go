package pluginhost

import (
	"errors"

	"github.com/vlmask/vlmask/sdk"
)

// Errors of the plugin host; every error it returns names the plugin.
var (
	// ErrPluginNotFound: no plugin of that name in the search path.
	ErrPluginNotFound = errors.New("plugin not found")
	// ErrPluginStart: the plugin process could not be started or did not
	// complete the handshake (for example, it is not a vlmask plugin).
	ErrPluginStart = errors.New("plugin did not start")
	// ErrPluginExited: the plugin process died (crashed or exited) while in
	// use.
	ErrPluginExited = errors.New("plugin process exited")
	// ErrPluginTimeout: the plugin did not answer a call within
	// Options.CallTimeout (or start within Options.StartTimeout); it was
	// stopped.
	ErrPluginTimeout = errors.New("plugin timed out")
	// ErrIncompatiblePlugin: the plugin speaks a protocol version this host
	// does not; the message says which side to upgrade.
	ErrIncompatiblePlugin = errors.New("incompatible plugin")
	// ErrPluginKind: the plugin is not of the kind asked for (a metric asked
	// for as a masking strategy, or the reverse).
	ErrPluginKind = errors.New("wrong kind of plugin")
	// ErrBadPluginOutput: the plugin's answer broke the protocol's rules
	// (see sdk.ValidateMask and sdk.ValidateScore). It is
	// sdk.ErrInvalidOutput, so either matches.
	ErrBadPluginOutput = sdk.ErrInvalidOutput
	// ErrHostClosed: the host was closed (or its context ended; the error
	// then also matches the context's error, e.g. context.Canceled).
	ErrHostClosed = errors.New("plugin host closed")
	// ErrChecksumMismatch: a plugin pinned in Options.Checksums is not the
	// file that was pinned; it was not started.
	ErrChecksumMismatch = errors.New("plugin checksum mismatch")
)
