package decoder

import "errors"

var (
	// ErrUnsupported: the checkpoint or the prompt asks for something this
	// backend does not implement.
	ErrUnsupported = errors.New("not supported")
	// ErrClosed: the model or sequence was used after Close.
	ErrClosed = errors.New("closed")
	// ErrOutOfMemory: the checkpoint would not fit in the memory available.
	ErrOutOfMemory = errors.New("not enough memory")
)
