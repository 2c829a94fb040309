package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/run"
)

// Config is one shard's run.
type Config struct {
	Store *store.Store
	File  *dataset.File
	Shard dataset.Shard
	// Base holds the run's settings (from the command line); a row's own
	// settings apply where Overrides does not say (see RowSettings).
	Base      run.Settings
	Overrides run.Overrides
	// Open loads the model. Run calls it once, for the first row it has
	// to analyse (or whose partition needs the plugins), and not at all
	// when every row of the shard is finished.
	Open func(ctx context.Context) (Analyzer, error)
	// Log hears what the shard does (nil: nothing).
	Log hclog.Logger
	// OnRow, when set, hears each row's outcome.
	OnRow func(RowEvent)
}

// RowEvent is one row's outcome, for progress reports.
type RowEvent struct {
	Index, Total int // the row's place among the shard's rows, 1-based
	ID           string
	Status       string // skipped (finished before), adopted, done, failed, interrupted
	Part         string
	Err          error
	Summary      *run.Summary
}

// Result is what a shard did.
type Result struct {
	Shard string `json:"shard"`
	// Assigned counts the dataset's rows this shard owns.
	Assigned int `json:"assigned"`
	// Skipped counts rows finished by an earlier run, Adopted rows whose
	// part an earlier, killed run wrote without recording it.
	Skipped int `json:"skipped"`
	Adopted int `json:"adopted"`
	// Done counts rows analysed by this run, with Rows their table rows.
	Done int   `json:"done"`
	Rows int64 `json:"rows"`
	// Failed are the rows that failed in this run.
	Failed []store.Record `json:"failed,omitempty"`
	// Aside are files moved out of the dataset.
	Aside []string `json:"aside,omitempty"`
	// Interrupted says the run was stopped before its last row.
	Interrupted bool    `json:"interrupted,omitempty"`
	ModelLoaded bool    `json:"model_loaded"`
	Seconds     float64 `json:"seconds"`
}

// shardRun is the state of one Run.
type shardRun struct {
	cfg      Config
	log      hclog.Logger
	manifest *store.Manifest
	finished map[store.Key]store.Record
	owned    map[string]bool
	analyzer Analyzer
	res      *Result
	host     string
}

// Run runs the shard: see the package documentation. It returns the
// shard's result (nil when the shard could not start: another layout, a
// busy shard) and, when rows failed, an error carrying the first
// failure's kind (run.KindOf); an interruption returns the context's
// error; a failure to load the model or to write the manifest stops the
// shard.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	r := &shardRun{cfg: cfg, log: cfg.Log, res: &Result{Shard: cfg.Shard.String()}}
	if r.log == nil {
		r.log = hclog.NewNullLogger()
	}
	r.host, _ = os.Hostname()
	defer func() { r.res.Seconds = time.Since(start).Seconds() }()
	if err := r.prepare(); err != nil {
		return nil, err
	}
	defer r.manifest.Close()
	rows := cfg.File.Select(cfg.Shard)
	r.res.Assigned = len(rows)
	r.owned = map[string]bool{}
	for _, row := range rows {
		r.owned[row.ID] = true
	}
	if err := r.tidy(); err != nil {
		return nil, err
	}
	r.log.Info("shard starting", "shard", cfg.Shard, "rows", len(rows), "finished_before", len(r.finished), "manifest", r.manifest.Path())
	var firstErr error
	for i, row := range rows {
		if ctx.Err() != nil {
			r.res.Interrupted = true
			return r.res, ctx.Err()
		}
		err := r.row(ctx, i+1, len(rows), row)
		if err == nil {
			continue
		}
		if ctx.Err() != nil || run.Interrupted(err) {
			r.res.Interrupted = true
			return r.res, err
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return r.res, fatal.err
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return r.res, &run.Error{Kind: run.KindOf(firstErr),
			Err: fmt.Errorf("shard %s: %d of %d rows failed (recorded in %s; the next run of the shard tries them again); first: %w",
				cfg.Shard, len(r.res.Failed), len(rows), r.manifest.Path(), firstErr)}
	}
	return r.res, nil
}

// fatalError stops the shard: the model cannot load, or the output cannot
// be written.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

