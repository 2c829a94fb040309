package safetensors

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// maxIndexLen bounds the size of model.safetensors.index.json; real ones
// are well under a few MiB.
const maxIndexLen = MaxHeaderLen

// indexFile is model.safetensors.index.json. Its "metadata" (total_size,
// ...) is not used.
type indexFile struct {
	WeightMap map[string]string `json:"weight_map"`
}

// readIndex reads and checks an index file: a non-empty weight_map whose
// shard paths stay inside dir.
func readIndex(path string) (map[string]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxIndexLen {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit: %w", path, info.Size(), maxIndexLen, ErrInvalidIndex)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var idx indexFile
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", path, err, ErrInvalidIndex)
	}
	if len(idx.WeightMap) == 0 {
		return nil, fmt.Errorf("%s: no weight_map: %w", path, ErrInvalidIndex)
	}
	for name, shard := range idx.WeightMap {
		if shard == "" || !filepath.IsLocal(filepath.FromSlash(shard)) {
			return nil, fmt.Errorf("%s: tensor %q: shard %q is not a file inside the checkpoint directory: %w", path, name, shard, ErrInvalidIndex)
		}
	}
	return idx.WeightMap, nil
}

// openIndexed opens the shards that the index at indexPath names, each
// once, and checks that every tensor it lists is in its shard. Tensors a
// shard holds but the index does not list are not part of the set, as for
// Hugging Face loaders.
func openIndexed(dir, indexPath string) (*Set, error) {
	weightMap, err := readIndex(indexPath)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint %q: %w", dir, err)
	}
	byShard := map[string][]string{} // shard → its tensor names
	for name, shard := range weightMap {
		shard = filepath.Clean(filepath.FromSlash(shard))
		byShard[shard] = append(byShard[shard], name)
	}
	s := &Set{dir: dir, where: map[string]*File{}, metadata: map[string]string{}}
	for _, shard := range slices.Sorted(maps.Keys(byShard)) {
		names := byShard[shard]
		slices.Sort(names)
		path := filepath.Join(dir, shard)
		f, err := Open(path)
		if err != nil {
			s.Close()
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("open checkpoint %q: shard %s, named by %s for tensor %q, does not exist: %w",
					dir, path, indexPath, names[0], err)
			}
			return nil, fmt.Errorf("open checkpoint %q: shard for tensor %q: %w", dir, names[0], err)
		}
		s.files = append(s.files, f)
		for _, name := range names {
			if !f.Has(name) {
				s.Close()
				return nil, fmt.Errorf("open checkpoint %q: tensor %q is not in shard %s, where %s puts it: %w",
					dir, name, path, indexPath, ErrInvalidIndex)
			}
			s.where[name] = f
		}
		s.addMetadata(f)
	}
	s.names = slices.Sorted(maps.Keys(s.where))
	return s, nil
}
