package pluginhost

import "strings"

// canonicalEnvName upper-cases a variable name: Windows compares them
// without case (Path is PATH).
func canonicalEnvName(name string) string { return strings.ToUpper(name) }
