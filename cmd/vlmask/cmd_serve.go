package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/viewer"
)

func (a *app) serveCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "browse results files in an interactive web app on this machine (offline, read-only)",
		ArgsUsage: "FILE.parquet...",
		Description: "Serves the viewer for the given Parquet results files and prints its URL. It listens on\n" +
			"127.0.0.1 unless --addr says otherwise, serves only these files (and the images their runs\n" +
			"recorded) and never writes. Stop it with Ctrl-C.\n" +
			"Example: vlmask serve output/mask_vision.parquet output/mask_both.parquet",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: viewer.DefaultAddr, Usage: "host:port to listen on (port 0 picks a free one)"},
			&cli.BoolFlag{Name: "open", Usage: "open the URL in the default browser"},
		},
		Action: a.serve,
	}
}

func (a *app) serve(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageErr("serve takes one or more results files, after its flags")
	}
	files, err := viewer.OpenAll(c.Args().Slice())
	if err != nil {
		return withCode(ExitInput, err)
	}
	defer viewer.CloseAll(files)
	ln, err := viewer.Listen(c.String("addr"))
	if err != nil {
		return usageErr("--addr: %v", err)
	}
	if !viewer.IsLoopback(ln.Addr()) {
		a.log.Warn("listening beyond this machine: anyone who can reach the address can read these results", "addr", ln.Addr())
	}
	for _, f := range files {
		if s := f.Summary(); s.Incomplete() {
			a.log.Warn("incomplete results: the run was interrupted", "file", f.Path(), "steps_finished", s.StepsFinished)
		}
	}
	srv := viewer.NewServer(files, viewer.ServerOptions{Addr: ln.Addr().String(), Logger: a.log.Named("serve")})
	url := viewer.URL(ln)
	fmt.Fprintln(a.stdout, url)
	if c.Bool("open") {
		if err := viewer.OpenBrowser(url); err != nil {
			a.log.Warn("could not open a browser; open the URL yourself", "error", err)
		}
	}
	return viewer.Run(c.Context, ln, srv)
}
