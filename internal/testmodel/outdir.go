package testmodel

import (
	"fmt"
	"os"
)

// outputNames are the files Generate may write, besides weight shards.
func outputNames() []string {
	return []string{
		MarkerFile, "config.json", "generation_config.json", "tokenizer.json",
		"vocab.json", "merges.txt", "tokenizer_config.json", "chat_template.json",
		"preprocessor_config.json", "video_preprocessor_config.json",
		"model.safetensors", indexFileName,
	}
}

// isOutputName reports whether Generate may have written a file so named.
func isOutputName(name string) bool {
	for _, n := range outputNames() {
		if name == n {
			return true
		}
	}
	return isShardName(name)
}

// isShardName reports whether name is a weight shard's name,
// model-NNNNN-of-NNNNN.safetensors.
func isShardName(name string) bool {
	var i, n int
	var rest string
	k, _ := fmt.Sscanf(name, "model-%05d-of-%05d.%s", &i, &n, &rest)
	return k == 3 && rest == "safetensors" && name == fmt.Sprintf("model-%05d-of-%05d.safetensors", i, n)
}

// checkOutputDir reports whether dir exists, and fails unless it is
// missing, empty, or a previous output: a directory holding MarkerFile and
// only files Generate writes.
func checkOutputDir(dir string) (exists bool, err error) {
	info, err := os.Lstat(dir)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !info.IsDir() {
		return false, fmt.Errorf("%s exists and is not a directory: %w", dir, ErrDirNotEmpty)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		return true, nil
	}
	marked := false
	for _, e := range entries {
		if !e.Type().IsRegular() || !isOutputName(e.Name()) {
			return false, fmt.Errorf("%s holds %s, which Generate does not write; use an empty or new directory: %w", dir, e.Name(), ErrDirNotEmpty)
		}
		marked = marked || e.Name() == MarkerFile
	}
	if !marked {
		return false, fmt.Errorf("%s has no %s, so it is not a previous test model; use an empty or new directory: %w", dir, MarkerFile, ErrDirNotEmpty)
	}
	return true, nil
}

// moveIntoPlace renames the finished checkpoint tmp to dir. An existing dir
// (empty, or a previous output that checkOutputDir accepted) is moved aside
// first and removed once the new one is in place.
func moveIntoPlace(tmp, dir string, exists bool) error {
	if !exists {
		return os.Rename(tmp, dir)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if back := os.Rename(old, dir); back != nil {
			return fmt.Errorf("%w (the previous output is left at %s)", err, old)
		}
		return err
	}
	return os.RemoveAll(old)
}
