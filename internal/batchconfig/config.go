package batchconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrInvalid: the batch file is unusable.
var ErrInvalid = errors.New("invalid batch config")

// File is a parsed batch file.
type File struct {
	Path                 string
	Model                string // model.path, resolved against the file's directory when relative and present there
	Device               string
	BatchSize            *int
	SkipPerHead          *bool
	SaveAttentionWeights *bool
	MaxImageResolution   *int
	Prompts              []Prompt
	// Unknown lists keys the file has that vlmask does not read.
	Unknown []string
}

// Prompt is one entry of prompts[], with the global settings applied.
type Prompt struct {
	Name                 string
	Enabled              bool
	Text                 string   // the raw prompt (ChatML or plain text)
	Images               []string // image_path (a string or a list), resolved like Model
	NumTokens            int
	MaskMode             string // text, vision or both
	SkipPerHead          bool
	SaveAttentionWeights bool
	MaxImageResolution   int
	BatchSize            int
}

type rawFile struct {
	Model struct {
		Path string `yaml:"path"`
	} `yaml:"model"`
	Device               string      `yaml:"device"`
	BatchSize            *int        `yaml:"batch_size"`
	SkipPerHead          *bool       `yaml:"skip_per_head"`
	SaveAttentionWeights *bool       `yaml:"save_attention_weights"`
	MaxImageResolution   *int        `yaml:"max_image_resolution"`
	Prompts              []rawPrompt `yaml:"prompts"`
}

type rawPrompt struct {
	Name                 string    `yaml:"name"`
	Enabled              *bool     `yaml:"enabled"`
	Prompt               *string   `yaml:"prompt"`
	ImagePath            yaml.Node `yaml:"image_path"`
	NumTokens            *int      `yaml:"num_tokens"`
	MaskMode             string    `yaml:"mask_mode"`
	SkipPerHead          *bool     `yaml:"skip_per_head"`
	SaveAttentionWeights *bool     `yaml:"save_attention_weights"`
	MaxImageResolution   *int      `yaml:"max_image_resolution"`
	BatchSize            *int      `yaml:"batch_size"`
}

var knownTop = map[string]bool{"model": true, "device": true, "batch_size": true, "skip_per_head": true,
	"save_attention_weights": true, "max_image_resolution": true, "prompts": true}

var knownPrompt = map[string]bool{"name": true, "enabled": true, "prompt": true, "image_path": true, "num_tokens": true,
	"mask_mode": true, "skip_per_head": true, "save_attention_weights": true, "max_image_resolution": true, "batch_size": true}

