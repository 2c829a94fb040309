package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/run"
)

// kindNames name error kinds in manifests.
var kindNames = map[run.Kind]string{
	run.KindRuntime: "runtime", run.KindUsage: "usage", run.KindInput: "input",
	run.KindPlugin: "plugin", run.KindOutput: "output",
}

// row analyses one row unless it is finished. It returns the row's error
// (recorded in the manifest), a *fatalError that stops the shard, or an
// interruption.
func (r *shardRun) row(ctx context.Context, index, total int, row dataset.Row) error {
	cfg := r.cfg
	set, maxRes := RowSettings(cfg.Base, cfg.Overrides, row)
	ev := RowEvent{Index: index, Total: total, ID: row.ID}
	where := func(err error) error {
		return fmt.Errorf("dataset %q row %d (id %s): %w", cfg.File.Path, row.Line, row.ID, err)
	}
	mode, err := r.partition(ctx, set)
	if err != nil {
		var fatal *fatalError
		switch {
		case errors.As(err, &fatal):
			return &fatalError{where(fatal.err)}
		case ctx.Err() != nil || run.Interrupted(err):
			return err
		}
		return r.fail(ev, row, "", where(err), 0)
	}
	key := store.Key{MaskMode: mode, ID: row.ID}
	if rec, ok := r.finished[key]; ok {
		r.res.Skipped++
		ev.Status, ev.Part = "skipped", rec.Part
		r.emit(ev)
		return nil
	}
	an, err := r.open(ctx)
	if err != nil {
		return err
	}
	set.Metadata = map[string]string{
		store.MetaKeyRowID: row.ID, store.MetaKeyRow: row.Record(),
		store.MetaKeyDataset: cfg.File.Path, store.MetaKeyShard: cfg.Shard.String(),
	}
	for k, v := range cfg.Base.Metadata {
		set.Metadata[k] = v
	}
	base := cfg.Store.PartBase(mode, cfg.Shard, row.ID)
	start := time.Now()
	sum, err := an.Analyze(ctx, Prompt{Text: row.Prompt, Images: row.Images, MaxImageResolution: maxRes}, row.ID, base, set)
	ev.Summary = sum
	if sum != nil {
		for _, rec := range sum.Recovered {
			if rec.Path != "" {
				if aerr := r.aside(rec.Path, "recovered from a killed run of the row; the row is analysed again"); aerr != nil {
					return aerr
				}
			}
		}
	}
	if err == nil && sum != nil && sum.Complete && len(sum.Paths) > 0 {
		rec := store.Record{ID: row.ID, MaskMode: mode, Status: store.StatusDone, Part: cfg.Store.PartRel(mode, cfg.Shard, row.ID),
			Rows: sum.Rows, Steps: sum.Steps, Seconds: time.Since(start).Seconds(), Shard: cfg.Shard.String(), Host: r.host, Time: time.Now().UTC()}
		if err := r.manifest.Append(rec); err != nil {
			return &fatalError{&run.Error{Kind: run.KindOutput, Err: err}}
		}
		r.finished[key] = rec
		r.res.Done++
		r.res.Rows += sum.Rows
		ev.Status, ev.Part = "done", rec.Part
		r.emit(ev)
		return nil
	}
	if err == nil {
		err = fmt.Errorf("the analysis ended without a complete result")
	}
	if sum != nil {
		for _, p := range sum.Paths {
			if aerr := r.aside(p, "incomplete: the row's analysis did not finish"); aerr != nil {
				return aerr
			}
		}
	}
	if ctx.Err() != nil || run.Interrupted(err) {
		ev.Status, ev.Err = "interrupted", err
		r.emit(ev)
		r.log.Debug("the interrupted row's error", "id", row.ID, "error", err)
		return fmt.Errorf("shard %s interrupted in row %d (id %s); its finished rows are recorded, and run again it goes on from this row: %w",
			cfg.Shard, row.Line, row.ID, context.Canceled)
	}
	if run.KindOf(err) == run.KindOutput {
		return &fatalError{where(err)}
	}
	return r.fail(ev, row, mode, where(err), time.Since(start).Seconds())
}

// fail records a failed row and goes on.
func (r *shardRun) fail(ev RowEvent, row dataset.Row, mode string, err error, seconds float64) error {
	rec := store.Record{ID: row.ID, MaskMode: mode, Status: store.StatusFailed, Error: err.Error(), Kind: kindNames[run.KindOf(err)],
		Seconds: seconds, Shard: r.cfg.Shard.String(), Host: r.host, Time: time.Now().UTC()}
	if aerr := r.manifest.Append(rec); aerr != nil {
		return &fatalError{&run.Error{Kind: run.KindOutput, Err: aerr}}
	}
	r.res.Failed = append(r.res.Failed, rec)
	ev.Status, ev.Err = "failed", err
	r.emit(ev)
	r.log.Error("row failed", "id", row.ID, "error", err)
	return err
}

// partition is the mask_mode partition a row's settings write to. Settings
// that name plugins need the plugin host (and so the model) to tell which
// strategy they select.
func (r *shardRun) partition(ctx context.Context, set run.Settings) (string, error) {
	if len(set.Plugins) == 0 {
		return staticPartition(set)
	}
	an, err := r.open(ctx)
	if err != nil {
		return "", err
	}
	name, err := an.MaskingStrategy(ctx, set)
	if err != nil {
		return "", err
	}
	return strategyPartition(name), nil
}

// open loads the model the first time it is needed.
func (r *shardRun) open(ctx context.Context) (Analyzer, error) {
	if r.analyzer != nil {
		return r.analyzer, nil
	}
	an, err := r.cfg.Open(ctx)
	if err != nil {
		if ctx.Err() != nil || run.Interrupted(err) {
			return nil, err
		}
		return nil, &fatalError{err}
	}
	r.analyzer = an
	r.res.ModelLoaded = true
	return an, nil
}

func (r *shardRun) emit(ev RowEvent) {
	if r.cfg.OnRow != nil {
		r.cfg.OnRow(ev)
	}
}
