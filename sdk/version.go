package sdk

import "strconv"

// The plugin protocol version this SDK speaks. The major is go-plugin's
// application protocol version (VersionedPlugins); the minor is sent in
// Describe. Additive changes bump ProtocolMinor; breaking ones start a new
// major with its own .proto (sdk/internal/pb/pluginv2). A test checks these
// against the header of sdk/internal/pb/pluginv1/plugin.proto.
const (
	ProtocolMajor = 1
	ProtocolMinor = 1
)

// ProtocolVersion is "<major>.<minor>", e.g. "1.0".
func ProtocolVersion() string {
	return strconv.Itoa(ProtocolMajor) + "." + strconv.Itoa(ProtocolMinor)
}
