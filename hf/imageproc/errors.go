package imageproc

import "errors"

// Sentinel errors, usable with errors.Is. Errors returned by this package
// wrap one of them and name the file (or config) and the problem.
var (
	// ErrNotImage: the file is not a PNG, JPEG, GIF or WebP image.
	ErrNotImage = errors.New("not an image (no PNG, JPEG, GIF or WebP signature)")
	// ErrCorruptImage: the file looks like an image but cannot be decoded
	// (truncated, bad checksum, unsupported variant).
	ErrCorruptImage = errors.New("corrupt or truncated image")
	// ErrEmptyImage: the image has no pixels (a zero width or height).
	ErrEmptyImage = errors.New("empty image")
	// ErrTooLarge: the image has more pixels than PIL would open.
	ErrTooLarge = errors.New("image too large")
	// ErrAspectRatio: the longer side is more than 200 times the shorter,
	// which transformers' smart_resize refuses.
	ErrAspectRatio = errors.New("aspect ratio above 200")
	// ErrConfig: preprocessor_config.json is malformed or asks for
	// something this package does not support.
	ErrConfig = errors.New("invalid preprocessor config")
)
