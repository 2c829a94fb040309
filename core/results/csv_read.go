package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"
)

// csvRecordReader parses RFC 4180 records exactly: quoted fields keep
// their bytes, CR and LF included (encoding/csv would turn a quoted CRLF
// into LF), and a line may end in LF or CRLF.
type csvRecordReader struct {
	r      *bufio.Reader
	line   int   // line number of the last line read
	start  int   // line where the last record started
	pos    int64 // bytes consumed: the offset of the next record
	lf     bool  // the last line read ended with a line feed
	field  []byte
	fields []string
}

func newCSVRecordReader(r io.Reader) *csvRecordReader {
	return &csvRecordReader{r: bufio.NewReaderSize(r, 1<<16)}
}

// readLine returns the next line with its LF, or io.EOF at the end. The
// result is valid until the next call.
func (c *csvRecordReader) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = c.r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if len(line) > 0 {
		c.line++
		c.pos += int64(len(line))
		c.lf = line[len(line)-1] == '\n'
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	return line, err
}

// terminated says the last record read ended with its line feed: a record
// that a killed writer cut short does not.
func (c *csvRecordReader) terminated() bool { return c.lf }

// record returns the fields of the next record, or io.EOF. The slice is
// reused by the next call; the strings are not.
func (c *csvRecordReader) record() ([]string, error) {
	line, err := c.readLine()
	if err != nil {
		return nil, err
	}
	c.start = c.line
	c.fields = c.fields[:0]
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			c.field = c.field[:0]
			i++
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					c.field = append(c.field, line[i:]...)
					if line, err = c.readLine(); err != nil {
						if errors.Is(err, io.EOF) {
							return nil, fmt.Errorf("line %d: quoted field not closed before the end of the file", c.start)
						}
						return nil, err
					}
					i = 0
					continue
				}
				c.field = append(c.field, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' {
					c.field = append(c.field, '"')
					i++
					continue
				}
				break
			}
			c.fields = append(c.fields, string(c.field))
			rest := line[i:]
			switch {
			case len(rest) > 0 && rest[0] == ',':
				i++
				continue
			case len(rest) == 0 || string(rest) == "\n" || string(rest) == "\r\n":
				return c.fields, nil
			}
			return nil, fmt.Errorf("line %d: %q after a closing quote", c.line, rest[0])
		}
		j := bytes.IndexAny(line[i:], ",\n")
		end := len(line)
		if j >= 0 {
			end = i + j
		}
		f := line[i:end]
		last := j < 0 || line[end] == '\n'
		if last {
			f = bytes.TrimSuffix(f, []byte{'\r'})
		}
		if bytes.IndexByte(f, '"') >= 0 {
			return nil, fmt.Errorf("line %d: quote inside an unquoted field", c.line)
		}
		c.fields = append(c.fields, string(f))
		if last {
			return c.fields, nil
		}
		i = end + 1
	}
}

// maxSidecarBytes bounds the sidecar a reader loads: its metadata holds
// the rendered prompt and generated text, far below this.
const maxSidecarBytes = 64 << 20

func readCSVMeta(path string) (Meta, error) {
	f, err := OpenRegular(path, 0)
	if err != nil {
		return Meta{}, fmt.Errorf("read results %q: %w", path, err)
	}
	defer f.Close()
	m, hasSidecar, err := csvMeta(path, newCSVRecordReader(f))
	if err != nil {
		return Meta{}, err
	}
	if !hasSidecar {
		return Meta{}, fmt.Errorf("read results %q: %w (sidecar %q missing)", path, ErrNoMetadata, SidecarPath(path))
	}
	return m, nil
}

// csvMeta reads the header and the sidecar; hasSidecar is false when the
// sidecar does not exist.
func csvMeta(path string, rr *csvRecordReader) (m Meta, hasSidecar bool, err error) {
	header, err := rr.record()
	if errors.Is(err, io.EOF) {
		return Meta{}, false, fmt.Errorf("read results %q: %w: empty file", path, ErrNotResults)
	}
	if err != nil {
		return Meta{}, false, fmt.Errorf("read results %q: %w", path, err)
	}
	names := slices.Clone(header)
	effect, metrics, err := checkColumns(names)
	if err != nil {
		return Meta{}, false, fmt.Errorf("read results %q: %w", path, err)
	}
	m = Meta{Format: FormatCSV, Columns: names, Effect: effect, MetricColumns: metrics}
	side := SidecarPath(path)
	data, err := ReadRegular(side, maxSidecarBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return m, false, nil
	}
	if err != nil {
		return Meta{}, false, fmt.Errorf("read results %q: %w", path, err)
	}
	var sc sidecarFile
	if err := json.Unmarshal(data, &sc); err != nil {
		return Meta{}, false, fmt.Errorf("read sidecar %q: %w", side, err)
	}
	if !slices.Equal(sc.Columns, names) {
		return Meta{}, false, fmt.Errorf("read sidecar %q: %w: its columns differ from the header of %q", side, ErrNotResults, path)
	}
	if err := metaFromKeyValue(&m, sc.KeyValue); err != nil {
		return Meta{}, false, fmt.Errorf("read sidecar %q: %w", side, err)
	}
	return m, true, nil
}

