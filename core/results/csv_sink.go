package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

var _ sink = (*csvSink)(nil)

// csvSink writes one CSV file through a temporary file, and its sidecar
// BASE.meta.json when it is committed. Like parquetSink it keeps the file
// offset where each segment (a step's rows) ends, so finish can cut the
// rows of an unfinished step off.
type csvSink struct {
	final    string
	file     *tempFile
	buf      *bufio.Writer
	columns  []string
	effect   bool // the effect columns follow the fixed ones
	line     []byte
	sidecar  []byte
	segStep  int  // step of the open segment
	open     bool // rows written since the last cut
	segments []segment
}

func newCSVSink(final string, opts Options) (*csvSink, error) {
	tf, err := createTempFile(final)
	if err != nil {
		return nil, err
	}
	s := &csvSink{
		final:   final,
		file:    tf,
		buf:     bufio.NewWriterSize(tf, fileBufferSize),
		columns: columnNames(tableColumns(opts.Effect, opts.MetricColumns)),
		effect:  opts.Effect,
	}
	// Column names need no quoting: the fixed ones are plain and metric
	// names are checked by validateMetricColumns.
	if _, err := s.buf.WriteString(strings.Join(s.columns, ",") + "\n"); err != nil {
		return nil, errors.Join(fmt.Errorf("write csv %q: %w", tf.path, err), tf.discard())
	}
	if err := s.buf.Flush(); err != nil {
		return nil, errors.Join(fmt.Errorf("write csv %q: %w", tf.path, err), tf.discard())
	}
	return s, nil
}

func (s *csvSink) finalPath() string { return s.final }

func (s *csvSink) retarget(final string) { s.final = final }

func (s *csvSink) write(step int, rows []Row) error {
	if !s.open {
		s.open, s.segStep = true, step
	}
	for i := range rows {
		s.line = appendCSVRow(s.line[:0], &rows[i], s.effect)
		if _, err := s.buf.Write(s.line); err != nil {
			return fmt.Errorf("write csv %q: %w", s.file.path, err)
		}
	}
	return nil
}

// endSegment records where the open segment ends.
func (s *csvSink) endSegment() error {
	if !s.open {
		return nil
	}
	s.open = false
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("flush csv %q: %w", s.file.path, err)
	}
	s.segments = append(s.segments, segment{step: s.segStep, end: s.file.offset})
	return nil
}

// cut ends the open segment and makes the file durable. CSV has no footer:
// recoverCSV tells the finished steps by the rows themselves.
func (s *csvSink) cut(map[string]string) error {
	if err := s.endSegment(); err != nil {
		return err
	}
	return s.file.sync()
}

// sidecarFile is the JSON layout of BASE.meta.json.
type sidecarFile struct {
	File     string            `json:"file"`
	Columns  []string          `json:"columns"`
	KeyValue map[string]string `json:"key_value"`
}

// finish keeps the segments of steps below keep (all when keep is
// negative), prepares the sidecar with kv and seals the file.
func (s *csvSink) finish(kv map[string]string, keep int) error {
	if s.open && (keep < 0 || s.segStep < keep) {
		if err := s.endSegment(); err != nil {
			return err
		}
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("finish csv %q: %w", s.file.path, err)
	}
	n := len(s.segments)
	for n > 0 && keep >= 0 && s.segments[n-1].step >= keep {
		n--
	}
	end := s.headerEnd()
	if n > 0 {
		end = s.segments[n-1].end
	}
	s.segments = s.segments[:n]
	if s.file.offset != end {
		if err := s.file.truncate(end); err != nil {
			return err
		}
	}
	sidecar, err := encodeSidecar(s.final, s.columns, kv)
	if err != nil {
		return err
	}
	s.sidecar = sidecar
	return s.file.seal()
}

// encodeSidecar is the sidecar of the CSV file csvPath.
func encodeSidecar(csvPath string, columns []string, kv map[string]string) ([]byte, error) {
	b, err := json.MarshalIndent(sidecarFile{File: filepath.Base(csvPath), Columns: columns, KeyValue: kv}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode sidecar of %q: %w", csvPath, err)
	}
	return append(b, '\n'), nil
}

