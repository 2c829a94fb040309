package results

import (
	"bufio"
	"fmt"
	"math"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// parquetBatchRows is how many rows are converted to parquet.Row values
// before they are handed to parquet-go; it bounds the conversion buffer.
const parquetBatchRows = 1024

// fileBufferSize is the write buffer in front of each output file.
const fileBufferSize = 1 << 20

var _ sink = (*parquetSink)(nil)

// parquetSink writes one Parquet file through a temporary file.
type parquetSink struct {
	final    string
	file     *tempFile
	buf      *bufio.Writer
	w        *parquet.GenericWriter[any]
	nmetrics int
	batch    []parquet.Row
}

func newParquetSink(final string, opts Options) (*parquetSink, error) {
	schema := parquet.NewSchema(schemaName, newOrderedGroup(tableColumns(opts.MetricColumns)))
	wo, err := parquetWriterOptions(schema, opts)
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
		nmetrics: len(opts.MetricColumns),
		batch:    make([]parquet.Row, 0, parquetBatchRows),
	}
	s.w = parquet.NewGenericWriter[any](s.buf, wo...)
	return s, nil
}

func (s *parquetSink) finalPath() string { return s.final }

func (s *parquetSink) write(rows []Row) error {
	for len(rows) > 0 {
		n := min(len(rows), parquetBatchRows)
		s.batch = s.batch[:n]
		for i := range n {
			s.batch[i] = appendParquetRow(s.batch[i][:0], &rows[i])
		}
		if _, err := s.w.WriteRows(s.batch); err != nil {
			return fmt.Errorf("write parquet %q: %w", s.file.path, err)
		}
		rows = rows[n:]
	}
	return nil
}

// flush ends the current row group and makes the file's bytes durable. The
// file has no footer until finish, so it is not yet readable as Parquet.
func (s *parquetSink) flush() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("flush parquet %q: %w", s.file.path, err)
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("flush parquet %q: %w", s.file.path, err)
	}
	return s.file.sync()
}

func (s *parquetSink) finish(kv map[string]string) error {
	for k, v := range kv {
		s.w.SetKeyValueMetadata(k, v)
	}
	if err := s.w.Close(); err != nil {
		return fmt.Errorf("finish parquet %q: %w", s.file.path, err)
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("finish parquet %q: %w", s.file.path, err)
	}
	return s.file.close()
}

func (s *parquetSink) commit() error { return s.file.commit(s.final) }

func (s *parquetSink) discard() error { return s.file.discard() }

// appendParquetRow encodes r as the values of one Parquet row, in column
// order. Strings are passed to parquet-go without a copy: the writer copies
// their bytes into its own buffers before WriteRows returns.
func appendParquetRow(dst parquet.Row, r *Row) parquet.Row {
	dst = append(dst,
		parquet.Int64Value(int64(r.Step)).Level(0, 0, colGenerationStep),
		parquet.Int64Value(int64(r.Layer)).Level(0, 0, colLayer),
		stringValue(r.TokenMasked).Level(0, 0, colTokenMasked),
		parquet.Int64Value(int64(r.TokenPosition)).Level(0, 0, colTokenPosition),
		stringValue(r.Variant).Level(0, 0, colVariant),
		parquet.DoubleValue(r.L2Distance).Level(0, 0, colL2Distance),
		parquet.DoubleValue(r.CosineDistance).Level(0, 0, colCosineDistance),
	)
	if r.HasAttentionWeight {
		dst = append(dst, parquet.DoubleValue(r.AttentionWeight).Level(0, 1, colAttentionWeight))
	} else {
		dst = append(dst, parquet.NullValue().Level(0, 0, colAttentionWeight))
	}
	dst = append(dst,
		parquet.Int64Value(int64(r.TokenID)).Level(0, 0, colTokenID),
		stringValue(r.Modality).Level(0, 0, colModality),
		optionalInt(r.ImageIndex, colImageIndex),
		optionalInt(r.PatchRow, colPatchRow),
		optionalInt(r.PatchCol, colPatchCol),
		stringValue(r.GroupLabel).Level(0, 0, colGroupLabel),
		parquet.Int64Value(int64(r.GroupSize)).Level(0, 0, colGroupSize),
		stringValue(r.PromptName).Level(0, 0, colPromptName),
	)
	for i, m := range r.Metrics {
		col := numFixedColumns + i
		if math.IsNaN(m) {
			dst = append(dst, parquet.NullValue().Level(0, 0, col))
		} else {
			dst = append(dst, parquet.DoubleValue(m).Level(0, 1, col))
		}
	}
	return dst
}

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
