// Package core is vlmask's domain and orchestration layer: the prepared model
// input (Prompt), the small Model interface a backend implements, and the
// analysis loop that turns a model's per-layer probes into knockout rows.
//
// Calls go one way: cmd/vlmask wires a backend (backend/onnx) that implements
// Model, and core drives it; core never imports a backend, purego or the CLI
// library. Masking strategies and metrics reach core only through the sdk
// interfaces, so core does not care whether they run in process or as
// plugin processes.
package core
