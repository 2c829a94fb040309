// Package wire holds what both ends of the plugin protocol share and that
// needs no sdk types: the go-plugin handshake constants, the dispense names,
// the message size limit, the float32 ↔ little-endian bytes packing and the
// per-RPC trace interceptors. Package sdk (the plugin's side) and
// sdk/hostrpc (the host's side) import it; it imports neither.
package wire
