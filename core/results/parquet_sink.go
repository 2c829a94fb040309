package results

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/vlmask/vlmask/internal/parallel"
)

// parquetBatchRows is how many rows are converted to column values before
// they are handed to parquet-go; it bounds the conversion buffers.
const parquetBatchRows = 8192

// fileBufferSize is the write buffer in front of each output file.
const fileBufferSize = 1 << 20

// parquetMagic opens and ends every Parquet file.
const parquetMagic = "PAR1"

var _ sink = (*parquetSink)(nil)

// parquetSink writes one Parquet file through a temporary file, as a chain
// of segments (see checkpoint.go): each segment is a small Parquet file of
// its own, written by its own parquet-go writer, and holds the rows of one
// generation step (or of the rows between two Flush calls). After each
// segment the sink appends a checkpoint footer describing every segment so
// far, so the file up to that footer is a complete Parquet file.
type parquetSink struct {
	final    string
	file     *tempFile
	buf      *bufio.Writer
	wopts    []parquet.WriterOption // a segment's writer options
	template format.FileMetaData    // schema, created_by and column orders of every segment
	nmetrics int
	effect   bool              // the effect columns follow the fixed ones
	maxRows  int               // rows per row group
	columns  [][]parquet.Value // per column, the values of the rows being converted

	seg       *parquet.GenericWriter[any] // the open segment, nil between segments
	segStep   int
	segBase   int64 // file offset where the open segment starts
	groupRows int   // rows in the open segment's current row group

	rowGroups []format.RowGroup // the closed segments' row groups, offsets made absolute
	segments  []segment         // the closed segments
}

// segment is a closed segment: its step, the row groups up to and
// including its own, and the file offset just after its bytes (before the
// checkpoint footer that follows it).
type segment struct {
	step      int
	rowGroups int
	end       int64
}

func newParquetSink(final string, opts Options) (*parquetSink, error) {
	schema := parquet.NewSchema(schemaName, newOrderedGroup(tableColumns(opts.Effect, opts.MetricColumns)))
	wo, err := parquetWriterOptions(schema, opts)
	if err != nil {
		return nil, err
	}
	template, err := footerTemplate(wo)
	if err != nil {
		return nil, err
	}
	tf, err := createTempFile(final)
	if err != nil {
		return nil, err
	}
	s := &parquetSink{
		final:    final,
		file:     tf,
		buf:      bufio.NewWriterSize(tf, fileBufferSize),
		wopts:    wo,
		template: template,
		nmetrics: len(opts.MetricColumns),
		effect:   opts.Effect,
		maxRows:  opts.RowGroupRows,
		columns:  make([][]parquet.Value, len(tableColumns(opts.Effect, opts.MetricColumns))),
	}
	for c := range s.columns {
		s.columns[c] = make([]parquet.Value, 0, parquetBatchRows)
	}
	if _, err := s.buf.WriteString(parquetMagic); err != nil {
		return nil, errors.Join(fmt.Errorf("write parquet %q: %w", tf.path, err), tf.discard())
	}
	return s, nil
}

// footerTemplate is the file metadata of an empty file written with wo: the
// schema elements, created_by and column orders every footer repeats.
func footerTemplate(wo []parquet.WriterOption) (format.FileMetaData, error) {
	w := parquet.NewGenericWriter[any](io.Discard, wo...)
	if err := w.Close(); err != nil {
		return format.FileMetaData{}, fmt.Errorf("parquet writer configuration: %w", err)
	}
	md := *w.File().Metadata()
	md.RowGroups, md.NumRows, md.KeyValueMetadata = nil, 0, nil
	return md, nil
}

func (s *parquetSink) finalPath() string { return s.final }

func (s *parquetSink) retarget(final string) { s.final = final }

// offset is the file offset of the next byte written.
func (s *parquetSink) offset() int64 { return s.file.offset + int64(s.buf.Buffered()) }

// write hands rows to the open segment column by column (parquet-go's
// ColumnWriter.WriteRowValues), a batch at a time, and ends a row group
// every maxRows rows.
func (s *parquetSink) write(step int, rows []Row) error {
	if s.seg == nil {
		s.seg = parquet.NewGenericWriter[any](segmentWriter{s.buf}, s.wopts...)
		s.segStep, s.segBase, s.groupRows = step, s.offset(), 0
	}
	for len(rows) > 0 {
		n := min(len(rows), parquetBatchRows, s.maxRows-s.groupRows)
		s.convert(rows[:n])
		writers := s.seg.ColumnWriters()
		for c, values := range s.columns {
			if _, err := writers[c].WriteRowValues(values); err != nil {
				return fmt.Errorf("write parquet %q: column %d: %w", s.file.path, c, err)
			}
		}
		s.groupRows += n
		if s.groupRows == s.maxRows {
			if err := s.seg.Flush(); err != nil {
				return fmt.Errorf("write parquet %q: %w", s.file.path, err)
			}
			s.groupRows = 0
		}
		rows = rows[n:]
	}
	return nil
}

