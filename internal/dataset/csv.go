package dataset

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ListSeparator separates several image paths, or plugin names, in one
// CSV cell.
const ListSeparator = "|"

// readCSV reads CSV with a header row naming the fields; an empty cell is a
// field not given. It returns the rows and the names of columns vlmask does
// not read.
func readCSV(r io.Reader, path, dir string) ([]Row, []string, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("dataset %q: %w: no header row", path, ErrInvalid)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("dataset %q: %w: %v", path, ErrInvalid, err)
	}
	seen := map[string]bool{}
	var unknown []string
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		header[i] = h
		if seen[h] {
			return nil, nil, fmt.Errorf("dataset %q: %w: column %q twice in the header", path, ErrInvalid, h)
		}
		seen[h] = true
		if !knownField(h) {
			unknown = append(unknown, h)
		}
	}
	if seen[fieldImage] && seen[fieldImages] {
		return nil, nil, fmt.Errorf("dataset %q: %w: both %s and %s columns", path, ErrInvalid, fieldImage, fieldImages)
	}
	if !seen[fieldPrompt] {
		return nil, nil, fmt.Errorf("dataset %q: %w: no %s column", path, ErrInvalid, fieldPrompt)
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("dataset %q: %w: %v", path, ErrInvalid, err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseCSVRow(header, rec, dir)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset %q line %d: %w: %w", path, line, ErrInvalid, err)
		}
		row.Line = line
		rows = append(rows, row)
	}
	return rows, unknown, nil
}

// parseCSVRow reads one record under header.
func parseCSVRow(header, rec []string, dir string) (Row, error) {
	var r Row
	for i, name := range header {
		cell := rec[i]
		if name != fieldPrompt {
			cell = strings.TrimSpace(cell)
		}
		if cell == "" && name != fieldPrompt {
			continue
		}
		var err error
		switch name {
		case fieldID:
			r.ID = cell
		case fieldImage, fieldImages:
			r.ImagesAsWritten = splitList(cell)
		case fieldPrompt:
			r.Prompt = cell
		case fieldNumTokens:
			r.NumTokens, err = strconv.Atoi(cell)
		case fieldMaskMode:
			r.MaskMode = cell
		case fieldMaxImageResolution:
			r.MaxImageResolution, err = strconv.Atoi(cell)
		case fieldSkipPerHead:
			r.SkipPerHead, err = parseBool(cell)
		case fieldSaveAttentionWeights:
			r.SaveAttentionWeights, err = parseBool(cell)
		case fieldPlugin:
			r.Plugins = splitList(cell)
		case fieldPluginConfig:
			err = json.Unmarshal([]byte(cell), &r.PluginConfigs)
		default:
			if r.Extra == nil {
				r.Extra = map[string]json.RawMessage{}
			}
			b, _ := json.Marshal(rec[i]) // a string always encodes
			r.Extra[name] = b
		}
		if err != nil {
			return Row{}, fmt.Errorf("%s %q: %v", name, cell, err)
		}
	}
	return r, finish(&r, true, dir)
}

func splitList(cell string) []string {
	parts := strings.Split(cell, ListSeparator)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func parseBool(cell string) (*bool, error) {
	b, err := strconv.ParseBool(strings.ToLower(cell))
	if err != nil {
		return nil, fmt.Errorf("want true or false")
	}
	return &b, nil
}
