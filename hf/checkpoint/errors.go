package checkpoint

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is. A missing config.json matches os.ErrNotExist.
var (
	// ErrUnsupportedModel reports a model_type this package does not know.
	ErrUnsupportedModel = errors.New("unsupported model type")
	// ErrInvalidConfig reports a config.json or generation_config.json that
	// is not valid JSON, has a field of the wrong type, or is internally
	// inconsistent (see Config.Validate).
	ErrInvalidConfig = errors.New("invalid checkpoint configuration")
)
