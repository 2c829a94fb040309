package tokenizer

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrMalformed reports a tokenizer.json that cannot be read as a
	// tokenizer: not JSON, no model, a bad merges entry, a merge whose parts
	// or result are not in the vocabulary, a bad added token.
	ErrMalformed = errors.New("malformed tokenizer file")
	// ErrUnsupported reports a well-formed tokenizer.json that uses a model,
	// normalizer, pre-tokenizer, decoder or option this package does not
	// implement.
	ErrUnsupported = errors.New("unsupported tokenizer component")
	// ErrInvalidUTF8 reports text handed to Encode that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("text is not valid UTF-8")
)
