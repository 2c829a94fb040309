// Package weights hands checkpoint tensors to the ONNX graph builders in a
// model's compute dtype. A tensor already in that dtype is used in place,
// straight from the memory-mapped safetensors file (ONNX Runtime reads it
// zero-copy); anything else is converted once and the copy is kept for as
// long as the sessions that read it.
//
// A Declarer declares the tensors of one graph and keeps the first error,
// so graph code stays declarative: a missing or misshapen tensor is reported
// by name before any session exists.
package weights
