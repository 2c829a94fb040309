package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/internal/run"
)

func (a *app) pluginsCommand() *cli.Command {
	return &cli.Command{
		Name:  "plugins",
		Usage: "list and describe masking-strategy and metric plugins",
		Subcommands: []*cli.Command{
			{
				Name:        "list",
				Usage:       "every plugin in the search path, in search order, with what it provides",
				Description: "Example: vlmask plugins list --json",
				Flags:       append(pluginSearchFlags(), jsonFlag("print JSON")),
				Action:      a.pluginsList,
			},
			{
				Name:        "describe",
				Usage:       "what one plugin says about itself",
				ArgsUsage:   "NAME",
				Description: "Example: vlmask plugins describe metrics",
				Flags:       append(pluginSearchFlags(), jsonFlag("print JSON")),
				Action:      a.pluginsDescribe,
			},
		},
	}
}

// pluginJSON is one plugin in `plugins list --json`.
type pluginJSON struct {
	Name        string          `json:"name"`
	Kind        string          `json:"kind,omitempty"`
	Version     string          `json:"version,omitempty"`
	Source      string          `json:"source"`
	Path        string          `json:"path"`
	Summary     string          `json:"summary,omitempty"`
	Columns     []string        `json:"columns,omitempty"`
	Variants    []string        `json:"variants,omitempty"`
	Protocol    string          `json:"protocol,omitempty"`
	Shadowed    []string        `json:"shadowed,omitempty"`
	Error       string          `json:"error,omitempty"`
	Description json.RawMessage `json:"description,omitempty"`
}

func toPluginJSON(in pluginhost.Info) pluginJSON {
	d := in.Description
	p := pluginJSON{Name: in.Name, Kind: string(d.Kind), Version: d.Version, Source: in.Source, Path: in.Path,
		Summary: d.Summary, Columns: d.Columns, Shadowed: in.Shadowed}
	for _, v := range d.Variants {
		p.Variants = append(p.Variants, string(v))
	}
	if d.Name != "" {
		p.Protocol = fmt.Sprintf("1.%d", d.ProtocolMinor)
	}
	if in.Err != nil {
		p.Error = in.Err.Error()
	}
	return p
}

func (a *app) listPlugins(c *cli.Context) ([]pluginhost.Info, error) {
	search, err := pluginSearch(c)
	if err != nil {
		return nil, err
	}
	h, err := run.PluginHost(c.Context, search, a.log.Named("plugins"))
	if err != nil {
		return nil, err
	}
	defer h.Close()
	infos, err := h.List(c.Context)
	if err != nil {
		return nil, withCode(ExitPlugin, err)
	}
	return infos, nil
}

func (a *app) pluginsList(c *cli.Context) error {
	infos, err := a.listPlugins(c)
	if err != nil {
		return err
	}
	if c.Bool(flagJSON) {
		out := make([]pluginJSON, 0, len(infos))
		for _, in := range infos {
			out = append(out, toPluginJSON(in))
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tkind\tversion\tsource\tprovides")
	for _, in := range infos {
		p := toPluginJSON(in)
		provides := p.Summary
		if len(p.Columns) > 0 {
			provides = "columns " + strings.Join(p.Columns, ", ")
		}
		if p.Error != "" {
			provides = "unusable: " + p.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Kind, p.Version, p.Source, provides)
	}
	return tw.Flush()
}

func (a *app) pluginsDescribe(c *cli.Context) error {
	if c.NArg() != 1 {
		return usageErr("plugins describe takes one plugin name")
	}
	name := c.Args().First()
	infos, err := a.listPlugins(c)
	if err != nil {
		return err
	}
	var names []string
	for _, in := range infos {
		if in.Name != name {
			names = append(names, in.Name)
			continue
		}
		if in.Err != nil {
			return withCode(ExitPlugin, fmt.Errorf("plugin %s (%s): %w", name, in.Path, in.Err))
		}
		p := toPluginJSON(in)
		if c.Bool(flagJSON) {
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(p)
		}
		fmt.Fprintf(a.stdout, "%s %s (%s plugin, protocol %s)\n%s\npath: %s (%s)\n", p.Name, p.Version, p.Kind, p.Protocol, p.Summary, p.Path, p.Source)
		if len(p.Columns) > 0 {
			fmt.Fprintf(a.stdout, "columns: %s\nvariants: %s\n", strings.Join(p.Columns, ", "), strings.Join(p.Variants, ", "))
		}
		if s := in.Description.ConfigSchemaJSON; s != "" {
			fmt.Fprintf(a.stdout, "configuration schema: %s\n", s)
		}
		for _, sh := range p.Shadowed {
			fmt.Fprintf(a.stdout, "shadows: %s\n", sh)
		}
		return nil
	}
	return usageErr("no plugin named %q; found: %s", name, strings.Join(names, ", "))
}
