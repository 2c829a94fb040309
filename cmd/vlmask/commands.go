package main

import "github.com/urfave/cli/v2"

// commands is the command table; each handler lives in cmd_<name>.go.
// Every command reports flag errors as usage errors and takes the global
// flags after its name too.
func (a *app) commands() []*cli.Command {
	cmds := []*cli.Command{
		a.runCommand(),
		a.generateCommand(),
		a.inputsCommand(),
		a.modelsCommand(),
		a.pluginsCommand(),
		a.reportCommand(),
		a.viewCommand(),
		a.serveCommand(),
		a.exportCommand(),
		a.datasetCommand(),
		a.testmodelCommand(),
		a.versionCommand(),
		a.servePluginCommand(),
	}
	var mark func([]*cli.Command)
	mark = func(cs []*cli.Command) {
		for _, c := range cs {
			c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageErr("%v", err) }
			c.Flags = append(c.Flags, globalFlags(false)...)
			c.Before = a.setup
			mark(c.Subcommands)
		}
	}
	mark(cmds)
	return cmds
}
