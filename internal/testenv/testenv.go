// Package testenv decides what a test does when a tool it needs is
// missing: it skips with a message on a developer's machine, and fails
// under `make test` (which installs every tool first and sets
// VLMASK_REQUIRE_TEST_TOOLS=1), so CI can never pass by skipping.
package testenv

import (
	"fmt"
	"os"
	"testing"
)

// EnvRequire, set to 1, turns a missing test tool into a failure.
const EnvRequire = "VLMASK_REQUIRE_TEST_TOOLS"

// Required says whether missing tools fail tests.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Missing reports a missing tool: the test fails when tools are required,
// else it skips.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		tb.Fatalf("%s (%s=1: tools are required)", msg, EnvRequire)
	}
	tb.Skip(msg)
}
