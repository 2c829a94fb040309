package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer"
)

func (a *app) exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write the viewer and a chosen part of results files into one self-contained HTML file",
		ArgsUsage: "FILE.parquet...",
		Description: "The page opens from disk in any modern browser with no network and no vlmask: the app, the\n" +
			"chosen steps, variants and value columns of every layer, and the run's images are inside it.\n" +
			"Example: vlmask export --html report.html --variant Full --variant 'Head_*' output/run.parquet",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "html", Usage: "the HTML file to write (required)"},
			&cli.IntSliceFlag{Name: "step", Usage: "generation step to include (repeatable); default: every step"},
			&cli.StringSliceFlag{Name: "variant", Usage: "variant or pattern such as 'Head_*' to include (repeatable); default: Full and Attn"},
			&cli.StringSliceFlag{Name: "value", Usage: "value column to include (repeatable); default: l2_distance"},
			jsonFlag("print what was written as JSON"),
		},
		Action: a.export,
	}
}

func (a *app) export(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageErr("export takes one or more results files, after its flags")
	}
	if c.String("html") == "" {
		return usageErr("export needs --html OUT.html")
	}
	files, err := viewer.OpenAll(c.Args().Slice())
	if err != nil {
		return withCode(ExitInput, err)
	}
	defer viewer.CloseAll(files)
	opts := viewer.ExportOptions{Steps: c.IntSlice("step"), Variants: c.StringSlice("variant"), Values: c.StringSlice("value")}
	var buf bytes.Buffer
	st, err := viewer.Export(&buf, files, opts)
	switch {
	case errors.Is(err, viewer.ErrNotFound), errors.Is(err, viewer.ErrBadRequest), errors.Is(err, viewer.ErrTooLarge):
		return usageErr("%v", err)
	case err != nil:
		return withCode(ExitInput, err)
	}
	out := c.String("html")
	if err := results.WriteFileAtomic(out, buf.Bytes()); err != nil {
		return withCode(ExitOutput, err)
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"path": out, "bytes": st.Bytes, "files": st.Files, "steps": st.Steps, "values": st.Numbers})
	}
	fmt.Fprintf(a.stdout, "%s: %d file(s), %d step(s), %d values, %.1f MB\n", filepath.Clean(out), st.Files, st.Steps, st.Numbers, float64(st.Bytes)/1e6)
	return nil
}
