package sdk

import "errors"

// Errors a plugin returns, or the host reports. They keep their identity
// across the wire: errors.Is works on the host for an error the plugin
// wrapped.
var (
	// ErrInvalidConfig rejects a configuration passed to Configure.
	ErrInvalidConfig = errors.New("invalid config")
	// ErrNotImplemented reports an operation or capability the plugin does
	// not have. An RPC the plugin does not serve maps to it too.
	ErrNotImplemented = errors.New("not implemented")
	// ErrInvalidRequest rejects a malformed request.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrInvalidOutput reports a response that breaks the protocol's rules
	// (see ValidateMask and ValidateScore).
	ErrInvalidOutput = errors.New("invalid plugin output")
)