// segmentWriter hides the bufio.Writer's other methods from parquet-go, so
// a segment's writer sees a plain io.Writer.
type segmentWriter struct{ w io.Writer }

func (s segmentWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// endSegment closes the open segment, if any, and adds its row groups.
func (s *parquetSink) endSegment() error {
	if s.seg == nil {
		return nil
	}
	w := s.seg
	s.seg = nil
	if err := w.Close(); err != nil {
		return fmt.Errorf("write parquet %q: %w", s.file.path, err)
	}
	for _, rg := range w.File().Metadata().RowGroups {
		s.rowGroups = append(s.rowGroups, relocate(rg, s.segBase, len(s.rowGroups)))
	}
	s.segments = append(s.segments, segment{step: s.segStep, rowGroups: len(s.rowGroups), end: s.offset()})
	return nil
}

// cut ends the open segment and appends a checkpoint footer, then makes
// the file durable: killed after this, the file up to the footer is a valid
// results file (see recoverParquet).
func (s *parquetSink) cut(kv map[string]string) error {
	if err := s.endSegment(); err != nil {
		return err
	}
	if err := s.writeFooter(kv); err != nil {
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("flush parquet %q: %w", s.file.path, err)
	}
	return s.file.sync()
}

// finish keeps the segments of steps below keep (every segment when keep
// is negative), ends the file after them with a footer holding kv, and
// seals it.
func (s *parquetSink) finish(kv map[string]string, keep int) error {
	if s.seg != nil && (keep < 0 || s.segStep < keep) {
		if err := s.endSegment(); err != nil {
			return err
		}
	}
	s.seg = nil // a segment of an unfinished step is dropped unwritten
	n := len(s.segments)
	for n > 0 && keep >= 0 && s.segments[n-1].step >= keep {
		n--
	}
	end, groups := int64(len(parquetMagic)), 0
	if n > 0 {
		end, groups = s.segments[n-1].end, s.segments[n-1].rowGroups
	}
	s.segments, s.rowGroups = s.segments[:n], s.rowGroups[:groups]
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("finish parquet %q: %w", s.file.path, err)
	}
	if s.file.offset != end {
		// Drop what follows the last kept segment: a checkpoint footer, or
		// the segments of an unfinished step.
		if err := s.file.truncate(end); err != nil {
			return err
		}
	}
	if err := s.writeFooter(kv); err != nil {
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("finish parquet %q: %w", s.file.path, err)
	}
	return s.file.seal()
}

// writeFooter appends a Parquet footer that describes every closed segment's
// row groups, with kv as the key/value metadata.
func (s *parquetSink) writeFooter(kv map[string]string) error {
	md := s.template
	md.RowGroups = s.rowGroups
	for _, rg := range s.rowGroups {
		md.NumRows += rg.NumRows
	}
	for _, k := range slices.Sorted(maps.Keys(kv)) {
		md.KeyValueMetadata = append(md.KeyValueMetadata, format.KeyValue{Key: k, Value: kv[k]})
	}
	b, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		return fmt.Errorf("encode parquet footer of %q: %w", s.file.path, err)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)))
	b = append(b, parquetMagic...)
	if _, err := s.buf.Write(b); err != nil {
		return fmt.Errorf("write parquet %q: %w", s.file.path, err)
	}
	return nil
}

// relocate returns a segment's row group with its offsets made absolute
// (base is where the segment starts in the file) and its ordinal set. The
// segment's page index (column and offset indexes) is left out: its page
// locations are relative to the segment, and readers do not need it.
func relocate(rg format.RowGroup, base int64, ordinal int) format.RowGroup {
	shift := func(off int64) int64 {
		if off == 0 {
			return 0 // unset
		}
		return off + base
	}
	rg.Columns = slices.Clone(rg.Columns)
	for i := range rg.Columns {
		c := &rg.Columns[i]
		c.FileOffset = shift(c.FileOffset)
		c.MetaData.DataPageOffset = shift(c.MetaData.DataPageOffset)
		c.MetaData.IndexPageOffset = shift(c.MetaData.IndexPageOffset)
		c.MetaData.DictionaryPageOffset = shift(c.MetaData.DictionaryPageOffset)
		c.MetaData.BloomFilterOffset = shift(c.MetaData.BloomFilterOffset)
		c.OffsetIndexOffset, c.OffsetIndexLength = 0, 0
		c.ColumnIndexOffset, c.ColumnIndexLength = 0, 0
	}
	rg.FileOffset = shift(rg.FileOffset)
	rg.Ordinal = int16(ordinal)
	return rg
}