// headerEnd is the size of the header line.
func (s *csvSink) headerEnd() int64 { return int64(len(strings.Join(s.columns, ",")) + 1) }

// commit replaces the CSV and then its sidecar. The old sidecar goes first,
// so a crash in between leaves a CSV without a sidecar (Complete: "no
// metadata") rather than a new CSV described by an old sidecar.
func (s *csvSink) commit() error {
	side := SidecarPath(s.final)
	if err := os.Remove(side); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove old sidecar %q: %w", side, err)
	}
	if err := s.file.commit(s.final); err != nil {
		return err
	}
	return WriteFileAtomic(side, s.sidecar)
}

func (s *csvSink) discard() error { return s.file.discard() }

// SidecarPath returns the path of the metadata sidecar of a CSV results
// file: BASE.meta.json next to BASE.csv.
func SidecarPath(csvPath string) string {
	return strings.TrimSuffix(csvPath, filepath.Ext(csvPath)) + ".meta.json"
}

// appendCSVRow appends r as one CSV record with its line feed; effect says
// whether the file has the effect columns.
func appendCSVRow(b []byte, r *Row, effect bool) []byte {
	b = strconv.AppendInt(b, int64(r.Step), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Layer), 10)
	b = append(b, ',')
	b = appendCSVString(b, r.TokenMasked)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.TokenPosition), 10)
	b = append(b, ',')
	b = appendCSVString(b, r.Variant)
	b = append(b, ',')
	b = appendCSVFloat(b, r.L2Distance)
	b = append(b, ',')
	b = appendCSVFloat(b, r.CosineDistance)
	b = append(b, ',')
	if r.HasAttentionWeight {
		b = appendCSVFloat(b, r.AttentionWeight)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.TokenID), 10)
	b = append(b, ',')
	b = appendCSVString(b, r.Modality)
	for _, v := range [...]int{r.ImageIndex, r.PatchRow, r.PatchCol} {
		b = append(b, ',')
		if v >= 0 {
			b = strconv.AppendInt(b, int64(v), 10)
		}
	}
	b = append(b, ',')
	b = appendCSVString(b, r.GroupLabel)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.GroupSize), 10)
	b = append(b, ',')
	b = appendCSVString(b, r.PromptName)
	if effect {
		b = appendCSVEffect(b, r.Effect)
	}
	for _, m := range r.Metrics {
		b = append(b, ',')
		if !math.IsNaN(m) {
			b = appendCSVFloat(b, m)
		}
	}
	return append(b, '\n')
}

// appendCSVFloat writes the shortest decimal that parses back to v; the
// non-finite values as pandas and Go's strconv both read them.
func appendCSVFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendCSVString writes s as an RFC 4180 field: quoted, with quotes
// doubled, when it holds a comma, quote, CR or LF or has leading or
// trailing blanks; always quoted when empty, so readers that tell "" from
// an empty field (DuckDB) read an empty string rather than null.
func appendCSVString(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return true
	}
	if first, last := s[0], s[len(s)-1]; first == ' ' || first == '\t' || last == ' ' || last == '\t' {
		return true
	}
	return strings.ContainsAny(s, ",\"\r\n")
}

// appendCSVEffect appends a row's effect columns, each after a comma:
// empty fields when e is nil.
func appendCSVEffect(b []byte, e *Effect) []byte {
	if e == nil {
		return append(b, ",,,,,,"...)
	}
	changed := int64(0)
	if e.ArgmaxChanged {
		changed = 1
	}
	for _, v := range [...]float64{e.KL, e.DLogP, e.TV} {
		b = appendCSVFloat(append(b, ','), v)
	}
	b = strconv.AppendInt(append(b, ','), changed, 10)
	b = strconv.AppendInt(append(b, ','), int64(e.Rank), 10)
	return appendCSVFloat(append(b, ','), e.FinalHiddenL2)
}

// columnNames are the names of cols.
func columnNames(cols []column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}
