package sdk_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// The version constants must match the header of the .proto they speak.
func TestProtocolVersionMatchesProto(t *testing.T) {
	t.Parallel()
	path := filepath.Join("internal", "pb", "pluginv"+strconv.Itoa(sdk.ProtocolMajor), "plugin.proto")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	m := regexp.MustCompile(`vlmask plugin RPC protocol version (\d+)\.(\d+)\.`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s: no 'vlmask plugin RPC protocol version X.Y.' header", path)
	}
	if got := string(m[1]) + "." + string(m[2]); got != sdk.ProtocolVersion() {
		t.Errorf("%s says protocol %s, sdk says %s", path, got, sdk.ProtocolVersion())
	}
	pkg := regexp.MustCompile(`(?m)^package vlmask\.plugin\.v(\d+);`).FindSubmatch(data)
	if pkg == nil || string(pkg[1]) != strconv.Itoa(sdk.ProtocolMajor) {
		t.Errorf("%s: proto package is not vlmask.plugin.v%d", path, sdk.ProtocolMajor)
	}
}