func (s *parquetSink) commit() error { return s.file.commit(s.final) }

func (s *parquetSink) discard() error { return s.file.discard() }

// convert fills s.columns with the values of rows, one slice per column,
// ranges of rows in parallel.
// Strings are passed to parquet-go without a copy: the column writers copy
// their bytes into their own buffers before WriteRowValues returns.
func (s *parquetSink) convert(rows []Row) {
	for c := range s.columns {
		s.columns[c] = slices.Grow(s.columns[c][:0], len(rows))[:len(rows)]
	}
	parallel.Chunks(len(rows), convertChunkRows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s.setRow(i, &rows[i])
		}
	})
}

// setRow sets the values of row i of the batch being converted.
func (s *parquetSink) setRow(i int, r *Row) {
	cols := s.columns
	cols[colGenerationStep][i] = parquet.Int64Value(int64(r.Step))
	cols[colLayer][i] = parquet.Int64Value(int64(r.Layer))
	cols[colTokenMasked][i] = stringValue(r.TokenMasked)
	cols[colTokenPosition][i] = parquet.Int64Value(int64(r.TokenPosition))
	cols[colVariant][i] = stringValue(r.Variant)
	cols[colL2Distance][i] = parquet.DoubleValue(r.L2Distance)
	cols[colCosineDistance][i] = parquet.DoubleValue(r.CosineDistance)
	if r.HasAttentionWeight {
		cols[colAttentionWeight][i] = parquet.DoubleValue(r.AttentionWeight).Level(0, 1, colAttentionWeight)
	} else {
		cols[colAttentionWeight][i] = parquet.NullValue()
	}
	cols[colTokenID][i] = parquet.Int64Value(int64(r.TokenID))
	cols[colModality][i] = stringValue(r.Modality)
	cols[colImageIndex][i] = optionalInt(r.ImageIndex, colImageIndex)
	cols[colPatchRow][i] = optionalInt(r.PatchRow, colPatchRow)
	cols[colPatchCol][i] = optionalInt(r.PatchCol, colPatchCol)
	cols[colGroupLabel][i] = stringValue(r.GroupLabel)
	cols[colGroupSize][i] = parquet.Int64Value(int64(r.GroupSize))
	cols[colPromptName][i] = stringValue(r.PromptName)
	first := numFixedColumns // the first metric column
	if s.effect {
		setEffect(cols, i, r.Effect)
		first += numEffectColumns
	}
	for k, m := range r.Metrics {
		col := first + k
		if math.IsNaN(m) {
			cols[col][i] = parquet.NullValue()
		} else {
			cols[col][i] = parquet.DoubleValue(m).Level(0, 1, col)
		}
	}
}

// convertChunkRows is the fewest rows one goroutine converts.
const convertChunkRows = 1024

// optionalInt encodes a nullable integer column; -1 is null.
func optionalInt(v, col int) parquet.Value {
	if v < 0 {
		return parquet.NullValue().Level(0, 0, col)
	}
	return parquet.Int64Value(int64(v)).Level(0, 1, col)
}

// stringValue makes a BYTE_ARRAY value that shares s's bytes.
func stringValue(s string) parquet.Value {
	return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// setEffect sets row i's effect columns: null when e is nil.
func setEffect(cols [][]parquet.Value, i int, e *Effect) {
	const at = numFixedColumns
	if e == nil {
		for c := at; c < at+numEffectColumns; c++ {
			cols[c][i] = parquet.NullValue().Level(0, 0, c)
		}
		return
	}
	changed := int64(0)
	if e.ArgmaxChanged {
		changed = 1
	}
	cols[at][i] = parquet.DoubleValue(e.KL).Level(0, 1, at)
	cols[at+1][i] = parquet.DoubleValue(e.DLogP).Level(0, 1, at+1)
	cols[at+2][i] = parquet.DoubleValue(e.TV).Level(0, 1, at+2)
	cols[at+3][i] = parquet.Int64Value(changed).Level(0, 1, at+3)
	cols[at+4][i] = parquet.Int64Value(int64(e.Rank)).Level(0, 1, at+4)
	cols[at+5][i] = parquet.DoubleValue(e.FinalHiddenL2).Level(0, 1, at+5)
}
