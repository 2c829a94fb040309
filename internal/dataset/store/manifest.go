package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vlmask/vlmask/internal/dataset"
)

// Status is what became of a row.
type Status string

// Row statuses in manifests.
const (
	StatusDone   Status = "done"   // the row's part is in place and complete
	StatusFailed Status = "failed" // the row failed; a later run tries it again
)

// Record is one manifest line: a row a shard finished or failed.
type Record struct {
	ID       string `json:"id"`
	MaskMode string `json:"mask_mode"`
	Status   Status `json:"status"`
	// Part is the part's path relative to the output directory (done).
	Part  string `json:"part,omitempty"`
	Rows  int64  `json:"rows,omitempty"`
	Steps int    `json:"steps,omitempty"`
	// Error and Kind say why a row failed.
	Error   string  `json:"error,omitempty"`
	Kind    string  `json:"kind,omitempty"`
	Seconds float64 `json:"seconds,omitempty"`
	// Shard is the shard that wrote the record (i/n), Host its machine.
	Shard string    `json:"shard"`
	Host  string    `json:"host,omitempty"`
	Time  time.Time `json:"time"`
	// Adopted says the part was found in place without a record (the
	// shard was killed between writing it and recording it) and checked.
	Adopted bool `json:"adopted,omitempty"`
}

// Key identifies a row's result within a model: its mask mode partition
// and its id.
type Key struct{ MaskMode, ID string }

// Key is the record's key.
func (r Record) Key() Key { return Key{r.MaskMode, r.ID} }

// Manifest is a shard's manifest, open for appending and locked.
type Manifest struct {
	path string
	f    *os.File
}

// manifestName is a shard's manifest file name.
func manifestName(index int) string { return "shard-" + ShardValue(index) + ".jsonl" }

// OpenManifest opens (creating it if needed) and locks the manifest of a
// shard. It fails with ErrShardBusy while another process holds it.
func (s *Store) OpenManifest(shard dataset.Shard) (*Manifest, error) {
	p := s.controlPath(manifestName(shard.Index))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("manifest %q: %w", p, err)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("manifest %q: %w", p, err)
	}
	if err := lockExclusive(f); err != nil {
		f.Close()
		if errors.Is(err, ErrShardBusy) {
			return nil, fmt.Errorf("shard %s of %s: %w (its manifest %s is locked; a requeued task whose first run is still alive?)", shard, s.model, err, p)
		}
		return nil, fmt.Errorf("lock manifest %q: %w", p, err)
	}
	if err := repairTail(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("manifest %q: %w", p, err)
	}
	return &Manifest{path: p, f: f}, nil
}

// repairTail ends a manifest whose last line a killed process left
// unfinished with a newline, so the next record starts a line of its own
// (the torn line is skipped by readers).
func repairTail(f *os.File) error {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return err
	}
	if last[0] != '\n' {
		_, err = f.Write([]byte("\n"))
	}
	return err
}

// Path is the manifest's file.
func (m *Manifest) Path() string { return m.path }

// Append adds a record and makes it durable before returning.
func (m *Manifest) Append(r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := m.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("manifest %q: append: %w", m.path, err)
	}
	if err := m.f.Sync(); err != nil {
		return fmt.Errorf("manifest %q: sync: %w", m.path, err)
	}
	return nil
}

// Close releases the manifest and its lock.
func (m *Manifest) Close() error { return m.f.Close() }

// Records reads every manifest of the model, in shard order and each in
// the order it was written. Lines that do not parse (a line a killed
// process left unfinished) are skipped and counted in skipped.
func (s *Store) Records() (recs []Record, skipped int, err error) {
	return readRecords(s.controlPath())
}

func readRecords(dir string) (recs []Record, skipped int, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("manifests in %q: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "shard-") && strings.HasSuffix(e.Name(), ".jsonl") && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, 0, fmt.Errorf("manifest %q: %w", filepath.Join(dir, name), err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			var r Record
			if json.Unmarshal(line, &r) != nil || r.ID == "" || (r.Status != StatusDone && r.Status != StatusFailed) {
				skipped++
				continue
			}
			recs = append(recs, r)
		}
		if sc.Err() != nil {
			skipped++
		}
	}
	return recs, skipped, nil
}

// Finished is the rows with a done record whose part is still in place,
// by key, with that record.
func (s *Store) Finished(recs []Record) map[Key]Record {
	out := map[Key]Record{}
	for _, r := range recs {
		if r.Status != StatusDone || r.Part == "" {
			continue
		}
		if _, ok := out[r.Key()]; ok {
			continue
		}
		if st, err := os.Stat(filepath.Join(s.dir, filepath.FromSlash(r.Part))); err == nil && st.Mode().IsRegular() {
			out[r.Key()] = r
		}
	}
	return out
}
