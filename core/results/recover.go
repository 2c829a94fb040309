package results

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/vlmask/vlmask/hf/durable"
)

// Recovery is what Create did with one temporary file that a killed writer
// of the same base had left behind.
type Recovery struct {
	// Temp is the leftover temporary file.
	Temp string `json:"temp"`
	// Path is where its content went: a results file holding the finished
	// steps when Recovered, else the file moved aside unchanged. Empty when
	// the file held no row and was removed.
	Path string `json:"path,omitempty"`
	// Recovered says Path is a readable results file (marked incomplete)
	// with Steps finished steps and Rows rows.
	Recovered bool  `json:"recovered"`
	Steps     int   `json:"steps,omitempty"`
	Rows      int64 `json:"rows,omitempty"`
}

// String says what happened, in one line.
func (r Recovery) String() string {
	switch {
	case r.Recovered:
		return fmt.Sprintf("recovered %d finished step(s), %d rows, of a killed run from %s into %s", r.Steps, r.Rows, r.Temp, r.Path)
	case r.Path != "":
		return fmt.Sprintf("moved the unfinished temporary file %s of a killed run aside to %s (no finished step in it)", r.Temp, r.Path)
	}
	return fmt.Sprintf("removed the temporary file %s of a killed run: it held no row", r.Temp)
}

// recoverLeftovers deals with the temporary files of base's file in format
// f (and of its CSV sidecar) that a killed writer left: see Create.
func recoverLeftovers(base string, f Format) ([]Recovery, error) {
	final := base + f.Extension()
	temps, err := leftoverTemps(final)
	if err != nil {
		return nil, err
	}
	var out []Recovery
	if f == FormatCSV {
		side, err := leftoverTemps(SidecarPath(final))
		if err != nil {
			return nil, err
		}
		for _, p := range side {
			// A sidecar is rewritten from the run at Close; a half-written
			// one holds nothing to recover.
			if err := removeUnlocked(p); err != nil {
				return out, err
			}
			out = append(out, Recovery{Temp: p})
		}
	}
	for _, p := range temps {
		r, err := recoverTemp(base, f, p)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// leftoverTemps lists the temporary files of final in its directory.
func leftoverTemps(final string) ([]string, error) {
	dir := filepath.Dir(final)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %q for leftover temporary files: %w", dir, err)
	}
	prefix := tempPrefix(final)
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// openLeftover opens a leftover temporary file and takes its lock, which
// fails with ErrInUse while its writer is alive.
func openLeftover(p string) (*os.File, error) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open leftover temporary file %q: %w", p, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("temporary file %q is being written by a live writer: %w", p, ErrInUse)
		}
		return nil, fmt.Errorf("lock leftover temporary file %q: %w", p, err)
	}
	return f, nil
}

func removeUnlocked(p string) error {
	f, err := openLeftover(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove leftover temporary file %q: %w", p, err)
	}
	return nil
}

// recoverTemp recovers one leftover data file: it keeps the finished steps
// under a recovered name, or moves the file aside, or (no row at all)
// removes it.
func recoverTemp(base string, format Format, p string) (Recovery, error) {
	f, err := openLeftover(p)
	if err != nil {
		return Recovery{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Recovery{}, fmt.Errorf("leftover temporary file %q: %w", p, err)
	}
	var found checkpointFound
	if format == FormatParquet {
		found, err = lastParquetCheckpoint(f, st.Size())
	} else {
		found, err = lastCSVStep(f)
	}
	if err != nil {
		return Recovery{}, fmt.Errorf("leftover temporary file %q: %w", p, err)
	}
	stamp := st.ModTime().UTC().Format("20060102T150405Z")
	rec := Recovery{Temp: p}
	switch {
	case found.size > 0 && found.steps > 0:
		if err := f.Truncate(found.size); err != nil {
			return rec, fmt.Errorf("recover %q: %w", p, err)
		}
		if err := f.Sync(); err != nil {
			return rec, fmt.Errorf("recover %q: %w", p, err)
		}
		rec.Path = freeName(base+".recovered-"+stamp, format.Extension())
		rec.Recovered, rec.Steps, rec.Rows = true, found.steps, found.rows
		if format == FormatCSV {
			kv := progressKeyValue(false, found.steps, 0, found.rows)
			kv[MetaKeyRecoveredFrom] = filepath.Base(p)
			side, err := encodeSidecar(rec.Path, found.columns, kv)
			if err != nil {
				return rec, err
			}
			if err := WriteFileAtomic(SidecarPath(rec.Path), side); err != nil {
				return rec, err
			}
		}
	case !found.anyRows:
		if err := os.Remove(p); err != nil {
			return rec, fmt.Errorf("remove leftover temporary file %q: %w", p, err)
		}
		return rec, durable.SyncDir(filepath.Dir(p))
	default:
		rec.Path = freeName(base+format.Extension()+".partial-"+stamp, "")
	}
	if err := os.Rename(p, rec.Path); err != nil {
		return rec, fmt.Errorf("move leftover temporary file %q to %q: %w", p, rec.Path, err)
	}
	if err := durable.SyncDir(filepath.Dir(p)); err != nil {
		return rec, fmt.Errorf("move %q: %w", rec.Path, err)
	}
	return rec, nil
}

// MetaKeyRecoveredFrom names, in a recovered CSV file's sidecar, the
// temporary file the rows were recovered from.
const MetaKeyRecoveredFrom = "vlmask.recovered_from"

// freeName is stem+ext, or stem-2+ext, stem-3+ext, ... whichever does not
// exist yet.
func freeName(stem, ext string) string {
	name := stem + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = stem + "-" + strconv.Itoa(i) + ext
	}
}

