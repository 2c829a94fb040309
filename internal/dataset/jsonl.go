package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// maxLineBytes bounds one JSONL line (a row with a long prompt and many
// image paths is far below it).
const maxLineBytes = 16 << 20

// readJSONL reads JSON Lines: one JSON object per line; blank lines are
// skipped. It returns the rows and the names of fields vlmask does not
// read.
func readJSONL(r io.Reader, path, dir string) ([]Row, []string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	var rows []Row
	unknown := map[string]bool{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		row, err := parseJSONRow(b, dir, unknown)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset %q line %d: %w: %w", path, line, ErrInvalid, err)
		}
		row.Line = line
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("dataset %q line %d: %w", path, line+1, err)
	}
	return rows, sortedKeys(unknown), nil
}

// parseJSONRow reads one row object.
func parseJSONRow(b []byte, dir string, unknown map[string]bool) (Row, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return Row{}, fmt.Errorf("not a JSON object: %v", err)
	}
	var r Row
	hasPrompt := false
	if _, ok := obj[fieldImage]; ok {
		if _, both := obj[fieldImages]; both {
			return Row{}, fmt.Errorf("both %s and %s", fieldImage, fieldImages)
		}
	}
	for k, v := range obj {
		var err error
		switch k {
		case fieldID:
			r.ID, err = jsonID(v)
		case fieldImage, fieldImages:
			r.ImagesAsWritten, err = stringOrList(v)
		case fieldPrompt:
			err = json.Unmarshal(v, &r.Prompt)
			hasPrompt = true
		case fieldNumTokens:
			err = jsonInt(v, &r.NumTokens)
		case fieldMaskMode:
			err = json.Unmarshal(v, &r.MaskMode)
		case fieldMaxImageResolution:
			err = jsonInt(v, &r.MaxImageResolution)
		case fieldSkipPerHead:
			r.SkipPerHead, err = jsonBool(v)
		case fieldSaveAttentionWeights:
			r.SaveAttentionWeights, err = jsonBool(v)
		case fieldPlugin:
			r.Plugins, err = stringOrList(v)
		case fieldPluginConfig:
			err = json.Unmarshal(v, &r.PluginConfigs)
		default:
			if r.Extra == nil {
				r.Extra = map[string]json.RawMessage{}
			}
			r.Extra[k] = v
			unknown[k] = true
		}
		if err != nil {
			return Row{}, fmt.Errorf("%s: %v", k, err)
		}
	}
	if err := finish(&r, hasPrompt, dir); err != nil {
		return Row{}, err
	}
	return r, nil
}

// jsonID reads an id given as a string or an integer.
func jsonID(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return "", fmt.Errorf("want a string or an integer")
	}
	if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
		return "", fmt.Errorf("%s: want a string or an integer", n)
	}
	return n.String(), nil
}

func jsonInt(v json.RawMessage, dst *int) error {
	if string(v) == "null" {
		return nil
	}
	return json.Unmarshal(v, dst)
}

func jsonBool(v json.RawMessage) (*bool, error) {
	if string(v) == "null" {
		return nil, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// stringOrList reads a string or a list of strings; null and "" are none.
func stringOrList(v json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		if s == "" {
			return nil, nil
		}
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return list, nil
}
