package results

import (
	"fmt"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// schemaName is the Parquet schema's root name (pyarrow writes "schema").
const schemaName = "schema"

// dictionaryMaxBytes bounds each column's dictionary per row group, like
// pyarrow's 1 MB dictionary page limit: once a full page finds the
// dictionary past it, parquet-go writes the rest of that column chunk's
// pages PLAIN (readers handle the mix; see the independent-reader test).
// Token texts and labels of a real run stay far below it; it only caps
// memory for a run with very many long distinct group labels.
const dictionaryMaxBytes = 1 << 20

var _ parquet.Node = orderedGroup{}

// orderedGroup is a Parquet group whose fields keep the order they were
// given in. parquet.Group is a map and returns its fields sorted by name,
// which would break the original tool's column order.
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

// Fields returns the group's fields in column order.
func (g orderedGroup) Fields() []parquet.Field { return g.fields }

// String prints the schema in Parquet's message syntax, in column order.
func (g orderedGroup) String() string { return parquet.NewSchema(schemaName, g).String() }

// newOrderedGroup builds a flat group from columns, in their order.
func newOrderedGroup(cols []column) orderedGroup {
	g := make(parquet.Group, len(cols))
	for _, c := range cols {
		g[c.name] = columnNode(c)
	}
	byName := make(map[string]parquet.Field, len(cols))
	for _, f := range g.Fields() {
		byName[f.Name()] = f
	}
	fields := make([]parquet.Field, len(cols))
	for i, c := range cols {
		fields[i] = byName[c.name]
	}
	return orderedGroup{Group: g, fields: fields}
}

// columnNode returns the Parquet node of one column: strings and integers
// dictionary-encoded (the original tool's files were), doubles PLAIN
// (distances are nearly all distinct, so a dictionary would only cost).
func columnNode(c column) parquet.Node {
	var n parquet.Node
	switch c.kind {
	case kindInt64:
		n = parquet.Encoded(parquet.Int(64), &parquet.RLEDictionary)
	case kindString:
		n = parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	default:
		n = parquet.Encoded(parquet.Leaf(parquet.DoubleType), &parquet.Plain)
	}
	if c.nullable {
		return parquet.Optional(n)
	}
	return parquet.Required(n)
}

// createdByOption sets the footer's created_by verbatim; parquet.CreatedBy
// would drop the space before "(build".
type createdByOption string

func (o createdByOption) ConfigureWriter(c *parquet.WriterConfig) { c.CreatedBy = string(o) }

// createdBy formats created_by as the Parquet spec suggests:
// "<application> version <version>".
func createdBy(version string) string { return "vlmask version " + version }

// parquetWriterOptions returns the writer configuration: Snappy, data pages
// of version 1 (hyparquet before 1.5 rejects version 2), page and chunk
// statistics, no internal write buffer (the sink buffers and flushes
// itself, so Flush reaches the file). The run's key/value metadata is not
// among them: the sink writes the footers itself (parquetSink.writeFooter).
func parquetWriterOptions(schema *parquet.Schema, opts Options) ([]parquet.WriterOption, error) {
	wo := []parquet.WriterOption{
		schema,
		parquet.Compression(&snappy.Codec{}),
		parquet.DataPageVersion(1),
		parquet.DataPageStatistics(true),
		parquet.MaxRowsPerRowGroup(int64(opts.RowGroupRows)),
		parquet.WriteBufferSize(0),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		createdByOption(createdBy(opts.Version)),
	}
	if _, err := parquet.NewWriterConfig(wo...); err != nil {
		return nil, fmt.Errorf("parquet writer configuration: %w", err)
	}
	return wo, nil
}
