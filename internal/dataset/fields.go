package dataset

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// Field names of a dataset row (JSON keys, CSV header names).
const (
	fieldID                   = "id"
	fieldImage                = "image"
	fieldImages               = "images" // accepted for "image", as many datasets spell it
	fieldPrompt               = "prompt"
	fieldNumTokens            = "num_tokens"
	fieldMaskMode             = "mask_mode"
	fieldMaxImageResolution   = "max_image_resolution"
	fieldSkipPerHead          = "skip_per_head"
	fieldSaveAttentionWeights = "save_attention_weights"
	fieldPlugin               = "plugin"
	fieldPluginConfig         = "plugin_config"
)

// knownField says whether vlmask reads a field.
func knownField(name string) bool {
	switch name {
	case fieldID, fieldImage, fieldImages, fieldPrompt, fieldNumTokens, fieldMaskMode, fieldMaxImageResolution,
		fieldSkipPerHead, fieldSaveAttentionWeights, fieldPlugin, fieldPluginConfig:
		return true
	}
	return false
}

// NormalizeMaskMode checks a mask mode and spells it as the run does:
// "all" (the original tool's configs) is "both".
func NormalizeMaskMode(mode string) (string, error) {
	switch mode {
	case "text", "vision", "both":
		return mode, nil
	case "all":
		return "both", nil
	}
	return "", fmt.Errorf("mask_mode %q: want text, vision, both or all", mode)
}

// finish completes a parsed row: checks its fields, resolves its image
// paths against dir and gives it its id.
func finish(r *Row, hasPrompt bool, dir string) error {
	if !hasPrompt {
		return fmt.Errorf("no %s", fieldPrompt)
	}
	if r.NumTokens < 0 || r.MaxImageResolution < 0 {
		return fmt.Errorf("negative %s or %s", fieldNumTokens, fieldMaxImageResolution)
	}
	if r.MaskMode != "" {
		m, err := NormalizeMaskMode(r.MaskMode)
		if err != nil {
			return err
		}
		r.MaskMode = m
	}
	for _, p := range r.Plugins {
		if strings.TrimSpace(p) == "" {
			return fmt.Errorf("%s: an empty plugin name", fieldPlugin)
		}
	}
	for name, raw := range r.PluginConfigs {
		if !json.Valid(raw) {
			return fmt.Errorf("%s %s: not valid JSON", fieldPluginConfig, name)
		}
	}
	r.Images = make([]string, len(r.ImagesAsWritten))
	for i, p := range r.ImagesAsWritten {
		if strings.TrimSpace(p) == "" {
			return fmt.Errorf("%s %d: an empty path", fieldImage, i+1)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		r.Images[i] = p
	}
	if r.ID != "" {
		r.GivenID = true
		return ValidateID(r.ID)
	}
	id, err := HashID(*r)
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}