// checkpointFound is where the recoverable part of a leftover file ends.
type checkpointFound struct {
	size    int64 // bytes to keep; 0 when nothing is recoverable
	steps   int   // finished steps in those bytes
	rows    int64
	columns []string // CSV: the header
	anyRows bool     // the file holds at least one row, finished or not
}

// recoverScanChunk is how much of a leftover Parquet file is read at a
// time while looking for its last checkpoint footer.
const recoverScanChunk = 1 << 20

// lastParquetCheckpoint finds the last checkpoint footer of a leftover
// Parquet file (see parquetSink): scanning back from the end for the magic
// bytes, the first place where the bytes before it form a results file
// whose column chunks all lie before its footer.
func lastParquetCheckpoint(f io.ReaderAt, size int64) (checkpointFound, error) {
	found := checkpointFound{anyRows: size > int64(len(parquetMagic))}
	magic := []byte(parquetMagic)
	buf := make([]byte, recoverScanChunk+len(magic)-1)
	for hi := size; hi >= int64(len(magic)); {
		lo := max(0, hi-int64(len(buf)))
		b := buf[:hi-lo]
		if _, err := f.ReadAt(b, lo); err != nil && !errors.Is(err, io.EOF) {
			return found, err
		}
		for i := len(b) - len(magic); i >= 0; i-- {
			if !bytes.Equal(b[i:i+len(magic)], magic) {
				continue
			}
			if c, ok := checkpointAt(f, lo+int64(i)+int64(len(magic))); ok {
				c.anyRows = found.anyRows
				return c, nil
			}
		}
		if lo == 0 {
			break
		}
		hi = lo + int64(len(magic)) - 1
	}
	return found, nil
}

// checkpointAt checks whether the first end bytes of f are a complete
// results file written by this package, and if so how much it holds.
func checkpointAt(f io.ReaderAt, end int64) (checkpointFound, bool) {
	const trailer = 8 // footer length + magic
	if end < int64(len(parquetMagic))+trailer {
		return checkpointFound{}, false
	}
	var lenBuf [4]byte
	if _, err := f.ReadAt(lenBuf[:], end-trailer); err != nil {
		return checkpointFound{}, false
	}
	footerStart := end - trailer - int64(binary.LittleEndian.Uint32(lenBuf[:]))
	if footerStart < int64(len(parquetMagic)) {
		return checkpointFound{}, false
	}
	pf, err := parquet.OpenFile(io.NewSectionReader(f, 0, end), end, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return checkpointFound{}, false
	}
	m, err := parquetMeta("checkpoint", pf)
	if err != nil || m.Rows != pf.NumRows() {
		return checkpointFound{}, false
	}
	for _, rg := range pf.Metadata().RowGroups {
		for _, c := range rg.Columns {
			first := c.MetaData.DataPageOffset
			if d := c.MetaData.DictionaryPageOffset; d > 0 && d < first {
				first = d
			}
			if first < int64(len(parquetMagic)) || first+c.MetaData.TotalCompressedSize > footerStart {
				return checkpointFound{}, false
			}
		}
	}
	return checkpointFound{size: end, steps: m.StepsFinished, rows: m.Rows}, true
}

// lastCSVStep finds, in a leftover CSV file, where the rows of the last
// step it holds begin: rows come in step order, so every step before the
// last one in the file finished, and the last one cannot be told finished.
// A record cut short by the kill ends the scan.
func lastCSVStep(f io.ReadSeeker) (checkpointFound, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return checkpointFound{}, err
	}
	rr := newCSVRecordReader(f)
	header, err := rr.record()
	if err != nil || !rr.terminated() {
		return checkpointFound{}, nil // not even a header: nothing to keep
	}
	names := append([]string(nil), header...)
	if _, _, err := checkColumns(names); err != nil {
		return checkpointFound{}, err
	}
	found := checkpointFound{columns: names}
	in := make(interner)
	lastStep, lastStart := -1, int64(0)
	var rows, rowsBefore int64
	for {
		start := rr.pos
		rec, err := rr.record()
		if err != nil || !rr.terminated() {
			break // the end, or a record cut short
		}
		r, err := decodeCSVRow(rec, names, in)
		if err != nil || r.Step < lastStep {
			break
		}
		if r.Step != lastStep {
			lastStep, lastStart, rowsBefore = r.Step, start, rows
		}
		rows++
	}
	found.anyRows = rows > 0
	if lastStep > 0 {
		found.size, found.steps, found.rows = lastStart, lastStep, rowsBefore
	}
	return found, nil
}
