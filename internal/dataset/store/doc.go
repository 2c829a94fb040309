// Package store lays a sharded study's results out on disk as one
// Hive-partitioned Parquet dataset, keeps the per-shard manifests that let
// a re-queued or preempted shard resume, and checks the whole dataset.
//
// Layout of an output directory OUT:
//
//	OUT/model=<label>/mask_mode=<mode>/shard=<NNNN>/part-<row id>.parquet
//	OUT/_vlmask/model=<label>/layout.json          shard count and run settings
//	OUT/_vlmask/model=<label>/shard-<NNNN>.jsonl   the shard's manifest
//	OUT/_vlmask/model=<label>/aside/...            files moved out of the dataset
//
// One part holds one dataset row's results, written atomically by
// core/results with the run's metadata and the row's (MetaKeyRowID etc.);
// its prompt_name column is the row id. The partition keys are the ones a
// study compares by — the model, then the mask mode (or masking plugin) —
// followed by the shard, which keeps each shard's files in a directory of
// its own; DuckDB, Polars, pandas (pyarrow) and Spark read the tree with
// Hive partitioning as one table with model, mask_mode and shard columns.
// Nothing under _vlmask is a .parquet file, so a glob OUT/**/*.parquet
// sees the parts only.
//
// A manifest is an append-only JSON Lines file, one Record per row a
// shard finished or failed, appended and synced after the row's part is in
// place. A shard holds an exclusive lock on its manifest while it runs, so
// a second process of the same shard (a requeued task whose first run is
// still alive) stops at once instead of writing the same rows.
//
// Calls go one way: internal/dataset/runner writes through a Store, the
// command line calls Check; this package calls core/results to read
// parts' metadata and internal/dataset for row ids and shards.
package store
