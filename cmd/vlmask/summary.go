package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/internal/run"
)

// printSummary reports finished jobs on stdout: text, or JSON with --json.
func (a *app) printSummary(c *cli.Context, sums []*run.Summary) {
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Prompts []*run.Summary `json:"prompts"`
		}{sums})
		return
	}
	for _, s := range sums {
		for _, r := range s.Recovered {
			fmt.Fprintf(a.stdout, "%s\n", r)
		}
		for _, p := range s.NotReplaced {
			fmt.Fprintf(a.stdout, "kept %s, which was already there: this run's file is beside it\n", p)
		}
	}
	if len(sums) == 1 {
		s := sums[0]
		if s.Error != "" && len(s.Paths) == 0 {
			return // the error itself is printed on stderr
		}
		eos := ""
		if s.StoppedAtEOS {
			eos = " (stopped at the end token)"
		}
		fmt.Fprintf(a.stdout, "generated: %q%s\n", s.GeneratedText, eos)
		if len(s.Top5) > 0 {
			fmt.Fprintf(a.stdout, "first step top-5: %s\n", candidates(s.Top5))
		}
		state := ""
		if !s.Complete {
			state = " (incomplete)"
		}
		fmt.Fprintf(a.stdout, "%d rows from %d steps%s → %s\n", s.Rows, s.Steps, state, strings.Join(s.Paths, ", "))
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "prompt\tstatus\tsteps\trows\tseconds\toutput / error")
	for _, s := range sums {
		status, detail := "ok", strings.Join(s.Paths, ", ")
		switch {
		case s.Skipped:
			status = "skipped (complete)"
		case s.Redone != "" && s.Error == "":
			status = "redone"
		case s.Error != "" && len(s.Paths) > 0:
			status, detail = "incomplete", detail+": "+s.Error
		case s.Error != "":
			status, detail = "failed", s.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%s\n", s.Name, status, s.Steps, s.Rows, s.Seconds, detail)
	}
	tw.Flush()
}
