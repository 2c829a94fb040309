// Package runner runs one shard of a dataset study: it loads the model
// once (on the first row it has to analyse), analyses each row the shard
// owns into its part of the output dataset, and records each finished row
// in the shard's manifest, so that a shard run again — requeued by Slurm,
// its pod evicted, or resubmitted by hand — skips the rows it finished and
// redoes only the rest, with no row written twice.
//
// Order of events for one shard: check the output directory's layout
// (shard count, settings), lock the shard's manifest, read every
// manifest of the model, tidy the shard's directories (adopt a complete
// part that was written but not recorded; move anything else that is not
// a finished part aside), then for each row: skip it if finished, else
// analyse it, then record it done, or failed (moving a part it left
// incomplete aside). An interruption (SIGTERM from scancel, preemption or
// pod eviction) stops the shard after moving the interrupted row's
// incomplete part aside; the row is redone next time.
//
// Calls go one way: the command line calls Run; Run calls
// internal/dataset, internal/dataset/store and, through Analyzer,
// internal/run's Session.
package runner
