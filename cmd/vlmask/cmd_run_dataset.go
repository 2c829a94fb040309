package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/runner"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/run"
)

// Dataset flags of `vlmask run`.
const (
	flagDataset    = "dataset"
	flagShard      = "shard"
	flagShards     = "shards"
	flagModelLabel = "model-label"
	catDataset     = "DATASET"
)

func datasetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagDataset, Category: catDataset, EnvVars: envVar(flagDataset),
			Usage: "run a study: a JSONL, CSV or YAML file of rows (image, prompt, optional id, num_tokens, mask_mode, plugin, plugin_config), written as a Hive-partitioned Parquet dataset under --output DIR"},
		&cli.StringFlag{Name: flagShard, Category: catDataset, EnvVars: envVar(flagShard),
			Usage: "with --dataset: run shard i of n (i/n); default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, else every row"},
		&cli.IntFlag{Name: flagShards, Category: catDataset, EnvVars: []string{dataset.EnvShards},
			Usage: "with --dataset: the number of shards; a Slurm array task id or Kubernetes JOB_COMPLETION_INDEX is then the shard index"},
		&cli.StringFlag{Name: flagModelLabel, Category: catDataset, EnvVars: envVar(flagModelLabel),
			Usage: "with --dataset: the model's name in the output's model= partition (default: the checkpoint directory's name, or ORG--NAME for a Hub id)"},
	}
}

// runDataset runs the shard of a dataset this process is: the rows it
// owns, with one model load, into the output dataset, resuming from the
// shard's manifest.
func (a *app) runDataset(c *cli.Context) error {
	if c.String(flagConfig) != "" {
		return usageErr("--dataset and --config: give one (a YAML batch file also works as --dataset)")
	}
	file, err := dataset.Load(c.String(flagDataset))
	if err != nil {
		return withCode(ExitInput, err)
	}
	if len(file.Unknown) > 0 {
		a.log.Info("dataset fields vlmask does not read are kept in each part's metadata", "fields", strings.Join(file.Unknown, ","))
	}
	shard, how, err := dataset.ResolveShard(dataset.ShardRequest{Shard: c.String(flagShard), Count: c.Int(flagShards), Getenv: os.Getenv})
	if err != nil {
		return withCode(ExitUsage, err)
	}
	model := c.String(flagModel)
	if file.Model != "" && !c.IsSet(flagModel) {
		model = file.Model
	}
	if model == "" {
		return usageErr("--model is required with --dataset")
	}
	label := c.String(flagModelLabel)
	if label == "" {
		label = store.ModelLabel(model)
	}
	out := filepath.Join("output", strings.TrimSuffix(filepath.Base(file.Path), filepath.Ext(file.Path)))
	if c.IsSet(flagOutput) {
		out = c.String(flagOutput)
	}
	st, err := store.Open(out, label)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	base, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	var sess *run.Session
	defer func() {
		if sess != nil {
			sess.Close()
		}
	}()
	var bar progressObserver
	open := func(context.Context) (runner.Analyzer, error) {
		cfg, err := a.sessionConfig(c, model)
		if err != nil {
			return nil, err
		}
		if file.Device != "" && !c.IsSet(flagDevice) {
			cfg.Device = file.Device
		}
		cfg.Needs(base)
		if sess, err = a.openSession(c, cfg); err != nil {
			return nil, err
		}
		return runner.SessionAnalyzer{Session: sess, Observer: func(id string) core.Observer {
			bar.done()
			bar = a.observer(c, id)
			return bar
		}}, nil
	}
	a.log.Info("dataset shard", "shard", shard, "from", how, "dataset_rows", len(file.Rows), "output", st.Dir(), "model", label)
	res, err := runner.Run(c.Context, runner.Config{
		Store: st, File: file, Shard: shard, Base: base, Overrides: overrides(c), Open: open, Log: a.log.Named("dataset"),
		OnRow: func(ev runner.RowEvent) {
			a.log.Info("row", "n", fmt.Sprintf("%d/%d", ev.Index, ev.Total), "id", ev.ID, "status", ev.Status, "part", ev.Part)
		},
	})
	bar.done()
	if res != nil {
		a.printShard(c, how, st, res)
	}
	return err
}

// printShard reports a shard's run on stdout: one line, or JSON.
func (a *app) printShard(c *cli.Context, how string, st *store.Store, res *runner.Result) {
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Output string `json:"output"`
			Model  string `json:"model"`
			From   string `json:"shard_from"`
			*runner.Result
		}{st.Dir(), st.Model(), how, res})
		return
	}
	state := ""
	if res.Interrupted {
		state = " (interrupted: run the shard again to finish it)"
	}
	fmt.Fprintf(a.stdout, "shard %s (%s): %d rows: %d finished before, %d adopted, %d analysed (%d table rows), %d failed%s → %s\n",
		res.Shard, how, res.Assigned, res.Skipped, res.Adopted, res.Done, res.Rows, len(res.Failed), state, filepath.Join(st.Dir(), store.KeyModel+"="+st.Model()))
	for _, f := range res.Failed {
		fmt.Fprintf(a.stdout, "  failed %s: %s\n", f.ID, f.Error)
	}
	for _, p := range res.Aside {
		fmt.Fprintf(a.stdout, "  moved aside: %s\n", p)
	}
}
