package safetensors

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrCorrupt reports a file that is not a valid safetensors file:
	// truncated, a bad header, offsets outside the data, overlapping
	// tensors, or a byte length that does not match dtype and shape.
	ErrCorrupt = errors.New("invalid safetensors file")
	// ErrUnsupportedDType reports a conversion the tensor's dtype does not
	// allow, e.g. Float32 of an I8 tensor.
	ErrUnsupportedDType = errors.New("unsupported dtype")
	// ErrTensorNotFound reports a tensor name that is not in the file or
	// set.
	ErrTensorNotFound = errors.New("tensor not found")
	// ErrNoSafetensors reports a directory without any safetensors file.
	ErrNoSafetensors = errors.New("no safetensors files")
	// ErrInvalidIndex reports a bad model.safetensors.index.json: not JSON,
	// no weight_map, a shard path outside the directory, or a tensor
	// missing from the shard the index names.
	ErrInvalidIndex = errors.New("invalid safetensors index")
	// ErrInvalidTensor reports a Tensor handed to WriteFile (or converted)
	// whose name, dtype, shape or data length is not consistent.
	ErrInvalidTensor = errors.New("invalid tensor")
	// ErrClosed reports a lookup on a File or Set after Close.
	ErrClosed = errors.New("safetensors file is closed")
)
