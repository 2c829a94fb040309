package mrope

import "errors"

// Sentinel errors, usable with errors.Is.
var (
	// ErrMismatch: the prompt's image tokens do not match the image grids
	// (count, placement after <|vision_start|>, or block length).
	ErrMismatch = errors.New("image tokens do not match the image grids")
	// ErrVideoUnsupported: the prompt holds a video token.
	ErrVideoUnsupported = errors.New("video input is not supported")
	// ErrOptions: the options or a grid are unusable (merge size, family,
	// grid sides).
	ErrOptions = errors.New("invalid MRoPE options")
)
