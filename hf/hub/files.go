package hub

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Weight and index file names, as transformers saves them.
const (
	ConfigFile       = "config.json"
	SafetensorsFile  = "model.safetensors"
	SafetensorsIndex = "model.safetensors.index.json"
)

// frontEndFiles are the files vlmask reads besides the weights, each
// downloaded when the repository has it: the configuration, the tokenizer
// (tokenizer.json, and the slow tokenizer's vocab.json and merges.txt
// beside it), the chat template in each of its homes, and the image and
// video processor configurations.
var frontEndFiles = []string{
	ConfigFile,
	"generation_config.json",
	"tokenizer.json",
	"tokenizer_config.json",
	"special_tokens_map.json",
	"vocab.json",
	"merges.txt",
	"chat_template.json",
	"chat_template.jinja",
	"preprocessor_config.json",
	"video_preprocessor_config.json",
}

// pickleSuffixes are weight files that only a pickle loader reads.
var pickleSuffixes = []string{".bin", ".pt", ".pth", ".ckpt", ".pkl"}

// FrontEndFiles lists the non-weight files vlmask downloads when a
// repository has them.
func FrontEndFiles() []string { return slices.Clone(frontEndFiles) }

// selectFiles picks, from a repository's file list, the front-end files it
// has and the weights: "index" when the repository has
// model.safetensors.index.json (its shards are picked once it is read),
// else model.safetensors. Without either, the answer is ErrNoSafetensors,
// saying why pickle weights are refused when that is all there is.
func selectFiles(id RepoID, files []string) (picked []string, index bool, err error) {
	have := map[string]bool{}
	for _, f := range files {
		have[f] = true
	}
	if !have[ConfigFile] {
		return nil, false, fmt.Errorf("%s has no %s, so it is not a transformers model: %w", id, ConfigFile, ErrNotFound)
	}
	for _, f := range frontEndFiles {
		if have[f] {
			picked = append(picked, f)
		}
	}
	switch {
	case have[SafetensorsIndex]:
		return append(picked, SafetensorsIndex), true, nil
	case have[SafetensorsFile]:
		return append(picked, SafetensorsFile), false, nil
	}
	var pickles []string
	for _, f := range files {
		if slices.ContainsFunc(pickleSuffixes, func(s string) bool { return strings.HasSuffix(f, s) }) {
			pickles = append(pickles, f)
		}
	}
	if len(pickles) > 0 {
		return nil, false, fmt.Errorf("%s has only pickle weights (%s); vlmask loads safetensors only, because unpickling a file can run arbitrary code: %w",
			id, strings.Join(pickles, ", "), ErrNoSafetensors)
	}
	return nil, false, fmt.Errorf("%s has neither %s nor %s: %w", id, SafetensorsFile, SafetensorsIndex, ErrNoSafetensors)
}

// parseShards reads model.safetensors.index.json (of what, for messages) and returns the shard
// files its weight_map names, sorted, each once. A shard path must stay
// inside the repository.
func parseShards(what string, data []byte) ([]string, error) {
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("%s: %s: %v: %w", what, SafetensorsIndex, err, ErrNoSafetensors)
	}
	var shards []string
	for tensor, shard := range idx.WeightMap {
		if shard == "" || !isLocalSlash(shard) {
			return nil, fmt.Errorf("%s: %s: tensor %q: shard %q is not a file inside the repository: %w", what, SafetensorsIndex, tensor, shard, ErrNoSafetensors)
		}
		shards = append(shards, path.Clean(shard))
	}
	if len(shards) == 0 {
		return nil, fmt.Errorf("%s: %s has no weight_map: %w", what, SafetensorsIndex, ErrNoSafetensors)
	}
	slices.Sort(shards)
	return slices.Compact(shards), nil
}

// isLocalSlash reports whether p, with '/' separators, names a file inside
// its root: relative, no "..", no empty or "." element.
func isLocalSlash(p string) bool {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return false
	}
	for _, e := range strings.Split(p, "/") {
		if e == "" || e == "." || e == ".." {
			return false
		}
	}
	return true
}
