// Package results writes vlmask's knockout table — one row per
// (generation_step, layer, masked group, variant) — as Snappy Parquet with
// data pages of version 1 (the format the original tool's viewers and
// pyarrow read) and, optionally, as RFC 4180 CSV, and reads those files back.
//
// Calls go one way: the analysis loop (package core) and the CLI call
// Create, then Writer.Write for each batch of rows as it is produced, then
// Writer.Close; the report command and tests call Read and Complete. This
// package calls nothing else of vlmask's, and it is the only package of the
// project that imports parquet-go.
//
// Files appear atomically. A Writer writes into temporary files in the
// destination directory and renames them into place in Close, so a reader
// never sees a half-written file at the final path. A run that is
// interrupted calls Close too: the rows written so far land in a valid file
// whose metadata says vlmask.complete=false and how many generation steps
// were finished (Writer.SetProgress), which Complete reports. A process
// that dies without Close leaves only a temporary file, which the next
// Create for the same base removes.
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
//	<metric columns> DOUBLE, nullable, named in Options.MetricColumns
//
// Values are stored unrounded: Parquet holds the float64 bits, CSV the
// shortest decimal that parses back to the same float64.
package results
