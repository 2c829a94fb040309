package main

import (
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// envPlugins is --plugin's environment variable.
const envPlugins = "VLMASK_PLUGINS"

// listFlag reads a list flag whose items never hold a comma (plugin names,
// NAME=HEX pins, variable names): every value given, each split at commas;
// when the flag is not given, the environment variable env split the same
// way.
//
// The app turns urfave/cli's own comma splitting off for every slice flag
// (--image a,b.png is one file, --plugin-config NAME={"a": 1, "b": 2} one
// value), so these flags split here, and take their variables here too:
// with the splitting off, urfave/cli would read "a,b" from a variable as
// one item.
func listFlag(c *cli.Context, name, env string) []string {
	values := c.StringSlice(name)
	if !c.IsSet(name) {
		values = []string{os.Getenv(env)}
	}
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}
