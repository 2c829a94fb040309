// Package hostrpc is the host's side of the vlmask plugin protocol: the
// go-plugin handshake and plugin sets a host dials with, and gRPC clients
// that implement sdk.MaskingStrategy and sdk.Metric over a plugin
// connection, so the caller cannot tell them from in-process
// implementations.
//
// Calls go from the host to the plugin: core/pluginhost (which starts,
// watches and stops plugin processes) and sdk/sdktest (which serves a plugin
// in-process) dispense a client here and call it; the plugin's side,
// sdk.ServeMasking and sdk.ServeMetric, answers. Errors the plugin returned
// keep their identity (errors.Is with sdk.ErrInvalidConfig,
// sdk.ErrNotImplemented, sdk.ErrInvalidRequest), and their gRPC status stays
// reachable with status.Code. This package validates nothing and manages no
// processes.
package hostrpc
