package chattemplate

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrNoTemplate reports a checkpoint directory without any chat
	// template.
	ErrNoTemplate = errors.New("no chat template")
	// ErrMalformed reports a chat_template.json or tokenizer_config.json
	// that cannot be read, or messages or options that cannot be turned
	// into template values.
	ErrMalformed = errors.New("malformed chat template input")
	// ErrSyntax reports a template that does not parse.
	ErrSyntax = errors.New("chat template syntax error")
	// ErrRender reports a template that fails while rendering: a call to
	// raise_exception, or an operation on values of the wrong type.
	ErrRender = errors.New("chat template render failed")
)
