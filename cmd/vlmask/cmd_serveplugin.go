package main

import (
	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/plugins/builtin"
)

// servePluginCommand is the hidden command the plugin host starts to run
// a built-in plugin as its own process: `vlmask serve-plugin NAME`.
func (a *app) servePluginCommand() *cli.Command {
	return &cli.Command{
		Name:      pluginhost.ServePluginCommand,
		Usage:     "serve a built-in plugin (started by vlmask itself)",
		ArgsUsage: "NAME",
		Hidden:    true,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("serve-plugin takes one plugin name; built-ins: %v", builtin.Names())
			}
			if err := builtin.ServeBuiltin(c.Args().First()); err != nil {
				return withCode(ExitPlugin, err)
			}
			return nil
		},
	}
}
