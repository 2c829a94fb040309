// Package safetensors reads and writes Hugging Face safetensors files: a
// checkpoint's weights (F32, BF16, F16) and the golden reference tensors
// (F64, I64, I32), single files and sharded sets described by
// model.safetensors.index.json.
//
// Calls go one way: model backends, the front end and tests call Open or
// OpenDir, look tensors up by name and convert them with Tensor.Float32,
// Float32View, Float64 or Int64; this package calls nothing else of
// vlmask's. A later tool writes small test checkpoints with WriteFile.
//
// Files are memory-mapped read-only where the operating system allows it
// (unix) and read into memory elsewhere. Tensor.Data is a view into that
// mapping: it stays valid until the File or Set is closed, and it must not
// be written to. Every header is validated when the file is opened (header
// length, JSON, dtypes, shapes, offsets inside the data buffer, no overlap,
// element count times element size equal to the byte length), so a corrupt
// or truncated file is a one-line error naming the file, never a crash or an
// oversized allocation. A file truncated by another process after it was
// mapped can still fault on access; that is outside what a reader can check.
//
// File format: 8 bytes little-endian header length N, N bytes of JSON
// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {string: string}}, then the data buffer. Offsets are
// relative to the start of the data buffer; values are little-endian.
package safetensors
