package store

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
)

// Report is what Check found in an output directory.
type Report struct {
	Dir string `json:"dir"`
	// Dataset is the dataset file checked against ("" when none), with
	// its row count.
	Dataset     string        `json:"dataset,omitempty"`
	DatasetRows int           `json:"dataset_rows,omitempty"`
	Models      []ModelReport `json:"models"`
	// Stray lists .parquet files outside the layout, which a reader of
	// OUT/**/*.parquet would take for parts.
	Stray []Problem `json:"stray,omitempty"`
	// OK is true when nothing is missing, duplicated, incomplete or stray.
	OK bool `json:"ok"`
}

// ModelReport is one model's part of a Report.
type ModelReport struct {
	Model      string      `json:"model"`
	Shards     int         `json:"shards,omitempty"`
	Partitions []Partition `json:"partitions"`
	// Missing are dataset rows with no complete part under the model, in
	// dataset order; Failed the last failure recorded for each of those
	// that failed.
	Missing []string `json:"missing,omitempty"`
	Failed  []Record `json:"failed,omitempty"`
	// Duplicates are rows with more than one part in a mask mode.
	Duplicates []Duplicate `json:"duplicates,omitempty"`
	// Incomplete are parts that do not hold a whole row: marked
	// incomplete, unreadable, or not what the manifest recorded.
	Incomplete []Problem `json:"incomplete,omitempty"`
	// Stray are files in partition directories that are not parts.
	Stray []Problem `json:"stray,omitempty"`
	// Unknown are ids of parts that are not rows of the dataset (warning).
	Unknown []string `json:"unknown,omitempty"`
	// Leftovers are results writers' temporary files: a shard at work, or
	// one killed (warning; the row is redone and they are recovered aside).
	Leftovers []string `json:"leftovers,omitempty"`
	// Aside counts files moved aside; BadRecords manifest lines that did
	// not parse (warning).
	Aside      int `json:"aside,omitempty"`
	BadRecords int `json:"bad_records,omitempty"`
}

// Partition counts one mask mode's complete parts and their rows.
type Partition struct {
	MaskMode string `json:"mask_mode"`
	Parts    int    `json:"parts"`
	Rows     int64  `json:"rows"`
}

// Duplicate is a row with several parts in one mask mode.
type Duplicate struct {
	MaskMode string   `json:"mask_mode"`
	ID       string   `json:"id"`
	Parts    []string `json:"parts"`
}

// Problem is a file and what is wrong with it.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Check reads every part's metadata (not its rows) and every manifest under
// dir and reports missing, duplicate, incomplete and stray files for each
// model. ds, when given, is the dataset the directory should hold: every
// row under every model.
func Check(dir string, ds *dataset.File) (*Report, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("check %q: not a directory", dir)
	}
	rep := &Report{Dir: abs}
	if ds != nil {
		rep.Dataset, rep.DatasetRows = ds.Path, len(ds.Rows)
	}
	top, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("check %q: %w", dir, err)
	}
	for _, e := range top {
		name := e.Name()
		label, isModel := strings.CutPrefix(name, KeyModel+"=")
		switch {
		case name == controlDir:
		case isModel && e.IsDir() && ValidateLabel(label) == nil:
			s := &Store{dir: abs, model: label}
			mr, err := s.check(ds)
			if err != nil {
				return nil, err
			}
			rep.Models = append(rep.Models, *mr)
		default:
			rep.Stray = append(rep.Stray, strayParquet(filepath.Join(abs, name))...)
		}
	}
	rep.OK = len(rep.Stray) == 0
	for _, m := range rep.Models {
		rep.OK = rep.OK && len(m.Missing) == 0 && len(m.Duplicates) == 0 && len(m.Incomplete) == 0 && len(m.Stray) == 0
	}
	if ds != nil && len(rep.Models) == 0 {
		rep.OK = false
	}
	return rep, nil
}

// strayParquet lists the .parquet files at or below path.
func strayParquet(path string) []Problem {
	var out []Problem
	_ = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), partExt) {
			out = append(out, Problem{Path: p, Reason: "a .parquet file outside model=*/mask_mode=*/shard=*/"})
		}
		return nil
	})
	return out
}

// found is a complete part seen by check.
type found struct {
	rel  string
	rows int64
}