func readCSV(path string) ([]Row, Meta, error) {
	f, err := OpenRegular(path, 0)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("read results %q: %w", path, err)
	}
	defer f.Close()
	rr := newCSVRecordReader(f)
	m, hasSidecar, err := csvMeta(path, rr)
	if err != nil {
		return nil, Meta{}, err
	}
	var rows []Row
	in := make(interner)
	for {
		rec, err := rr.record()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Meta{}, fmt.Errorf("read results %q: %w", path, err)
		}
		r, err := decodeCSVRow(rec, m.Columns, in)
		if err != nil {
			return nil, Meta{}, fmt.Errorf("read results %q: line %d: %w", path, rr.start, err)
		}
		rows = append(rows, r)
	}
	if hasSidecar {
		if err := checkRowCount(m, len(rows)); err != nil {
			return nil, Meta{}, fmt.Errorf("read results %q: %w", path, err)
		}
	}
	return rows, m, nil
}

// csvFieldError names the column whose text did not parse.
func csvFieldError(column, text, want string) error {
	return fmt.Errorf("%w: column %s: %q is not %s", ErrNotResults, column, text, want)
}

// decodeCSVRow parses one record in the column layout of names; in shares
// the strings it keeps.
func decodeCSVRow(rec, names []string, in interner) (Row, error) {
	if len(rec) != len(names) {
		return Row{}, fmt.Errorf("%w: %d fields, want %d", ErrNotResults, len(rec), len(names))
	}
	var firstErr error
	integer := func(i int) int {
		v, err := strconv.Atoi(rec[i])
		if err != nil && firstErr == nil {
			firstErr = csvFieldError(names[i], rec[i], "an integer")
		}
		return v
	}
	optInteger := func(i int) int {
		if rec[i] == "" {
			return -1
		}
		return integer(i)
	}
	float := func(i int) float64 {
		v, err := strconv.ParseFloat(rec[i], 64)
		if err != nil && firstErr == nil {
			firstErr = csvFieldError(names[i], rec[i], "a number")
		}
		return v
	}
	r := Row{
		Step:           integer(colGenerationStep),
		Layer:          integer(colLayer),
		TokenMasked:    in.str(rec[colTokenMasked]),
		TokenPosition:  integer(colTokenPosition),
		Variant:        in.str(rec[colVariant]),
		L2Distance:     float(colL2Distance),
		CosineDistance: float(colCosineDistance),
		TokenID:        integer(colTokenID),
		Modality:       in.str(rec[colModality]),
		ImageIndex:     optInteger(colImageIndex),
		PatchRow:       optInteger(colPatchRow),
		PatchCol:       optInteger(colPatchCol),
		GroupLabel:     in.str(rec[colGroupLabel]),
		GroupSize:      integer(colGroupSize),
		PromptName:     in.str(rec[colPromptName]),
	}
	if rec[colAttentionWeight] != "" {
		r.AttentionWeight, r.HasAttentionWeight = float(colAttentionWeight), true
	}
	first := numFixedColumns // the first metric column
	if hasEffectColumns(names[numFixedColumns:]) {
		first += numEffectColumns
		if rec[numFixedColumns] != "" {
			const at = numFixedColumns
			r.Effect = &Effect{KL: float(at), DLogP: float(at + 1), TV: float(at + 2),
				ArgmaxChanged: integer(at+3) != 0, Rank: integer(at + 4), FinalHiddenL2: float(at + 5)}
		}
	}
	if n := len(names) - first; n > 0 {
		r.Metrics = make([]float64, n)
		for i := range r.Metrics {
			if rec[first+i] == "" {
				r.Metrics[i] = math.NaN()
			} else {
				r.Metrics[i] = float(first + i)
			}
		}
	}
	return r, firstErr
}
