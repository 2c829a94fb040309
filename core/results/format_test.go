package results_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/vlmask/vlmask/core/results"
)

// TestParquetLayout opens a written file at the byte level and checks what
// the original viewers and pyarrow depend on: Snappy, data pages of version
// 1 only (every page header is decoded), dictionary-encoded strings and
// integers, PLAIN doubles, statistics, created_by, the schema's types and
// repetition, and the key/value metadata.
func TestParquetLayout(t *testing.T) {
	t.Parallel()
	metrics := []string{"kl"}
	rows := genRows(3000, len(metrics), 3)
	base := filepath.Join(t.TempDir(), "layout")
	paths := writeRows(t, base, results.Options{
		MetricColumns: metrics,
		RowGroupRows:  1000,
		Metadata:      map[string]string{"model": "m"},
	}, rows, 256)

	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	md := pf.Metadata()
	if !strings.HasPrefix(md.CreatedBy, "vlmask version ") {
		t.Errorf("created_by %q does not name vlmask", md.CreatedBy)
	}
	kv := map[string]string{}
	for _, e := range md.KeyValueMetadata {
		kv[e.Key] = e.Value
	}
	for k, want := range map[string]string{"model": "m", results.MetaKeyComplete: "true", results.MetaKeyStepsFinished: "1", results.MetaKeyRows: "3000"} {
		if kv[k] != want {
			t.Errorf("key/value %s = %q, want %q", k, kv[k], want)
		}
	}
	if len(md.RowGroups) != 3 {
		t.Errorf("%d row groups, want 3 (3000 rows, 1000 per group)", len(md.RowGroups))
	}

	wantNames := append(results.FixedColumns(), metrics...)
	nullable := map[string]bool{"attention_weight": true, "image_index": true, "patch_row": true, "patch_col": true, "kl": true}
	strs := map[string]bool{"token_masked": true, "variant": true, "modality": true, "group_label": true, "prompt_name": true}
	doubles := map[string]bool{"l2_distance": true, "cosine_distance": true, "attention_weight": true, "kl": true}
	leaves := md.Schema[1:]
	if len(leaves) != len(wantNames) {
		t.Fatalf("%d schema leaves, want %d", len(leaves), len(wantNames))
	}
	for i, el := range leaves {
		name := wantNames[i]
		if el.Name != name {
			t.Errorf("schema leaf %d is %q, want %q", i, el.Name, name)
		}
		typ, _ := el.Type.Get()
		rep, _ := el.RepetitionType.Get()
		wantType := format.Int64
		switch {
		case strs[name]:
			wantType = format.ByteArray
			if ct, ok := el.ConvertedType.Get(); !ok || ct != deprecated.UTF8 {
				t.Errorf("%s converted type %v, want UTF8", name, ct)
			}
			if el.LogicalType.Value == nil || el.LogicalType.Value.String() != "STRING" {
				t.Errorf("%s logical type %v, want STRING", name, el.LogicalType.Value)
			}
		case doubles[name]:
			wantType = format.Double
		}
		if typ != wantType {
			t.Errorf("%s type %v, want %v", name, typ, wantType)
		}
		wantRep := format.Required
		if nullable[name] {
			wantRep = format.Optional
		}
		if rep != wantRep {
			t.Errorf("%s repetition %v, want %v", name, rep, wantRep)
		}
	}

	for gi, rg := range md.RowGroups {
		for ci, cc := range rg.Columns {
			name := wantNames[ci]
			cm := cc.MetaData
			if cm.Codec != format.Snappy {
				t.Errorf("row group %d column %s codec %v, want SNAPPY", gi, name, cm.Codec)
			}
			st := cm.Statistics
			if len(st.MaxValue) == 0 && st.NullCount == 0 {
				t.Errorf("row group %d column %s has no statistics", gi, name)
			}
			wantData := format.RLEDictionary
			if doubles[name] {
				wantData = format.Plain
			}
			for _, p := range pageHeaders(t, data, cm) {
				switch p.Type {
				case format.DictionaryPage:
					if doubles[name] {
						t.Errorf("row group %d column %s has a dictionary page", gi, name)
					}
				case format.DataPage:
					h, ok := p.DataPageHeader.Get()
					if !ok {
						t.Fatalf("row group %d column %s: data page without its header", gi, name)
					}
					if h.Encoding != wantData {
						t.Errorf("row group %d column %s data page encoding %v, want %v", gi, name, h.Encoding, wantData)
					}
					if len(h.Statistics.MaxValue) == 0 && h.Statistics.NullCount == 0 {
						t.Errorf("row group %d column %s data page has no statistics", gi, name)
					}
				default:
					t.Errorf("row group %d column %s has a page of type %v; want only DATA_PAGE (v1) and DICTIONARY_PAGE", gi, name, p.Type)
				}
			}
		}
	}
}

// parquetRowGroups returns the number of row groups in a Parquet file.
func parquetRowGroups(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return len(pf.Metadata().RowGroups)
}

// pageHeaders decodes every page header of one column chunk.
func pageHeaders(t *testing.T, file []byte, cm format.ColumnMetaData) []format.PageHeader {
	t.Helper()
	start := cm.DataPageOffset
	if cm.DictionaryPageOffset > 0 && cm.DictionaryPageOffset < start {
		start = cm.DictionaryPageOffset
	}
	chunk := bytes.NewReader(file[start : start+cm.TotalCompressedSize])
	var headers []format.PageHeader
	var values int64
	for chunk.Len() > 0 {
		var h format.PageHeader
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(chunk)).Decode(&h); err != nil {
			t.Fatalf("decode page header at chunk offset %d: %v", int(cm.TotalCompressedSize)-chunk.Len(), err)
		}
		if _, err := chunk.Seek(int64(h.CompressedPageSize), io.SeekCurrent); err != nil {
			t.Fatal(err)
		}
		if dp, ok := h.DataPageHeader.Get(); ok {
			values += int64(dp.NumValues)
		}
		if dp, ok := h.DataPageHeaderV2.Get(); ok {
			values += int64(dp.NumValues)
		}
		headers = append(headers, h)
	}
	if values != cm.NumValues {
		t.Fatalf("data pages hold %d values, column chunk says %d", values, cm.NumValues)
	}
	return headers
}
