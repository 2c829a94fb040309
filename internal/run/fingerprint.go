package run

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/processor"
)

// fingerprintVersion names what the fingerprint covers; a change to that
// list changes it, so outputs fingerprinted the old way are redone.
const fingerprintVersion = 1

// modelFile identifies one file of the checkpoint directory without
// reading it (weights run to gigabytes): a file replaced, rewritten or
// touched changes its size or time.
type modelFile struct {
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
}

// fingerprintInputs is what decides a prompt's results.
type fingerprintInputs struct {
	Version   int         `json:"version"`
	Model     string      `json:"model"`
	Files     []modelFile `json:"files"`
	Device    string      `json:"device"`
	Precision string      `json:"precision"`
	TF32      bool        `json:"tf32"`
	// The model input: the rendered prompt, its token ids, each image's
	// pixel values (after resizing: --max-image-resolution included) and
	// grid.
	Rendered     string      `json:"rendered"`
	IDs          []int       `json:"ids"`
	TokenTypeIDs []int       `json:"token_type_ids,omitempty"`
	Images       []imageHash `json:"images"`
	// The analysis.
	NumTokens            int                        `json:"num_tokens"`
	Method               string                     `json:"method"`
	Strategy             string                     `json:"strategy"`
	SkipPerHead          bool                       `json:"skip_per_head"`
	SaveAttentionWeights bool                       `json:"save_attention_weights"`
	Plugins              []string                   `json:"plugins"`
	PluginConfigs        map[string]json.RawMessage `json:"plugin_configs"`
	// EffectWindows: absent without the propagated knockout, so a run
	// without it keeps the fingerprint it had before the option existed.
	EffectWindows []int `json:"effect_windows,omitempty"`
}

type imageHash struct {
	PixelSHA256 string `json:"pixel_sha256"`
	Grid        [3]int `json:"grid_thw"`
}

// fingerprint is the sha256, in hex, of what decides the results of
// analysing in with set on this session's model. The output formats, the
// output path, the prompt's name and the command line are not in it:
// resuming checks that each format's file is there, and the rest changes
// no number.
func (s *Session) fingerprint(in *processor.Result, set Settings) (string, error) {
	files, err := s.checkpointFiles()
	if err != nil {
		return "", err
	}
	strategy, err := MaskModePlugin(set.MaskMode)
	if err != nil {
		return "", err
	}
	configs := make(map[string]json.RawMessage, len(set.PluginConfigs))
	for name, raw := range set.PluginConfigs {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return "", usage("--plugin-config %s: %v", name, err)
		}
		configs[name] = buf.Bytes()
	}
	fi := fingerprintInputs{
		Version: fingerprintVersion, Model: s.proc.Config().Dir, Files: files,
		Device: s.device.Kind.String(), Precision: s.precision, TF32: s.cfg.TF32,
		Rendered: in.Rendered, IDs: in.Prompt.IDs, TokenTypeIDs: in.Prompt.TokenTypeIDs,
		NumTokens: set.NumTokens, Method: string(set.Method), Strategy: strategy,
		SkipPerHead: set.SkipPerHead, SaveAttentionWeights: set.SaveAttentionWeights,
		Plugins: set.Plugins, PluginConfigs: configs, EffectWindows: set.EffectWindows,
	}
	for _, d := range in.ImageDetails {
		fi.Images = append(fi.Images, imageHash{PixelSHA256: d.PixelSHA256, Grid: [3]int{d.GridT, d.GridH, d.GridW}})
	}
	if abs, err := filepath.Abs(fi.Model); err == nil {
		fi.Model = abs
	}
	b, err := json.Marshal(fi)
	if err != nil {
		return "", fmt.Errorf("fingerprint the run's inputs: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// checkpointFiles lists the checkpoint directory's files in name order
// (following links, as the Hugging Face cache's snapshots are links to
// blobs), once per session.
func (s *Session) checkpointFiles() ([]modelFile, error) {
	if s.modelFiles != nil {
		return s.modelFiles, nil
	}
	dir := s.proc.Config().Dir
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, withKind(KindInput, fmt.Errorf("list the checkpoint %s: %w", dir, err))
	}
	files := []modelFile{}
	for _, e := range entries {
		st, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		files = append(files, modelFile{Name: e.Name(), Size: st.Size(), ModTime: st.ModTime().UnixNano()})
	}
	s.modelFiles = files
	return files, nil
}
