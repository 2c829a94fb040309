package results

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sink is one output file in the making. Rows arrive in segments: the
// rows of one generation step, or of the rows between two cuts. A sink
// remembers where each segment ends, so finish can keep exactly the
// segments of finished steps.
type sink interface {
	// write appends rows, all of the given generation step, to the open
	// segment (opening one if needed).
	write(step int, rows []Row) error
	// cut ends the open segment, if any, records a checkpoint holding kv
	// (Parquet) and makes the file durable.
	cut(kv map[string]string) error
	// finish keeps the segments of steps below keep (every segment when
	// keep is negative), completes the file with the key/value metadata
	// kv and syncs it, still under its temporary name.
	finish(kv map[string]string, keep int) error
	// retarget changes the final path, before finish.
	retarget(final string)
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
//
// Rows must come in generation-step order. The rows of each step form a
// segment of the files; when a row of a new step arrives, or at Flush, the
// segment ends with a checkpoint that a process killed later can be
// recovered from (see Create). Close keeps exactly the steps that finished:
// the rows of a step the run did not finish are dropped.
type Writer struct {
	base          string
	opts          Options
	sinks         []sink
	recovered     []Recovery
	notReplaced   []string // final paths Close left alone, writing beside them
	rows          int64    // rows written (kept rows after Close)
	dropped       int64    // rows of unfinished steps that Close dropped
	stepRows      []stepCount
	step          int  // step of the last row written; -1 before any
	segmentRows   bool // rows written since the last checkpoint
	stepsFinished int  // as given to SetProgress
	progressSet   bool // SetProgress was called
	stepsSeen     int  // steps whose rows are all written: every step before the last one written
	complete      bool
	closed        bool // Close or Abort was called
	aborted       bool
	closeErr      error // what Close returned; a second Close returns it again
	err           error // first failed write or flush; every later call returns it
}

// stepCount is the number of rows written for one generation step.
type stepCount struct {
	step int
	rows int64
}

// Create starts the files of base: BASE.parquet and/or BASE.csv per
// opts.Formats (BASE.meta.json too with CSV), written into temporary files
// in base's directory (created if missing) and renamed into place by Close.
// An existing file at a final path stays untouched until Close replaces it.
// A final path holding a complete results file, or any file that is not an
// incomplete results file, makes Create fail with ErrExists unless
// opts.Replace asks to replace it.
//
// Temporary files that a killed writer of the same base left behind are
// never deleted unseen: Create recovers the finished steps they hold into
// BASE.recovered-<time>.parquet (or .csv), or moves them aside, and says
// what it did in Recovered. A temporary file that a live writer holds makes
// Create fail with ErrInUse (where the platform has file locks). base must
// not end in .parquet or .csv.
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
	for _, f := range n.Formats {
		if err := checkReplace(base+f.Extension(), n.Replace); err != nil {
			return nil, fmt.Errorf("create results %q: %w", base, err)
		}
	}
	w := &Writer{base: base, opts: n, step: -1}
	for _, f := range n.Formats {
		final := base + f.Extension()
		rec, err := recoverLeftovers(base, f)
		w.recovered = append(w.recovered, rec...)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("create results %q: %w", base, err), w.discardAll())
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

// NotReplaced lists the final paths where Close found a file it must not
// replace (see Close) and wrote beside instead, at the paths Paths gives.
func (w *Writer) NotReplaced() []string { return slices.Clone(w.notReplaced) }

// Recovered lists what Create did with the temporary files that killed
// writers of the same base had left behind, for the caller to report.
func (w *Writer) Recovered() []Recovery { return slices.Clone(w.recovered) }

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

// Rows returns the number of rows written so far; after Close, the number
// of rows kept.
func (w *Writer) Rows() int64 { return w.rows }

// Dropped returns the number of rows that Close dropped because their step
// did not finish.
func (w *Writer) Dropped() int64 { return w.dropped }

// Write validates rows, then appends them to every file. A row that fails
// validation, or comes from an earlier generation step than the rows before
// it, makes Write return an error matching ErrInvalidRow or
// ErrInvalidVariant, and none of the rows of that call is written. A row of
// a new step ends the previous step's segment with a checkpoint. The rows
// slice may be reused once Write returns.
func (w *Writer) Write(rows []Row) error {
	if err := w.usable(); err != nil {
		return err
	}
	prev := w.step
	for i := range rows {
		if err := validateRow(&rows[i], len(w.opts.MetricColumns), w.opts.Effect); err != nil {
			return fmt.Errorf("write results %q: row %d: %w", w.base, w.rows+int64(i), err)
		}
		if rows[i].Step < prev {
			return fmt.Errorf("write results %q: row %d: generation_step %d after step %d: %w (rows come in step order)",
				w.base, w.rows+int64(i), rows[i].Step, prev, ErrInvalidRow)
		}
		prev = rows[i].Step
	}
	for len(rows) > 0 {
		step := rows[0].Step
		if w.step >= 0 && step != w.step {
			// Rows of a new step: every row of the earlier ones is written.
			w.stepsSeen = w.step + 1
			if err := w.checkpoint(); err != nil {
				return err
			}
		}
		n := 1
		for n < len(rows) && rows[n].Step == step {
			n++
		}
		for _, s := range w.sinks {
			if err := s.write(step, rows[:n]); err != nil {
				w.err = fmt.Errorf("write results %q: %w", w.base, err)
				return w.err
			}
		}
		if k := len(w.stepRows); k > 0 && w.stepRows[k-1].step == step {
			w.stepRows[k-1].rows += int64(n)
		} else {
			w.stepRows = append(w.stepRows, stepCount{step, int64(n)})
		}
		w.step, w.segmentRows = step, true
		w.rows += int64(n)
		rows = rows[n:]
	}
	return nil
}

// Flush ends the current segment with a checkpoint: everything written so
// far is durable in the temporary files and, should the process be killed,
// recoverable as a valid file marked incomplete with the progress last
// given to SetProgress. For Parquet it also ends the current row group, so
// call it at step boundaries rather than per batch. The final files still
// appear only at Close. A Flush with nothing new written does nothing.
func (w *Writer) Flush() error {
	if err := w.usable(); err != nil {
		return err
	}
	return w.checkpoint()
}

// checkpoint ends the open segment of every sink.
func (w *Writer) checkpoint() error {
	if !w.segmentRows {
		return nil
	}
	w.segmentRows = false
	kv := w.keyValue(false, w.finishedSteps(), w.rows)
	for _, s := range w.sinks {
		if err := s.cut(kv); err != nil {
			w.err = fmt.Errorf("flush results %q: %w", w.base, err)
			return w.err
		}
	}
	return nil
}

// finishedSteps is how many steps have all their rows written, for a
// checkpoint: as SetProgress said, or as the rows show, whichever is more.
func (w *Writer) finishedSteps() int { return max(w.stepsFinished, w.stepsSeen) }

// keyValue is the key/value metadata of a file: the run metadata plus the
// progress keys.
func (w *Writer) keyValue(complete bool, stepsFinished int, rows int64) map[string]string {
	kv := maps.Clone(w.opts.Metadata)
	if kv == nil {
		kv = make(map[string]string)
	}
	maps.Copy(kv, progressKeyValue(complete, stepsFinished, w.opts.PlannedSteps, rows))
	return kv
}

// SetProgress records how far the run got, for the metadata Close writes:
// stepsFinished generation steps have all their rows written, and complete
// says the run ended normally. Close keeps the rows of the first
// stepsFinished steps only (all rows when complete). Without a call, Close
// marks the files incomplete and keeps the steps the rows show finished:
// every step before the last one written.
func (w *Writer) SetProgress(stepsFinished int, complete bool) error {
	if err := w.usable(); err != nil {
		return err
	}
	if stepsFinished < 0 {
		return fmt.Errorf("results %q: steps finished %d: %w (negative)", w.base, stepsFinished, ErrInvalidOptions)
	}
	w.stepsFinished, w.complete, w.progressSet = stepsFinished, complete, true
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
// run is interrupted: the rows of the finished steps are kept, those of a
// step that did not finish are dropped (Dropped counts them), so a file
// never holds part of a step. If a write failed earlier, or finishing
// fails, Close removes the temporary files and returns the error. A second
// Close returns what the first returned.
//
// An incomplete run never replaces a complete file: when a final path
// holds one (written meanwhile, or kept there under Options.Replace), or
// any file when Options.Replace is not set, the incomplete file goes beside
// it as BASE.incomplete.EXT; a complete run that finds a complete file
// there that Create did not see goes to BASE.new.EXT. Paths gives where the
// files went and NotReplaced the paths left alone.
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
	keep := -1 // every row
	kept := w.rows
	steps := w.stepsSeen
	if w.progressSet {
		steps = w.stepsFinished
	}
	if !w.complete {
		keep, kept = steps, 0
		for _, c := range w.stepRows {
			if c.step < keep {
				kept += c.rows
			}
		}
	}
	for i, s := range w.sinks {
		if final := s.finalPath(); !mayReplace(final, w.complete, w.opts.Replace) {
			s.retarget(besidePath(w.base, w.opts.Formats[i], w.complete))
			w.notReplaced = append(w.notReplaced, final)
		}
	}
	kv := w.keyValue(w.complete, steps, kept)
	for _, s := range w.sinks {
		if err := s.finish(kv, keep); err != nil {
			return errors.Join(fmt.Errorf("close results %q: %w", w.base, err), w.discardAll())
		}
	}
	for i, s := range w.sinks {
		if err := s.commit(); err != nil {
			return errors.Join(fmt.Errorf("close results %q: %w", w.base, err), discard(w.sinks[i:]))
		}
	}
	w.rows, w.dropped = kept, w.rows-kept
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