// check reports on one model.
func (s *Store) check(ds *dataset.File) (*ModelReport, error) {
	mr := &ModelReport{Model: s.model, Aside: countAside(s.controlPath(asideDir))}
	if l, ok, err := s.ReadLayout(); err == nil && ok {
		mr.Shards = l.Shards
	}
	recs, bad, err := s.Records()
	if err != nil {
		return nil, err
	}
	mr.BadRecords = bad
	recorded := map[string]Record{} // part path → its done record
	for _, r := range recs {
		if r.Status == StatusDone {
			recorded[r.Part] = r
		}
	}
	parts := map[Key][]found{}
	modelDir := filepath.Join(s.dir, KeyModel+"="+s.model)
	err = filepath.WalkDir(modelDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(modelDir, p)
		elems := strings.Split(filepath.ToSlash(rel), "/")
		mode, okMode := strings.CutPrefix(elems[0], KeyMaskMode+"=")
		okShard := len(elems) == 3 && strings.HasPrefix(elems[1], KeyShard+"=")
		if len(elems) != 3 || !okMode || !okShard {
			if strings.HasSuffix(d.Name(), partExt) {
				mr.Stray = append(mr.Stray, Problem{Path: p, Reason: "a .parquet file outside mask_mode=*/shard=*/"})
			}
			return nil
		}
		e := s.entry(p, mode)
		switch {
		case e.Temp:
			mr.Leftovers = append(mr.Leftovers, p)
		case e.ID == "":
			if strings.Contains(d.Name(), partExt) {
				mr.Stray = append(mr.Stray, Problem{Path: p, Reason: "not a part (a file a killed run's recovery wrote?)"})
			}
		default:
			f, problem := checkPart(p, e, recorded)
			switch {
			case problem == "":
				parts[Key{mode, e.ID}] = append(parts[Key{mode, e.ID}], f)
			case strings.HasPrefix(problem, "stray"):
				mr.Stray = append(mr.Stray, Problem{Path: p, Reason: strings.TrimPrefix(problem, "stray: ")})
			default:
				mr.Incomplete = append(mr.Incomplete, Problem{Path: p, Reason: problem})
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("check %q: %w", modelDir, err)
	}
	byMode := map[string]*Partition{}
	foundIDs := map[string]bool{}
	keys := make([]Key, 0, len(parts))
	for k := range parts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int { return strings.Compare(a.MaskMode+"\x00"+a.ID, b.MaskMode+"\x00"+b.ID) })
	for _, k := range keys {
		list := parts[k]
		pt := byMode[k.MaskMode]
		if pt == nil {
			pt = &Partition{MaskMode: k.MaskMode}
			byMode[k.MaskMode] = pt
		}
		foundIDs[k.ID] = true
		for _, f := range list {
			pt.Parts++
			pt.Rows += f.rows
		}
		if len(list) > 1 {
			d := Duplicate{MaskMode: k.MaskMode, ID: k.ID}
			for _, f := range list {
				d.Parts = append(d.Parts, f.rel)
			}
			mr.Duplicates = append(mr.Duplicates, d)
		}
	}
	for _, mode := range slices.Sorted(maps.Keys(byMode)) {
		mr.Partitions = append(mr.Partitions, *byMode[mode])
	}
	if ds != nil {
		inDataset := map[string]bool{}
		lastFailure := map[string]Record{}
		for _, r := range recs {
			if r.Status == StatusFailed {
				lastFailure[r.ID] = r
			}
		}
		for _, r := range ds.Rows {
			inDataset[r.ID] = true
			if !foundIDs[r.ID] {
				mr.Missing = append(mr.Missing, r.ID)
				if f, ok := lastFailure[r.ID]; ok {
					mr.Failed = append(mr.Failed, f)
				}
			}
		}
		for _, id := range slices.Sorted(maps.Keys(foundIDs)) {
			if !inDataset[id] {
				mr.Unknown = append(mr.Unknown, id)
			}
		}
	}
	return mr, nil
}

// checkPart reads a part's metadata; problem is "" for a complete part
// that is what its name and the manifest say, "stray: …" for a results
// file that holds another row (such as a killed run's recovery), else
// what is wrong.
func checkPart(p string, e Entry, recorded map[string]Record) (found, string) {
	m, err := results.ReadMeta(p)
	if err != nil {
		return found{}, fmt.Sprintf("unreadable: %v", err)
	}
	if id := m.Metadata[MetaKeyRowID]; id != e.ID {
		return found{}, fmt.Sprintf("stray: named for row %s but holds row %q (a file a killed run's recovery wrote?)", e.ID, id)
	}
	if !m.Complete {
		return found{}, strings.TrimSuffix("marked incomplete: "+m.Status(), ": ")
	}
	if r, ok := recorded[e.Rel]; ok && r.Rows != m.Rows {
		return found{}, "the manifest records " + strconv.FormatInt(r.Rows, 10) + " rows, the file holds " + strconv.FormatInt(m.Rows, 10)
	}
	return found{rel: e.Rel, rows: m.Rows}, ""
}
