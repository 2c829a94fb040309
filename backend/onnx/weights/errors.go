package weights

import "errors"

// ErrMismatch: a checkpoint tensor is missing or its shape disagrees with
// config.json.
var ErrMismatch = errors.New("checkpoint weights do not match config.json")
