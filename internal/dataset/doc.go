// Package dataset reads the studies vlmask runs at dataset scale: a file of
// rows, each one prompt with its images and optional per-row settings, and
// decides which rows a shard of a sharded run owns.
//
// A dataset file is JSON Lines (.jsonl, .ndjson), CSV (.csv, with a header
// row) or the original tool's YAML batch format (.yaml, .yml: each enabled
// prompt is a row named after it). Each row has a stable id: the one it
// gives, or a hash of its inputs as written (image paths, prompt, per-row
// settings), so the same row keeps its id when rows are added, removed or
// reordered and when the dataset's directory moves. Relative image paths are
// read from the dataset file's directory.
//
// Rows are assigned to shards by their id's hash (ShardOf), so a row stays
// in its shard when rows are appended, and every process of a run agrees on
// the assignment without talking to the others. ResolveShard reads which
// shard a process is: --shard i/n, a Slurm array task
// (SLURM_ARRAY_TASK_ID and its siblings) or a Kubernetes Indexed Job pod
// (JOB_COMPLETION_INDEX with the shard count).
//
// Calls go one way: the command line and internal/dataset/runner call Load
// and ResolveShard; this package reads files and the environment and calls
// nothing else of vlmask's but internal/batchconfig (for the YAML format).
package dataset
