package results

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
)

// sink is one output file in the making.
type sink interface {
	write(rows []Row) error
	// flush pushes everything written so far to the temporary file and
	// syncs it to stable storage.
	flush() error
	// finish completes the file with the given key/value metadata, syncs
	// and closes it, still under its temporary name.
	finish(kv map[string]string) error
	// commit renames the finished file into place.
	commit() error
	// discard closes the file if needed and removes the temporary file.
	discard() error
	finalPath() string
}

// Writer streams rows into the files of one results base (BASE.parquet,
// BASE.csv). Its memory does not grow with the number of rows: Parquet row
// groups are written out as they fill. A Writer is not safe for concurrent
// use.
type Writer struct {
	base          string
	opts          Options
	sinks         []sink
	rows          int64
	stepsFinished int
	complete      bool
	closed        bool // Close or Abort was called
	aborted       bool
	closeErr      error // what Close returned; a second Close returns it again
	err           error // first failed write or flush; every later call returns it
}

// Create starts the files of base: BASE.parquet and/or BASE.csv per
// opts.Formats (BASE.meta.json too with CSV), written into temporary files
// in base's directory (created if missing) and renamed into place by Close.
// An existing file at a final path stays untouched until Close replaces it.
// Create removes temporary files that a crashed writer of the same base
// left behind; two live writers must not share a base. base must not end in
// .parquet or .csv.
func Create(base string, opts Options) (*Writer, error) {
	n, err := opts.normalized()
	if err != nil {
		return nil, fmt.Errorf("create results %q: %w", base, err)
	}
	if err := validateBase(base); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return nil, fmt.Errorf("create results %q: %w", base, err)
	}
	w := &Writer{base: base, opts: n}
	for _, f := range n.Formats {
		final := base + f.Extension()
		stale := []string{final}
		if f == FormatCSV {
			stale = append(stale, SidecarPath(final))
		}
		for _, p := range stale {
			if err := removeStaleTemps(p); err != nil {
				return nil, errors.Join(fmt.Errorf("create results %q: %w", base, err), w.discardAll())
			}
		}
		var s sink
		switch f {
		case FormatParquet:
			s, err = newParquetSink(final, n)
		case FormatCSV:
			s, err = newCSVSink(final, n)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("create results %q: %w", base, err), w.discardAll())
		}
		w.sinks = append(w.sinks, s)
	}
	return w, nil
}

func validateBase(base string) error {
	name := filepath.Base(base)
	switch {
	case base == "" || strings.HasSuffix(base, string(filepath.Separator)) || strings.HasSuffix(base, "/"):
		return fmt.Errorf("results base %q: %w (want a path without extension, e.g. output/prompt)", base, ErrInvalidOptions)
	case name == "." || name == "..":
		return fmt.Errorf("results base %q: %w (names a directory)", base, ErrInvalidOptions)
	}
	switch strings.ToLower(filepath.Ext(base)) {
	case FormatParquet.Extension(), FormatCSV.Extension():
		return fmt.Errorf("results base %q: %w (leave out the extension; formats add it)", base, ErrInvalidOptions)
	}
	return nil
}

