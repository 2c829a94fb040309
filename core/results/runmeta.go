package results

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Run metadata keys: what the run that wrote a file records about itself
// (Options.Metadata, SetMetadata). Readers such as vlmask view, report and
// the viewer look them up by these names.
const (
	MetaKeyVersion              = "vlmask.version"                // vlmask's version
	MetaKeyModel                = "vlmask.model"                  // absolute checkpoint directory
	MetaKeyModelType            = "vlmask.model_type"             // config.json's model_type
	MetaKeyONNXRuntime          = "vlmask.onnxruntime"            // ONNX Runtime's version
	MetaKeyPlugins              = "vlmask.plugins"                // NAME@VERSION of the strategy and metrics, comma-separated
	MetaKeyPluginOrigins        = "vlmask.plugin_origins"         // JSON: each plugin's source, path and sha256
	MetaKeyCommand              = "vlmask.command"                // the command line, shell-quoted
	MetaKeyPromptName           = "vlmask.prompt_name"            // the batch prompt's name, "" for a single run
	MetaKeyPromptRendered       = "vlmask.prompt_rendered"        // the chat template's output
	MetaKeyImages               = "vlmask.images"                 // absolute image paths, a JSON array (ImagesValue; comma-separated before)
	MetaKeyNumTokens            = "vlmask.num_tokens"             // analysis steps asked for
	MetaKeyMaskMode             = "vlmask.mask_mode"              // text, vision or both
	MetaKeyMethod               = "vlmask.method"                 // fast or recompute
	MetaKeySkipPerHead          = "vlmask.skip_per_head"          // true when Head_N rows were left out
	MetaKeySaveAttentionWeights = "vlmask.save_attention_weights" // true when AttentionWeight_* rows were written
	MetaKeyGeneratedText        = "vlmask.generated_text"         // the generated text
	MetaKeyGeneratedIDs         = "vlmask.generated_ids"          // the generated token ids, a JSON array
	MetaKeyEffectWindows        = "vlmask.effect_windows"         // the propagated knockout's windows, a JSON array (EffectWindowsValue); absent without --effect
	// MetaKeyInputsSHA256 is the sha256, in hex, of what decides the
	// results — model files, precision, model input, analysis settings,
	// plugins and their configuration — so that a resumed batch can tell
	// an output made from other inputs (internal/run's fingerprint).
	MetaKeyInputsSHA256 = "vlmask.inputs_sha256"
)

// Run metadata keys that readers rely on. The run writes them through
// Options.Metadata; unlike the reserved keys they are the caller's to set.
const (
	// MetaKeyNumLayers is the model's number of decoder layers (decimal):
	// every row's layer is below it.
	MetaKeyNumLayers = "vlmask.num_layers"
	// MetaKeyImageGrids is each image's merged-token grid, in prompt order,
	// as a JSON array of [rows, cols] pairs: every image row's patch_row
	// and patch_col lie inside its image's grid.
	MetaKeyImageGrids = "vlmask.image_grids"
)

// Grid is one image's merged-token grid.
type Grid struct{ Rows, Cols int }

// NumLayersValue formats a layer count for MetaKeyNumLayers.
func NumLayersValue(n int) string { return strconv.Itoa(n) }

// ImageGridsValue formats grids for MetaKeyImageGrids.
func ImageGridsValue(grids []Grid) string {
	pairs := make([][2]int, len(grids))
	for i, g := range grids {
		pairs[i] = [2]int{g.Rows, g.Cols}
	}
	b, _ := json.Marshal(pairs) // a slice of int pairs always encodes
	return string(b)
}

// NumLayers is the layer count the run recorded (MetaKeyNumLayers); ok is
// false when the file does not say.
func (m Meta) NumLayers() (n int, ok bool, err error) {
	v, ok := m.Metadata[MetaKeyNumLayers]
	if !ok {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, false, fmt.Errorf("%s %q: %w (want a positive integer)", MetaKeyNumLayers, v, ErrNotResults)
	}
	return n, true, nil
}

// ImageGrids are the image grids the run recorded (MetaKeyImageGrids); ok
// is false when the file does not say. A text-only run records none.
func (m Meta) ImageGrids() (grids []Grid, ok bool, err error) {
	v, ok := m.Metadata[MetaKeyImageGrids]
	if !ok {
		return nil, false, nil
	}
	var pairs [][2]int
	if err := json.Unmarshal([]byte(v), &pairs); err != nil {
		return nil, false, fmt.Errorf("%s %q: %w (want a JSON array of [rows, cols] pairs)", MetaKeyImageGrids, v, ErrNotResults)
	}
	grids = make([]Grid, len(pairs))
	for i, p := range pairs {
		if p[0] < 1 || p[1] < 1 {
			return nil, false, fmt.Errorf("%s: image %d grid %dx%d: %w", MetaKeyImageGrids, i, p[0], p[1], ErrNotResults)
		}
		grids[i] = Grid{Rows: p[0], Cols: p[1]}
	}
	return grids, true, nil
}

// ImagesValue formats image paths for MetaKeyImages: a JSON array, so a
// path may hold any character, commas included.
func ImagesValue(paths []string) string {
	if paths == nil {
		paths = []string{}
	}
	b, _ := json.Marshal(paths) // a slice of strings always encodes
	return string(b)
}

// Images are the image paths the run recorded (MetaKeyImages), in prompt
// order; none when it recorded none. Files of earlier versions joined the
// paths with commas, which is read too (their paths are absolute, so the
// value never starts with '[').
func (m Meta) Images() ([]string, error) {
	v := m.Metadata[MetaKeyImages]
	switch {
	case v == "":
		return nil, nil
	case !strings.HasPrefix(v, "["):
		return strings.Split(v, ","), nil
	}
	var paths []string
	if err := json.Unmarshal([]byte(v), &paths); err != nil {
		return nil, fmt.Errorf("%s %.80q: %w (want a JSON array of paths)", MetaKeyImages, v, ErrNotResults)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	return paths, nil
}

// EffectWindowsValue formats the propagated knockout's windows for
// MetaKeyEffectWindows.
func EffectWindowsValue(windows []int) string {
	b, _ := json.Marshal(windows)
	return string(b)
}
