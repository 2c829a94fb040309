// Package results writes vlmask's knockout table — one row per
// (generation_step, layer, masked group, variant) — as Snappy Parquet with
// data pages of version 1 (the format the original tool's viewers and
// pyarrow read) and, optionally, as RFC 4180 CSV, and reads those files back.
//
// Calls go one way: the analysis loop (package core) and the CLI call
// Create, then Writer.Write for each batch of rows as it is produced, then
// Writer.Close; the report and view commands call ReadFinished, tests call
// Read, and --resume calls Complete. This
// package calls nothing else of vlmask's, and it is the only package of the
// project that imports parquet-go.
//
// Files appear atomically. A Writer writes into temporary files in the
// destination directory and renames them into place in Close, so a reader
// never sees a half-written file at the final path.
//
// No file holds part of a step. Rows come in generation-step order, and
// each step's rows form a segment of the file: for Parquet a small Parquet
// file of its own, followed by a checkpoint footer that describes every
// segment so far, so the temporary file cut at any checkpoint is a valid
// results file; for CSV the offset where the step's lines end. A run that
// is interrupted or fails calls Close too: Close keeps exactly the steps
// that finished (SetProgress) — the rows of the step it was stopped in are
// cut off — and marks the files vlmask.complete=false with
// vlmask.steps_finished (and vlmask.steps_planned, when given).
//
// Nothing is lost to a kill. A process killed without Close (SIGKILL, the
// OOM killer) leaves its temporary files; the next Create for the same
// base recovers their finished steps — Parquet up to the last checkpoint
// footer, CSV up to the last step whose successor began — into
// BASE.recovered-<time>.parquet/.csv, or moves a file with no finished step
// aside as BASE.parquet.partial-<time>, and reports what it did
// (Writer.Recovered) for the caller to log. A live writer holds a lock on
// its temporary files, so another writer of the same base gets ErrInUse
// instead of mistaking them for leftovers.
//
// Readers check completeness. ReadFinished returns only the rows of
// finished steps, and Meta.Status gives the line a reader prints first
// ("incomplete: 3 of 5 steps"). Files are opened with OpenRegular: a path
// that is not a regular file (a FIFO, a device) is refused before it is
// read, so a reader never blocks on one.
//
// Column layout (the first eight are the original tool's, in its order):
//
//	generation_step  INT64
//	layer            INT64
//	token_masked     STRING (never null)
//	token_position   INT64
//	variant          STRING
//	l2_distance      DOUBLE
//	cosine_distance  DOUBLE
//	attention_weight DOUBLE, null except on AttentionWeight_* rows
//	token_id         INT64
//	modality         STRING (text, image or mixed)
//	image_index      INT64, nullable
//	patch_row        INT64, nullable
//	patch_col        INT64, nullable
//	group_label      STRING
//	group_size       INT64
//	prompt_name      STRING
//	kl               DOUBLE, nullable  ┐ the effect columns, only in a file
//	dlogp            DOUBLE, nullable  │ written with Options.Effect (run
//	tv               DOUBLE, nullable  │ --effect); null except on the
//	argmax_changed   INT64, nullable   │ propagated knockout's Effect_W{k}
//	rank             INT64, nullable   │ rows (Row.Effect)
//	final_hidden_l2  DOUBLE, nullable  ┘
//	<metric columns> DOUBLE, nullable, named in Options.MetricColumns
//
// Files without the effect columns, as every file before them, read as
// before: Meta.Effect tells them apart.
//
// Values are stored unrounded: Parquet holds the float64 bits, CSV the
// shortest decimal that parses back to the same float64.
package results
