//go:build !windows

package pluginhost

// canonicalEnvName returns name: variable names are case-sensitive here.
func canonicalEnvName(name string) string { return name }
