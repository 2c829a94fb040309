package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/urfave/cli/v2"
)

// version is vlmask's version, set at build time with
// -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// app holds what every command shares: the output streams and the logger.
type app struct {
	stdout, stderr io.Writer
	log            hclog.Logger
}

// runMain is main without os.Exit, for tests.
func runMain(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdout: stdout, stderr: stderr, log: hclog.NewNullLogger()}
	err := a.cli().RunContext(ctx, args)
	if err == nil {
		return ExitOK
	}
	var ee cli.ExitCoder
	if errors.As(err, &ee) && ee.ExitCode() == ExitOK {
		return ExitOK
	}
	printError(stderr, err)
	return exitCode(err)
}

func (a *app) cli() *cli.App {
	return &cli.App{
		Name:      "vlmask",
		Usage:     "which tokens a vision-language model relies on, layer by layer",
		Version:   version,
		Writer:    a.stdout,
		ErrWriter: a.stderr,
		Flags:     globalFlags(true),
		Before: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return nil // the command sets logging up once it has read its own flags
			}
			return a.setup(c)
		},
		Commands: a.commands(),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("unknown command %q; `vlmask --help` lists them", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		// Errors are printed once, by run, with their exit code.
		ExitErrHandler: func(*cli.Context, error) {},
		// A repeated flag gives one value per use, never split at commas: an
		// image path or a plugin's JSON configuration may hold commas. The
		// lists whose items never hold one split them themselves (listFlag).
		DisableSliceFlagSeparator: true,
		HideHelpCommand:           true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageErr("%v", err)
		},
	}
}

// setup configures logging from --log-level and --verbose: before any
// command runs, and again in each command, which may be given them too.
func (a *app) setup(c *cli.Context) error {
	name := global(c, flagLogLevel).String(flagLogLevel)
	level := hclog.LevelFromString(name)
	if name == "off" {
		level = hclog.Off
	}
	if level == hclog.NoLevel {
		return usageErr("--log-level %q: want trace, debug, info, warn, error or off", name)
	}
	if global(c, flagVerbose).Bool(flagVerbose) && level > hclog.Info {
		level = hclog.Info
	}
	a.log = hclog.New(&hclog.LoggerOptions{
		Name:   "vlmask",
		Level:  level,
		Output: a.stderr,
	})
	return nil
}
