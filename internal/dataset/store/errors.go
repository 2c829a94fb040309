package store

import "errors"

// Sentinel errors; errors from this package match them with errors.Is.
var (
	// ErrShardBusy reports a shard whose manifest another live process
	// holds: the same shard is running elsewhere.
	ErrShardBusy = errors.New("shard is being run by another process")
	// ErrLayoutMismatch reports a run whose shard count or settings differ
	// from those the output directory was started with.
	ErrLayoutMismatch = errors.New("output directory holds a different run")
	// ErrInvalidLabel reports a partition value that is not a safe name.
	ErrInvalidLabel = errors.New("invalid partition value")
)
