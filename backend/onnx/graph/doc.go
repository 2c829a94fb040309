// Package graph builds ONNX models in memory, as onnxpb protobuf messages,
// from plain Go calls: inputs, weights, constants and operator nodes.
//
// Model code (for example backend/onnx/qwen3vl) calls into graph; graph
// calls only onnxpb and the protobuf runtime, never ONNX Runtime. The
// resulting Model is handed to backend/onnx/ort, which creates a session
// from it and wires its external weights in without copying them.
//
// A Builder records nodes in the order they are created, so the graph is
// topologically sorted by construction. Errors (a bad dimension, a
// constant of the wrong length, a value from another builder) are collected
// while building and reported by Build, so graph code can stay declarative.
//
// Weights above InlineLimit never go into the protobuf: they become
// EXTERNAL stub initializers and are listed in Model.Externals, which keeps
// models far larger than the 2 GiB protobuf limit loadable.
package graph