// Load reads and checks a batch file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read batch config: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a batch file's contents; path names it in errors and anchors
// relative paths.
func Parse(data []byte, path string) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s: %w", path, fmt.Sprintf(format, args...), ErrInvalid)
	}
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, bad("%s", yamlError(err))
	}
	var tree yaml.Node
	_ = yaml.Unmarshal(data, &tree)
	f := &File{
		Path: path, Device: raw.Device, BatchSize: raw.BatchSize, SkipPerHead: raw.SkipPerHead,
		SaveAttentionWeights: raw.SaveAttentionWeights, MaxImageResolution: raw.MaxImageResolution,
		Unknown: unknownKeys(&tree),
	}
	base := filepath.Dir(path)
	if raw.Model.Path != "" {
		f.Model = resolve(base, raw.Model.Path)
	}
	if len(raw.Prompts) == 0 {
		return nil, bad("no prompts")
	}
	names := map[string]bool{}
	for i, rp := range raw.Prompts {
		p := Prompt{Name: rp.Name, Enabled: true, NumTokens: 1, MaskMode: "text",
			SkipPerHead: deref(raw.SkipPerHead, false), SaveAttentionWeights: deref(raw.SaveAttentionWeights, false),
			MaxImageResolution: deref(raw.MaxImageResolution, 0), BatchSize: deref(raw.BatchSize, 8)}
		if p.Name == "" {
			p.Name = fmt.Sprintf("prompt_%d", i+1)
		}
		if err := ValidName(p.Name); err != nil {
			return nil, bad("prompts[%d]: %v", i, err)
		}
		if names[p.Name] {
			return nil, bad("prompts[%d]: name %q used twice (it names the output file)", i, p.Name)
		}
		names[p.Name] = true
		if rp.Enabled != nil {
			p.Enabled = *rp.Enabled
		}
		if rp.Prompt == nil {
			return nil, bad("prompts[%d] (%s): no prompt", i, p.Name)
		}
		if strings.TrimSpace(*rp.Prompt) == "" {
			return nil, bad("prompts[%d] (%s): empty prompt", i, p.Name)
		}
		p.Text = *rp.Prompt
		images, err := imagePaths(rp.ImagePath)
		if err != nil {
			return nil, bad("prompts[%d] (%s): image_path: %v", i, p.Name, err)
		}
		for _, im := range images {
			p.Images = append(p.Images, resolve(base, im))
		}
		if rp.NumTokens != nil {
			if *rp.NumTokens < 1 {
				return nil, bad("prompts[%d] (%s): num_tokens %d: must be at least 1", i, p.Name, *rp.NumTokens)
			}
			p.NumTokens = *rp.NumTokens
		}
		if rp.MaskMode != "" {
			switch rp.MaskMode {
			case "text", "vision", "both":
				p.MaskMode = rp.MaskMode
			case "all":
				p.MaskMode = "both"
			default:
				return nil, bad("prompts[%d] (%s): mask_mode %q: want text, vision, both or all", i, p.Name, rp.MaskMode)
			}
		}
		p.SkipPerHead = deref(rp.SkipPerHead, p.SkipPerHead)
		p.SaveAttentionWeights = deref(rp.SaveAttentionWeights, p.SaveAttentionWeights)
		p.MaxImageResolution = deref(rp.MaxImageResolution, p.MaxImageResolution)
		p.BatchSize = deref(rp.BatchSize, p.BatchSize)
		f.Prompts = append(f.Prompts, p)
	}
	return f, nil
}

// Enabled is the prompts to run.
func (f *File) Enabled() []Prompt {
	var out []Prompt
	for _, p := range f.Prompts {
		if p.Enabled {
			out = append(out, p)
		}
	}
	return out
}

func imagePaths(n yaml.Node) ([]string, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		if n.Value == "" || n.Tag == "!!null" {
			return nil, nil
		}
		return []string{n.Value}, nil
	case yaml.SequenceNode:
		var out []string
		if err := n.Decode(&out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, errors.New("want a path or a list of paths")
}

// resolve anchors a relative path at the batch file's directory when the
// file exists there, else leaves it relative to the working directory, as
// the original tool read it.
func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	if cand := filepath.Join(base, p); exists(cand) {
		return cand
	}
	return p
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func unknownKeys(tree *yaml.Node) []string {
	if tree == nil || len(tree.Content) == 0 || tree.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	top := tree.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key := top.Content[i].Value
		if !knownTop[key] {
			out = append(out, key)
		}
		if key == "prompts" && top.Content[i+1].Kind == yaml.SequenceNode {
			for j, item := range top.Content[i+1].Content {
				for k := 0; item.Kind == yaml.MappingNode && k+1 < len(item.Content); k += 2 {
					if pk := item.Content[k].Value; !knownPrompt[pk] {
						out = append(out, fmt.Sprintf("prompts[%d].%s", j, pk))
					}
				}
			}
		}
	}
	return out
}

// yamlError describes a decoding error with all its detail: a type error
// lists every field that did not fit, each with its line.
func yamlError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return "wrong type: " + strings.Join(te.Errors, "; ")
	}
	return "not valid YAML: " + strings.ReplaceAll(err.Error(), "\n", "; ")
}
