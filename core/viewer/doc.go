// Package viewer is the interactive, offline viewer of vlmask results
// files: an index over a Parquet results file that answers slices of the
// knockout table — one generation step, some layers, some variants, one
// value column — without loading the table, the HTTP handlers of
// `vlmask serve` that hand those slices to a browser app embedded in the
// binary, and `vlmask export`, which writes the same app and a chosen
// subset of the data into one self-contained HTML file.
//
// Calls go one way: the CLI opens files (Open), wraps them in a Server or
// calls Export; the Server answers the browser. The package reads results
// through core/results (Table), images through hf/imageproc and token
// texts, when the table cannot tell them, through hf/tokenizer. It writes
// nothing but what Export is asked to write.
//
// # How a file is read
//
// Open scans two columns, generation_step and layer, once, and keeps one
// entry per (step, layer): the range of rows it occupies (vlmask writes
// rows in step → layer → position → variant order, so each is one
// contiguous run; a file in another order is refused with ErrLayout). The
// first query of a step reads that step's first layer's token columns
// (position, text, modality, grid cell, group) and the variant column, the
// step's layout; it assumes, and checks on the step's last layer, that
// every layer of a step repeats the same positions and variants in the same
// order, as the analysis writes them (a masking strategy is asked for its
// groups once per step). After that, a query reads only its value column
// over the rows it needs. Memory therefore grows with the number of steps
// and layers and with the size of one step's layout, not with the number of
// rows; results of recent queries are kept in a cache bounded in bytes.
//
// # What the server exposes
//
// The server is read-only (GET and HEAD only), answers only requests whose
// Host header names the address it listens on (so a web page cannot reach
// it through DNS rebinding), refers to files by their index in the list it
// was given and to images by their index in a file's run metadata (never
// by a path from the request), serves an image only when it is a regular
// file under MaxImageBytes, and sends every page with a Content-Security-
// Policy that allows nothing outside the server itself. The embedded
// assets contain no external URL (a test checks).
package viewer
