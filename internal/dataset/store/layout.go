package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/internal/dataset"
)

// Partition keys of the dataset, outermost first.
const (
	KeyModel    = "model"
	KeyMaskMode = "mask_mode"
	KeyShard    = "shard"
)

// Metadata keys a part carries besides the run's (core/results): which
// dataset row it holds and where that row came from.
const (
	MetaKeyRowID   = "vlmask.dataset.row_id" // the row's id, also its prompt_name
	MetaKeyRow     = "vlmask.dataset.row"    // the row as JSON (dataset.Row.Record)
	MetaKeyDataset = "vlmask.dataset.file"   // the dataset file's absolute path
	MetaKeyShard   = "vlmask.dataset.shard"  // the shard that wrote the part, i/n
)

// partPrefix starts every part's file name; partExt ends it.
const (
	partPrefix = "part-"
	partExt    = ".parquet"
)

// controlDir holds manifests, layouts and files moved aside; its name
// starts with an underscore, which Hive-style readers skip, and it holds
// no .parquet file.
const controlDir = "_vlmask"

// Store is one model's partitions of an output directory.
type Store struct {
	dir   string
	model string
}

// Open returns the store of the model labelled model under dir (created
// when first written). dir is made absolute.
func Open(dir, model string) (*Store, error) {
	if err := ValidateLabel(model); err != nil {
		return nil, fmt.Errorf("model label: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("output directory %q: %w", dir, err)
	}
	return &Store{dir: abs, model: model}, nil
}

// Dir is the output directory.
func (s *Store) Dir() string { return s.dir }

// Model is the model's label.
func (s *Store) Model() string { return s.model }

// PartitionDir is the directory of a mask mode's parts written by a shard.
func (s *Store) PartitionDir(maskMode string, shard dataset.Shard) string {
	return filepath.Join(s.dir, s.partitionRel(maskMode, shard))
}

func (s *Store) partitionRel(maskMode string, shard dataset.Shard) string {
	return filepath.Join(KeyModel+"="+s.model, KeyMaskMode+"="+maskMode, fmt.Sprintf("%s=%s", KeyShard, ShardValue(shard.Index)))
}

// ShardValue is a shard index as its partition value: four digits at
// least, so directories sort in shard order.
func ShardValue(index int) string { return fmt.Sprintf("%04d", index) }

// PartBase is the results base (no extension) of a row's part.
func (s *Store) PartBase(maskMode string, shard dataset.Shard, id string) string {
	return filepath.Join(s.PartitionDir(maskMode, shard), partPrefix+id)
}

// PartRel is a part's path relative to the output directory, with
// forward slashes, as manifests record it.
func (s *Store) PartRel(maskMode string, shard dataset.Shard, id string) string {
	return filepath.ToSlash(filepath.Join(s.partitionRel(maskMode, shard), partPrefix+id+partExt))
}

// controlPath is a path in the model's control directory.
func (s *Store) controlPath(parts ...string) string {
	return filepath.Join(append([]string{s.dir, controlDir, KeyModel + "=" + s.model}, parts...)...)
}

// ValidateLabel checks a partition value: the characters of a row id
// (dataset.ValidateID), so it is one path element that needs no escaping.
func ValidateLabel(v string) error {
	if err := dataset.ValidateID(v); err != nil {
		return fmt.Errorf("%q: %w (%v)", v, ErrInvalidLabel, err)
	}
	return nil
}

// Label turns a name into a partition value: characters other than ASCII
// letters, digits, '.', '_' and '-' become '_', and a name that would start
// with '.', '_' or '-' gets an 'x' in front.
func Label(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] == '.' || out[0] == '_' || out[0] == '-' {
		out = "x" + out
	}
	if len(out) > dataset.MaxIDLength {
		out = out[:dataset.MaxIDLength]
	}
	return out
}

// ModelLabel is the default model label of a --model value: a checkpoint
// directory's base name, or a Hub id ORG/NAME written ORG--NAME (as the
// Hugging Face cache names it), made a valid label.
func ModelLabel(model string) string {
	if st, err := os.Stat(model); err == nil && st.IsDir() {
		abs, err := filepath.Abs(model)
		if err == nil {
			model = abs
		}
		return Label(filepath.Base(model))
	}
	return Label(strings.ReplaceAll(strings.Trim(model, "/"), "/", "--"))
}
