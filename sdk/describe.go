package sdk

// Kind is what a plugin does.
type Kind string

// The kinds of plugin.
const (
	KindMasking Kind = "masking"
	KindMetric  Kind = "metric"
)

// Capabilities are what a plugin declares it needs beyond the defaults.
// The host never probes for them.
type Capabilities struct {
	// NeedsUnembedding asks for ScoreRequest.Unembedding: the lm_head row of
	// the token generated at the scored step.
	NeedsUnembedding bool `json:"needs_unembedding,omitempty"`
}

// Description is what a plugin says about itself.
type Description struct {
	// Name identifies the plugin; it should match the binary's
	// vlmask-plugin-<name>.
	Name    string `json:"name"`
	Version string `json:"version"`
	Kind    Kind   `json:"kind"`
	// ProtocolMinor is the minor version of the plugin protocol the plugin
	// speaks. Leave it zero: ServeMasking and ServeMetric fill in this SDK's
	// ProtocolMinor.
	ProtocolMinor int    `json:"protocol_minor"`
	Summary       string `json:"summary,omitempty"`
	// Columns are, for metrics, the result columns produced, e.g.
	// ["l2_distance", "cosine_distance"]. A metric may produce no other.
	Columns []string `json:"columns,omitempty"`
	// Variants are, for metrics, the vector classes the metric wants.
	Variants     []VariantClass `json:"variants,omitempty"`
	Capabilities Capabilities   `json:"capabilities"`
	// ConfigSchemaJSON is a JSON Schema for the Configure config, or empty.
	ConfigSchemaJSON string `json:"config_schema_json,omitempty"`
}
