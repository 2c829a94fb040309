package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/dataset/summary"
)

func (a *app) datasetCommand() *cli.Command {
	return &cli.Command{
		Name:  "dataset",
		Usage: "check and summarise the output of `vlmask run --dataset`, and plan its shards",
		Subcommands: []*cli.Command{
			{
				Name:      "check",
				Usage:     "report missing, duplicate, incomplete and stray rows across every shard (exit 6 if any)",
				ArgsUsage: "OUT",
				Description: "Reads every part's footer and every shard's manifest. With --dataset (default: the file the run recorded), rows of the\n" +
					"dataset with no complete part under a model are missing. Example: vlmask dataset check --dataset study.jsonl output/study",
				Flags:  []cli.Flag{&cli.StringFlag{Name: flagDataset, Usage: "the dataset file the directory should hold (default: the one the run recorded)"}, jsonFlag("print JSON")},
				Action: a.datasetCheck,
			},
			{
				Name:      "summary",
				Usage:     "the most affected tokens and image regions over the whole dataset, per model, mask mode and band of layers",
				ArgsUsage: "OUT",
				Description: "Streams every complete part (bounded memory). Text tokens pool by text, image patches by the cell of a\n" +
					"GRID×GRID grid over each image, groups by label. Example: vlmask dataset summary --variant Attn --top 5 output/study",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "variant", Value: "Full", Usage: "variant to rank by: Full, Attn, Head_N, ..."},
					&cli.StringFlag{Name: "metric", Value: results.ColumnL2Distance, Usage: "value column: l2_distance, cosine_distance, attention_weight or a metric plugin's"},
					&cli.IntFlag{Name: "top", Value: 10, Usage: "entries per list (0: all)"},
					&cli.IntFlag{Name: "bands", Value: 3, Usage: "layer bands (3: early, middle, late)"},
					&cli.IntFlag{Name: "grid", Value: 4, Usage: "pool image patches on a GRID×GRID grid over each image"},
					jsonFlag("print JSON"),
				},
				Action: a.datasetSummary,
			},
			{
				Name:      "ids",
				Usage:     "list a dataset's rows: id, line and, with --shards N, the shard that owns each",
				ArgsUsage: "FILE",
				Flags:     []cli.Flag{&cli.IntFlag{Name: flagShards, Usage: "the number of shards"}},
				Action:    a.datasetIDs,
			},
		},
	}
}

func oneArg(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", usageErr("%s takes one %s, after its flags (got %q)", c.Command.Name, what, c.Args().Slice())
	}
	return c.Args().First(), nil
}

func (a *app) datasetCheck(c *cli.Context) error {
	out, err := oneArg(c, "output directory")
	if err != nil {
		return err
	}
	path := c.String(flagDataset)
	if path == "" {
		path = recordedDataset(out)
	}
	var ds *dataset.File
	if path != "" {
		if ds, err = dataset.Load(path); err != nil {
			return withCode(ExitInput, err)
		}
	}
	rep, err := store.Check(out, ds)
	if err != nil {
		return withCode(ExitInput, err)
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeCheck(a.stdout, rep)
	}
	if !rep.OK {
		return withCode(ExitIncomplete, errors.New("dataset check: the output directory does not hold every row exactly once, complete"))
	}
	return nil
}

// recordedDataset is the dataset file the runs into out recorded, when
// every model recorded the same one and it is still there.
func recordedDataset(out string) string {
	dirs, _ := filepath.Glob(filepath.Join(out, store.KeyModel+"=*"))
	found := ""
	for _, d := range dirs {
		s, err := store.Open(out, strings.TrimPrefix(filepath.Base(d), store.KeyModel+"="))
		if err != nil {
			continue
		}
		l, ok, err := s.ReadLayout()
		if err != nil || !ok || (found != "" && l.Dataset != found) {
			return ""
		}
		found = l.Dataset
	}
	if _, err := os.Stat(found); found == "" || err != nil {
		return ""
	}
	return found
}

