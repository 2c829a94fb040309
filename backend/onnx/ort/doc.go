// Package ort is a thin binding of the ONNX Runtime C API, loaded at run
// time with purego (no cgo): a Runtime owns the loaded library, its
// function table and the ORT environment; Sessions run models built by
// backend/onnx/graph (or serialized ONNX bytes) on the CPU or CUDA
// execution provider; Values are tensors over Go memory, over mmapped
// memory, or allocated by ONNX Runtime.
//
// Calls go one way: model code (backend/onnx/qwen3vl) calls ort, ort calls
// the C library through the table in api.go, and the library never calls
// back into Go. There is no package-level state; every entry point hangs
// off a Runtime.
//
// Ownership: ONNX Runtime keeps pointers to the Go memory of tensors made
// by NewTensor and NewTensorBytes and of a model's external weights, so
// that memory is pinned (runtime.Pinner) until the Value or Session that
// owns it is closed. Close every Value, IoBinding and Session explicitly
// (Close is idempotent); a cleanup attached with runtime.AddCleanup only
// stops leaks of forgotten ones. The library and its ORT environment (a
// process-wide singleton) stay loaded for the life of the process, because
// ONNX Runtime cannot be unloaded, nor its environment recreated, safely.
//
// Threads: by default every session has its own intra-op thread pool.
// LoadWith with LoadOptions.SharedThreads gives the environment one shared
// pool that sessions made with SessionOptions.SharedThreads use instead;
// because the environment is per process, the first Runtime of a process
// decides whether it has one.
//
// Find the library with FindLibrary; see its documentation for the search
// order and for where to get one.
package ort
