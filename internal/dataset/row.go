package dataset

import (
	"encoding/json"
	"maps"
)

// Row is one dataset row: a prompt, its images and the settings the row
// gives itself. Zero values mean "not given": the run's settings apply.
type Row struct {
	// ID identifies the row across runs: given in the file, or a hash of
	// its inputs (see ID rules in HashID).
	ID string
	// GivenID says the file gave ID (false: it is a hash).
	GivenID bool
	// Line is the row's line in the file (its first line for CSV and
	// YAML), for messages.
	Line int
	// Images are the image files, resolved against the dataset file's
	// directory, in prompt order; ImagesAsWritten are the same as the file
	// spells them.
	Images          []string
	ImagesAsWritten []string
	// Prompt is the question: plain text, or ChatML with <image> markers
	// as in the original tool's batch files.
	Prompt string
	// NumTokens is the number of analysis steps (0: the run's).
	NumTokens int
	// MaskMode is text, vision or both ("": the run's).
	MaskMode string
	// MaxImageResolution downscales the row's images (0: the run's).
	MaxImageResolution int
	// SkipPerHead and SaveAttentionWeights, when set, replace the run's.
	SkipPerHead, SaveAttentionWeights *bool
	// Plugins are plugin names the row adds to the run's, and
	// PluginConfigs their configurations by name.
	Plugins       []string
	PluginConfigs map[string]json.RawMessage
	// Extra holds the row's fields vlmask does not read (a study's labels,
	// answers, source ids), kept in the row's Record.
	Extra map[string]json.RawMessage
}

// Record is the row as JSON, as it is stored with the row's results: its id,
// every field it gave (image paths as written) and its extra fields.
func (r Row) Record() string {
	m := map[string]any{}
	for k, v := range r.Extra {
		m[k] = v
	}
	m[fieldID] = r.ID
	m[fieldPrompt] = r.Prompt
	if len(r.ImagesAsWritten) > 0 {
		m[fieldImage] = r.ImagesAsWritten
	}
	in := r.inputs()
	if in.NumTokens > 0 {
		m[fieldNumTokens] = in.NumTokens
	}
	if in.MaskMode != "" {
		m[fieldMaskMode] = in.MaskMode
	}
	if in.MaxImageResolution > 0 {
		m[fieldMaxImageResolution] = in.MaxImageResolution
	}
	if in.SkipPerHead != nil {
		m[fieldSkipPerHead] = *in.SkipPerHead
	}
	if in.SaveAttentionWeights != nil {
		m[fieldSaveAttentionWeights] = *in.SaveAttentionWeights
	}
	if len(in.Plugins) > 0 {
		m[fieldPlugin] = in.Plugins
	}
	if len(in.PluginConfigs) > 0 {
		m[fieldPluginConfig] = in.PluginConfigs
	}
	b, _ := json.Marshal(m) // strings, numbers, booleans and valid JSON only
	return string(b)
}

// clone returns a copy of r that shares nothing mutable with it.
func (r Row) clone() Row {
	c := r
	c.Images = append([]string(nil), r.Images...)
	c.ImagesAsWritten = append([]string(nil), r.ImagesAsWritten...)
	c.Plugins = append([]string(nil), r.Plugins...)
	c.PluginConfigs = maps.Clone(r.PluginConfigs)
	c.Extra = maps.Clone(r.Extra)
	return c
}