func writeCheck(w interface{ Write([]byte) (int, error) }, rep *store.Report) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if rep.Dataset != "" {
		p("%s against %s (%d rows)\n", rep.Dir, rep.Dataset, rep.DatasetRows)
	} else {
		p("%s (no dataset file: missing rows are not checked; give --dataset)\n", rep.Dir)
	}
	for _, m := range rep.Models {
		var parts []string
		for _, pt := range m.Partitions {
			parts = append(parts, fmt.Sprintf("mask_mode=%s %d parts, %d table rows", pt.MaskMode, pt.Parts, pt.Rows))
		}
		shards := ""
		if m.Shards > 0 {
			shards = fmt.Sprintf(" (%d shards)", m.Shards)
		}
		p("model=%s%s: %s\n", m.Model, shards, strings.Join(parts, "; "))
		list := func(name string, items []string) {
			if len(items) > 0 {
				p("  %s %d: %s\n", name, len(items), strings.Join(items, ", "))
			}
		}
		list("missing", m.Missing)
		for _, f := range m.Failed {
			p("    %s failed (%s, shard %s, %s): %s\n", f.ID, f.Kind, f.Shard, f.Time.Format("2006-01-02 15:04:05"), f.Error)
		}
		for _, d := range m.Duplicates {
			p("  duplicate %s in mask_mode=%s: %s\n", d.ID, d.MaskMode, strings.Join(d.Parts, ", "))
		}
		for _, x := range m.Incomplete {
			p("  incomplete %s: %s\n", x.Path, x.Reason)
		}
		for _, x := range m.Stray {
			p("  stray %s: %s\n", x.Path, x.Reason)
		}
		list("warning: parts of rows not in the dataset", m.Unknown)
		list("warning: results writers' temporary files (a shard at work, or killed: run it again)", m.Leftovers)
		if m.Aside > 0 {
			p("  note: %d files moved aside under %s\n", m.Aside, filepath.Join(rep.Dir, "_vlmask", store.KeyModel+"="+m.Model, "aside"))
		}
		if m.BadRecords > 0 {
			p("  note: %d manifest lines did not parse (a killed shard's last line)\n", m.BadRecords)
		}
	}
	for _, x := range rep.Stray {
		p("stray %s: %s\n", x.Path, x.Reason)
	}
	if rep.OK {
		p("ok: every row once, complete\n")
	} else {
		p("NOT OK\n")
	}
}

func (a *app) datasetSummary(c *cli.Context) error {
	out, err := oneArg(c, "output directory")
	if err != nil {
		return err
	}
	top := c.Int("top")
	if top == 0 {
		top = -1
	}
	s, err := summary.Summarize(out, summary.Options{Variant: c.String("variant"), Metric: c.String("metric"), Top: top, Bands: c.Int("bands"), Grid: c.Int("grid")})
	if errors.Is(err, summary.ErrBounds) || errors.Is(err, results.ErrNotResults) {
		return withCode(ExitInput, err)
	}
	if err != nil {
		return usageErr("%s: %v", out, err)
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return s.Write(a.stdout)
}

func (a *app) datasetIDs(c *cli.Context) error {
	path, err := oneArg(c, "dataset file")
	if err != nil {
		return err
	}
	f, err := dataset.Load(path)
	if err != nil {
		return withCode(ExitInput, err)
	}
	n := c.Int(flagShards)
	if n < 0 || n > dataset.MaxShards {
		return usageErr("--shards %d: want 1..%d", n, dataset.MaxShards)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	header := "id\tline\tgiven"
	if n > 0 {
		header += "\tshard"
	}
	fmt.Fprintln(tw, header)
	counts := make([]int, n)
	for _, r := range f.Rows {
		line := fmt.Sprintf("%s\t%d\t%v", r.ID, r.Line, r.GivenID)
		if n > 0 {
			s := dataset.ShardOf(r.ID, n)
			counts[s]++
			line += fmt.Sprintf("\t%d", s)
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(a.stdout, "%d rows in %d shards: %d to %d rows each\n", len(f.Rows), n, slices.Min(counts), slices.Max(counts))
	}
	return nil
}
