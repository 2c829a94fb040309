package main

import "github.com/urfave/cli/v2"

// commands is the command table; each handler lives in cmd_<name>.go.
func (a *app) commands() []*cli.Command {
	return []*cli.Command{
		a.runCommand(),
		a.generateCommand(),
		a.inputsCommand(),
		a.pluginsCommand(),
		a.reportCommand(),
		a.testmodelCommand(),
		a.versionCommand(),
		a.servePluginCommand(),
	}
}
