package qwen3vl

import "errors"

var (
	// ErrWeightMismatch: a checkpoint tensor is missing or its shape
	// disagrees with config.json.
	ErrWeightMismatch = errors.New("checkpoint weights do not match config.json")
	// ErrUnsupported: the checkpoint asks for something this backend does not
	// implement.
	ErrUnsupported = errors.New("not supported")
	// ErrClosed: the model or sequence was used after Close.
	ErrClosed = errors.New("closed")
	// ErrOutOfMemory: the checkpoint would not fit in the memory available.
	ErrOutOfMemory = errors.New("not enough memory")
)
