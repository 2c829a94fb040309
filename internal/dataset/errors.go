package dataset

import "errors"

// Sentinel errors; errors from this package match them with errors.Is.
var (
	// ErrInvalid reports a dataset file or row vlmask cannot use; the
	// message names the file and the row.
	ErrInvalid = errors.New("invalid dataset")
	// ErrShard reports a shard that cannot be told or does not exist.
	ErrShard = errors.New("invalid shard")
)
