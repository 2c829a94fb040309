package results

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// openParquet opens a Parquet file and reads its footer.
func openParquet(path string) (*os.File, *parquet.File, error) {
	f, err := OpenRegular(path, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("read results %q: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read results %q: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read results %q: %w", path, err)
	}
	return f, pf, nil
}

func readParquetMeta(path string) (Meta, error) {
	f, pf, err := openParquet(path)
	if err != nil {
		return Meta{}, err
	}
	defer f.Close()
	return parquetMeta(path, pf)
}

// parquetMeta checks the schema against the table layout and reads the
// key/value metadata.
func parquetMeta(path string, pf *parquet.File) (Meta, error) {
	fields := pf.Schema().Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name()
	}
	effect, metrics, err := checkColumns(names)
	if err != nil {
		return Meta{}, fmt.Errorf("read results %q: %w", path, err)
	}
	for i, c := range tableColumns(effect, metrics) {
		if err := checkParquetField(fields[i], c); err != nil {
			return Meta{}, fmt.Errorf("read results %q: %w", path, err)
		}
	}
	md := pf.Metadata()
	kv := make(map[string]string, len(md.KeyValueMetadata))
	for _, e := range md.KeyValueMetadata {
		kv[e.Key] = e.Value
	}
	m := Meta{
		Format:        FormatParquet,
		Columns:       names,
		Effect:        effect,
		MetricColumns: metrics,
		CreatedBy:     md.CreatedBy,
	}
	if err := metaFromKeyValue(&m, kv); err != nil {
		return Meta{}, fmt.Errorf("read results %q: %w", path, err)
	}
	return m, nil
}

// checkParquetField checks one column's physical type, string annotation
// and repetition.
func checkParquetField(f parquet.Field, c column) error {
	if !f.Leaf() || f.Repeated() {
		return fmt.Errorf("%w: column %q is not a flat leaf", ErrNotResults, c.name)
	}
	var want parquet.Kind
	switch c.kind {
	case kindInt64:
		want = parquet.Int64
	case kindString:
		want = parquet.ByteArray
	default:
		want = parquet.Double
	}
	if got := f.Type().Kind(); got != want {
		return fmt.Errorf("%w: column %q is %s, want %s", ErrNotResults, c.name, got, c.kind)
	}
	if c.kind == kindString {
		lt := f.Type().LogicalType()
		if lt == nil {
			return fmt.Errorf("%w: column %q lacks the STRING annotation", ErrNotResults, c.name)
		}
		if _, ok := lt.Value.(*format.StringType); !ok {
			return fmt.Errorf("%w: column %q lacks the STRING annotation", ErrNotResults, c.name)
		}
	}
	if f.Optional() != c.nullable {
		return fmt.Errorf("%w: column %q optional=%t, want %t", ErrNotResults, c.name, f.Optional(), c.nullable)
	}
	return nil
}

func readParquet(path string) ([]Row, Meta, error) {
	f, pf, err := openParquet(path)
	if err != nil {
		return nil, Meta{}, err
	}
	defer f.Close()
	m, err := parquetMeta(path, pf)
	if err != nil {
		return nil, Meta{}, err
	}
	rows := make([]Row, 0, pf.NumRows())
	in := make(interner)
	buf := make([]parquet.Row, 256)
	for gi, rg := range pf.RowGroups() {
		rr := rg.Rows()
		for {
			n, err := rr.ReadRows(buf)
			for _, pr := range buf[:n] {
				r, derr := decodeParquetRow(pr, m.Effect, len(m.MetricColumns), in)
				if derr != nil {
					rr.Close()
					return nil, Meta{}, fmt.Errorf("read results %q: row group %d, row %d: %w", path, gi, len(rows), derr)
				}
				rows = append(rows, r)
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rr.Close()
				return nil, Meta{}, fmt.Errorf("read results %q: row group %d: %w", path, gi, err)
			}
		}
		if err := rr.Close(); err != nil {
			return nil, Meta{}, fmt.Errorf("read results %q: row group %d: %w", path, gi, err)
		}
	}
	if err := checkRowCount(m, len(rows)); err != nil {
		return nil, Meta{}, fmt.Errorf("read results %q: %w", path, err)
	}
	return rows, m, nil
}

// decodeParquetRow turns one flat Parquet row back into a Row.
func decodeParquetRow(pr parquet.Row, effect bool, numMetrics int, in interner) (Row, error) {
	first := numFixedColumns // the first metric column
	if effect {
		first += numEffectColumns
	}
	if len(pr) != first+numMetrics {
		return Row{}, fmt.Errorf("%w: %d values, want %d", ErrNotResults, len(pr), first+numMetrics)
	}
	optInt := func(v parquet.Value) int {
		if v.IsNull() {
			return -1
		}
		return int(v.Int64())
	}
	r := Row{
		Step:           int(pr[colGenerationStep].Int64()),
		Layer:          int(pr[colLayer].Int64()),
		TokenMasked:    in.bytes(pr[colTokenMasked].ByteArray()),
		TokenPosition:  int(pr[colTokenPosition].Int64()),
		Variant:        in.bytes(pr[colVariant].ByteArray()),
		L2Distance:     pr[colL2Distance].Double(),
		CosineDistance: pr[colCosineDistance].Double(),
		TokenID:        int(pr[colTokenID].Int64()),
		Modality:       in.bytes(pr[colModality].ByteArray()),
		ImageIndex:     optInt(pr[colImageIndex]),
		PatchRow:       optInt(pr[colPatchRow]),
		PatchCol:       optInt(pr[colPatchCol]),
		GroupLabel:     in.bytes(pr[colGroupLabel].ByteArray()),
		GroupSize:      int(pr[colGroupSize].Int64()),
		PromptName:     in.bytes(pr[colPromptName].ByteArray()),
	}
	if w := pr[colAttentionWeight]; !w.IsNull() {
		r.AttentionWeight, r.HasAttentionWeight = w.Double(), true
	}
	if effect {
		r.Effect = decodeParquetEffect(pr[numFixedColumns:first])
	}
	if numMetrics > 0 {
		r.Metrics = make([]float64, numMetrics)
		for i := range r.Metrics {
			if v := pr[first+i]; v.IsNull() {
				r.Metrics[i] = math.NaN()
			} else {
				r.Metrics[i] = v.Double()
			}
		}
	}
	return r, nil
}

// decodeParquetEffect reads a row's effect columns: nil when they are null
// (every row but the Effect_W{k} ones).
func decodeParquetEffect(vs []parquet.Value) *Effect {
	if vs[0].IsNull() {
		return nil
	}
	return &Effect{
		KL: vs[0].Double(), DLogP: vs[1].Double(), TV: vs[2].Double(),
		ArgmaxChanged: vs[3].Int64() != 0, Rank: int(vs[4].Int64()), FinalHiddenL2: vs[5].Double(),
	}
}