// prepare checks the layout and takes the shard's manifest.
func (r *shardRun) prepare() error {
	cfg := r.cfg
	if err := cfg.Shard.Validate(); err != nil {
		return &run.Error{Kind: run.KindUsage, Err: err}
	}
	if len(cfg.Base.Formats) != 1 || cfg.Base.Formats[0] != results.FormatParquet {
		return &run.Error{Kind: run.KindUsage, Err: fmt.Errorf("--format: a dataset run writes Parquet parts only (--format parquet)")}
	}
	if _, err := cfg.Store.EnsureLayout(store.Layout{
		Shards: cfg.Shard.Count, Settings: layoutSettings(cfg.Base, cfg.Overrides), Dataset: cfg.File.Path, Created: time.Now().UTC(),
	}); err != nil {
		kind := run.KindOutput
		if errors.Is(err, store.ErrLayoutMismatch) {
			kind = run.KindUsage
		}
		return &run.Error{Kind: kind, Err: err}
	}
	m, err := cfg.Store.OpenManifest(cfg.Shard)
	if err != nil {
		return &run.Error{Kind: run.KindOutput, Err: err}
	}
	recs, bad, err := cfg.Store.Records()
	if err != nil {
		m.Close()
		return &run.Error{Kind: run.KindOutput, Err: err}
	}
	if bad > 0 {
		r.log.Warn("manifest lines that do not parse were skipped (a killed shard's last line?)", "lines", bad)
	}
	r.manifest, r.finished = m, cfg.Store.Finished(recs)
	return nil
}

// tidy makes the shard's directories hold finished parts only: a complete
// part of one of its rows that an earlier run wrote but did not record (it
// was killed in between) is adopted; anything else — an incomplete part, a
// second copy of a finished row, a file a killed run's recovery wrote, the
// temporary file of a row a killed run was writing — is moved aside. The
// shard's lock means no live writer of the shard owns a temporary file, and
// moving it aside before the row is redone keeps the results writer from
// recovering its finished steps into the dataset, where readers would see
// them until the row is done.
func (r *shardRun) tidy() error {
	entries, err := r.cfg.Store.ShardEntries(r.cfg.Shard)
	if err != nil {
		return &run.Error{Kind: run.KindOutput, Err: err}
	}
	for _, e := range entries {
		if e.Temp {
			if err := r.aside(e.Path, "the temporary file of a row a killed run was writing"); err != nil {
				return err
			}
			continue
		}
		key := store.Key{MaskMode: e.MaskMode, ID: e.ID}
		if e.ID != "" {
			if rec, ok := r.finished[key]; ok && rec.Part == e.Rel {
				continue
			}
			if _, ok := r.finished[key]; !ok && r.owned[e.ID] {
				if m, err := results.ReadMeta(e.Path); err == nil && m.Complete && m.Metadata[store.MetaKeyRowID] == e.ID {
					rec := store.Record{ID: e.ID, MaskMode: e.MaskMode, Status: store.StatusDone, Part: e.Rel, Rows: m.Rows,
						Steps: m.StepsFinished, Shard: r.cfg.Shard.String(), Host: r.host, Time: time.Now().UTC(), Adopted: true}
					if err := r.manifest.Append(rec); err != nil {
						return &run.Error{Kind: run.KindOutput, Err: err}
					}
					r.finished[key] = rec
					r.res.Adopted++
					r.log.Info("adopted a part written but not recorded by a killed run", "id", e.ID, "part", e.Rel)
					continue
				}
			}
		} else if !isResultsFile(e.Path) {
			continue
		}
		if err := r.aside(e.Path, "not a finished part of this shard"); err != nil {
			return err
		}
	}
	return nil
}

// isResultsFile says whether a file in a partition directory looks like a
// results file (a part, or what a killed run's recovery wrote).
func isResultsFile(p string) bool {
	name := filepath.Base(p)
	return strings.Contains(name, ".parquet") || strings.Contains(name, ".csv")
}

// aside moves a file out of the dataset and remembers it.
func (r *shardRun) aside(path, why string) error {
	dest, err := r.cfg.Store.MoveAside(path)
	if err != nil {
		return &fatalError{&run.Error{Kind: run.KindOutput, Err: err}}
	}
	r.res.Aside = append(r.res.Aside, dest)
	r.log.Warn("moved out of the dataset", "file", path, "to", dest, "why", why)
	return nil
}
