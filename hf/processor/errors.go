package processor

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrImageCount: the prompt's image placeholders and the images given
	// disagree.
	ErrImageCount = errors.New("images and image placeholders do not match")
	// ErrProcessorConfig: processor_config.json or the processor's settings
	// are malformed or disagree with config.json or the tokenizer.
	ErrProcessorConfig = errors.New("invalid processor configuration")
)