// Paths returns the final paths of the data files, in Options.Formats
// order. They exist only after a successful Close. A CSV file's sidecar is
// at SidecarPath.
func (w *Writer) Paths() []string {
	paths := make([]string, len(w.sinks))
	for i, s := range w.sinks {
		paths[i] = s.finalPath()
	}
	return paths
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Write validates rows, then appends them to every file. A row that fails
// validation makes Write return an error matching ErrInvalidRow or
// ErrInvalidVariant, and none of the rows of that call is written. The
// rows slice may be reused once Write returns.
func (w *Writer) Write(rows []Row) error {
	if err := w.usable(); err != nil {
		return err
	}
	for i := range rows {
		if err := validateRow(&rows[i], len(w.opts.MetricColumns)); err != nil {
			return fmt.Errorf("write results %q: row %d: %w", w.base, w.rows+int64(i), err)
		}
	}
	for _, s := range w.sinks {
		if err := s.write(rows); err != nil {
			w.err = fmt.Errorf("write results %q: %w", w.base, err)
			return w.err
		}
	}
	w.rows += int64(len(rows))
	return nil
}

// Flush makes everything written so far durable in the temporary files.
// For Parquet it also ends the current row group, so call it at step
// boundaries rather than per batch. The final files still appear only at
// Close.
func (w *Writer) Flush() error {
	if err := w.usable(); err != nil {
		return err
	}
	for _, s := range w.sinks {
		if err := s.flush(); err != nil {
			w.err = fmt.Errorf("flush results %q: %w", w.base, err)
			return w.err
		}
	}
	return nil
}

// SetProgress records how far the run got, for the metadata Close writes:
// stepsFinished generation steps have all their rows written, and complete
// says the run ended normally. Without a call, Close marks the files
// incomplete with 0 steps finished.
func (w *Writer) SetProgress(stepsFinished int, complete bool) error {
	if err := w.usable(); err != nil {
		return err
	}
	if stepsFinished < 0 {
		return fmt.Errorf("results %q: steps finished %d: %w (negative)", w.base, stepsFinished, ErrInvalidOptions)
	}
	w.stepsFinished, w.complete = stepsFinished, complete
	return nil
}

// SetMetadata adds or replaces one run metadata entry before Close, for
// facts known only after Create (e.g. the generated text).
func (w *Writer) SetMetadata(key, value string) error {
	if err := w.usable(); err != nil {
		return err
	}
	if isReservedKey(key) {
		return fmt.Errorf("results %q: metadata key %q: %w", w.base, key, ErrReservedKey)
	}
	if w.opts.Metadata == nil {
		w.opts.Metadata = make(map[string]string)
	}
	w.opts.Metadata[key] = value
	return nil
}

// Close finishes the files — footer, metadata with the progress recorded by
// SetProgress — and renames them into place atomically. Call it also when a
// run is interrupted, so the rows finished so far are kept. If a write
// failed earlier, or finishing fails, Close removes the temporary files and
// returns the error. A second Close returns what the first returned.
func (w *Writer) Close() error {
	if w.aborted {
		return fmt.Errorf("close results %q: %w (aborted)", w.base, ErrClosed)
	}
	if w.closed {
		return w.closeErr
	}
	w.closed = true
	w.closeErr = w.finishAndCommit()
	return w.closeErr
}

func (w *Writer) finishAndCommit() error {
	if w.err != nil {
		return errors.Join(fmt.Errorf("close results %q: earlier failure: %w", w.base, w.err), w.discardAll())
	}
	kv := maps.Clone(w.opts.Metadata)
	if kv == nil {
		kv = make(map[string]string)
	}
	maps.Copy(kv, progressKeyValue(w.complete, w.stepsFinished, w.rows))
	for _, s := range w.sinks {
		if err := s.finish(kv); err != nil {
			return errors.Join(fmt.Errorf("close results %q: %w", w.base, err), w.discardAll())
		}
	}
	for i, s := range w.sinks {
		if err := s.commit(); err != nil {
			return errors.Join(fmt.Errorf("close results %q: %w", w.base, err), discard(w.sinks[i:]))
		}
	}
	return nil
}

// Abort removes the temporary files, for a failure that produced nothing
// worth keeping. Abort after Close, or twice, does nothing, so
// `defer w.Abort()` after Create is safe.
func (w *Writer) Abort() error {
	if w.closed {
		return nil
	}
	w.closed, w.aborted = true, true
	err := w.discardAll()
	if err != nil {
		return fmt.Errorf("abort results %q: %w", w.base, err)
	}
	return nil
}

func (w *Writer) usable() error {
	if w.closed {
		return fmt.Errorf("results %q: %w", w.base, ErrClosed)
	}
	return w.err
}

func (w *Writer) discardAll() error { return discard(w.sinks) }

func discard(sinks []sink) error {
	var errs []error
	for _, s := range sinks {
		errs = append(errs, s.discard())
	}
	return errors.Join(errs...)
}
