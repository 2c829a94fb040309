package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/hub"
)

func (a *app) modelsCommand() *cli.Command {
	return &cli.Command{
		Name:  "models",
		Usage: "the models in the Hugging Face cache, and downloading one by its Hub id",
		Description: "The cache is huggingface_hub's (HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub):\n" +
			"models transformers downloaded are found there, and models vlmask downloads are found by transformers.",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "the cached models vlmask can load: id, revision, commit, size and family",
				Flags:  []cli.Flag{jsonFlag("print JSON instead of a table"), &cli.BoolFlag{Name: "all", Usage: "also list models of families vlmask does not load"}},
				Action: a.modelsList,
			},
			{
				Name:      "download",
				Usage:     "download the files vlmask needs of a Hub model into the cache, and print its directory",
				ArgsUsage: "ORG/NAME",
				Description: "Only what vlmask reads is fetched: config, tokenizer, chat template, processor configs and the\n" +
					"safetensors weights (every shard of model.safetensors.index.json); pickle weights are never loaded.\n" +
					"Example: vlmask models download Qwen/Qwen3-VL-2B-Instruct",
				Flags:  []cli.Flag{revisionFlag(), offlineFlag()},
				Action: a.modelsDownload,
			},
		},
	}
}

// hubOptions are hf/hub's settings: huggingface_hub's environment
// variables, then --revision and --offline, and a progress bar when
// progress is drawn.
func (a *app) hubOptions(c *cli.Context, name string) (hub.Options, error) {
	o, err := hub.FromEnv(os.Getenv)
	if err != nil {
		return o, withCode(ExitAccess, err)
	}
	o.Revision = c.String(flagRevision)
	o.Offline = o.Offline || c.Bool(flagOffline)
	o.UserAgent = "vlmask/" + version
	o.Logger = a.log.Named("hub")
	if a.progressEnabled(c) {
		o.Progress = newDownloadBar(a.stderr, name)
	}
	return o, nil
}

// modelDir resolves --model: a directory as it is, a Hub id to its
// snapshot in the Hugging Face cache, downloaded first when missing.
func (a *app) modelDir(c *cli.Context, spec string) (string, error) {
	if spec == "" {
		return "", usageErr("--model is required")
	}
	o, err := a.hubOptions(c, spec)
	if err != nil {
		return "", err
	}
	dir, err := hub.Resolve(c.Context, spec, o)
	if errors.Is(err, hub.ErrNotFound) {
		err = fmt.Errorf("--model %s is not a directory, so it was looked up on the Hub: %w", spec, err)
	}
	if err != nil {
		return "", hubErr(err)
	}
	if dir != spec {
		a.log.Info("model from the Hugging Face cache", "model", spec, "dir", dir)
	} else if c.IsSet(flagRevision) {
		a.log.Warn("--revision applies to Hub ids, not to a directory; ignored", "model", spec)
	}
	return dir, nil
}

func (a *app) modelsDownload(c *cli.Context) error {
	args, err := trailingFlags(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErr("models download takes one model id, such as Qwen/Qwen3-VL-2B-Instruct")
	}
	id, err := hub.ParseID(args[0])
	if err != nil {
		return usageErr("%v", err)
	}
	o, err := a.hubOptions(c, id.String())
	if err != nil {
		return err
	}
	dir, err := hub.Download(c.Context, id, o)
	if err != nil {
		return hubErr(err)
	}
	fmt.Fprintln(a.stdout, dir)
	return nil
}

// trailingFlags reads flags written after the first positional argument
// ("models download ID --revision R"), which urfave/cli v2 leaves in the
// arguments, sets them as if they came first, and returns the positional
// arguments.
func trailingFlags(c *cli.Context) ([]string, error) {
	if c.NArg() <= 1 {
		return c.Args().Slice(), nil
	}
	set := flag.NewFlagSet(c.Command.Name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	for _, f := range c.Command.Flags {
		if err := f.Apply(set); err != nil {
			return nil, err
		}
	}
	if err := set.Parse(c.Args().Tail()); err != nil {
		return nil, usageErr("%v", err)
	}
	var err error
	set.Visit(func(f *flag.Flag) {
		if e := c.Set(f.Name, f.Value.String()); e != nil && err == nil {
			err = usageErr("--%s: %v", f.Name, e)
		}
	})
	return append([]string{c.Args().First()}, set.Args()...), err
}

// cachedModelJSON is one row of `vlmask models list --json`.
type cachedModelJSON struct {
	hub.CachedModel
	Supported bool `json:"supported"`
}

func (a *app) modelsList(c *cli.Context) error {
	o, err := hub.FromEnv(os.Getenv)
	if err != nil {
		return withCode(ExitAccess, err)
	}
	models, err := hub.List(o.CacheDir)
	if err != nil {
		return hubErr(err)
	}
	rows := []cachedModelJSON{}
	for _, m := range models {
		ok := checkpoint.Family(m.ModelType).Supported()
		if ok || c.Bool("all") {
			rows = append(rows, cachedModelJSON{CachedModel: m, Supported: ok})
		}
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Cache  string            `json:"cache"`
			Models []cachedModelJSON `json:"models"`
		}{o.CacheDir, rows})
	}
	if len(rows) == 0 {
		fmt.Fprintf(a.stdout, "no models vlmask can load in %s\n", o.CacheDir)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREVISION\tCOMMIT\tSIZE\tFAMILY")
	for _, r := range rows {
		refs := strings.Join(r.Refs, ",")
		if refs == "" {
			refs = "-"
		}
		family := r.ModelType
		if !r.Supported {
			family += " (not supported)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, refs, r.Commit[:12], humanSize(r.Size), family)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "(cache: %s)\n", o.CacheDir)
	return nil
}
