package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// MaxIDLength is the longest row id: ids name files.
const MaxIDLength = 128

// ValidateID checks a given row id: 1 to MaxIDLength characters, ASCII
// letters, digits, '.', '_' and '-', starting with a letter or digit. Ids
// name the row's output file, so they must be safe in every file system
// and in a Hive partition path.
func ValidateID(id string) error {
	if id == "" || len(id) > MaxIDLength {
		return fmt.Errorf("id %q: want 1 to %d characters", id, MaxIDLength)
	}
	for i, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-')
		if !ok {
			return fmt.Errorf("id %q: want ASCII letters, digits, '.', '_' and '-', starting with a letter or digit", id)
		}
	}
	return nil
}

// idInputs are the inputs a row's hash id covers, in a fixed order: the
// image paths as the file writes them (not their contents, so a row's id
// costs no image read and survives the dataset directory moving), the
// prompt, and the per-row settings that change its results. Fields the row
// does not give are left out, so adding an optional field to this struct
// later does not change existing ids.
type idInputs struct {
	Images               []string                   `json:"image,omitempty"`
	Prompt               string                     `json:"prompt"`
	NumTokens            int                        `json:"num_tokens,omitempty"`
	MaskMode             string                     `json:"mask_mode,omitempty"`
	MaxImageResolution   int                        `json:"max_image_resolution,omitempty"`
	SkipPerHead          *bool                      `json:"skip_per_head,omitempty"`
	SaveAttentionWeights *bool                      `json:"save_attention_weights,omitempty"`
	Plugins              []string                   `json:"plugin,omitempty"`
	PluginConfigs        map[string]json.RawMessage `json:"plugin_config,omitempty"`
}

func (r Row) inputs() idInputs {
	return idInputs{
		Images: r.ImagesAsWritten, Prompt: r.Prompt, NumTokens: r.NumTokens, MaskMode: r.MaskMode,
		MaxImageResolution: r.MaxImageResolution, SkipPerHead: r.SkipPerHead, SaveAttentionWeights: r.SaveAttentionWeights,
		Plugins: r.Plugins, PluginConfigs: r.PluginConfigs,
	}
}

// HashID is the id of a row that gives none: the first 16 hex digits of
// the SHA-256 of its inputs as compact JSON, an object with the keys image
// (the paths as written), prompt, num_tokens, mask_mode,
// max_image_resolution, skip_per_head, save_attention_weights, plugin and
// plugin_config in that order, each only when the row gives it, mask_mode
// spelled as NormalizeMaskMode spells it, no character escaped that JSON
// does not require, and each plugin configuration re-encoded with sorted
// keys so that its spacing and key order do not matter. The same row
// written as JSONL or CSV gets the same id.
func HashID(r Row) (string, error) {
	in := r.inputs()
	if len(in.PluginConfigs) > 0 {
		canon := make(map[string]json.RawMessage, len(in.PluginConfigs))
		for name, raw := range in.PluginConfigs {
			c, err := canonicalJSON(raw)
			if err != nil {
				return "", fmt.Errorf("plugin_config %s: %w", name, err)
			}
			canon[name] = c
		}
		in.PluginConfigs = canon
	}
	b, err := marshalPlain(in)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}

// marshalPlain is json.Marshal without escaping <, > and & (prompts hold
// <image> markers), so the hashed bytes are plain JSON any language writes.
func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// canonicalJSON re-encodes a JSON value with sorted object keys, no
// spacing and numbers as written.
func canonicalJSON(raw json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return marshalPlain(v)
}
