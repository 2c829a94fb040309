package results

import (
	"fmt"
	"slices"
)

// Names of the fixed columns, in file order. The first eight are the
// original tool's columns and keep its names, types and order.
const (
	ColumnGenerationStep  = "generation_step"
	ColumnLayer           = "layer"
	ColumnTokenMasked     = "token_masked"
	ColumnTokenPosition   = "token_position"
	ColumnVariant         = "variant"
	ColumnL2Distance      = "l2_distance"
	ColumnCosineDistance  = "cosine_distance"
	ColumnAttentionWeight = "attention_weight"
	ColumnTokenID         = "token_id"
	ColumnModality        = "modality"
	ColumnImageIndex      = "image_index"
	ColumnPatchRow        = "patch_row"
	ColumnPatchCol        = "patch_col"
	ColumnGroupLabel      = "group_label"
	ColumnGroupSize       = "group_size"
	ColumnPromptName      = "prompt_name"
)

// Modality values of the modality column.
const (
	ModalityText  = "text"
	ModalityImage = "image"
	// ModalityMixed marks a group whose positions are not all of one modality.
	ModalityMixed = "mixed"
)

// maxMetricColumns bounds Options.MetricColumns; far more than any run needs.
const maxMetricColumns = 256

// columnKind is the physical type of a column.
type columnKind int

const (
	kindInt64 columnKind = iota
	kindString
	kindDouble
)

func (k columnKind) String() string {
	switch k {
	case kindInt64:
		return "INT64"
	case kindString:
		return "STRING"
	default:
		return "DOUBLE"
	}
}

// column describes one column of the table.
type column struct {
	name     string
	kind     columnKind
	nullable bool
}

// Indices of the fixed columns in fixedColumns' order; rows are encoded and
// decoded by these.
const (
	colGenerationStep = iota
	colLayer
	colTokenMasked
	colTokenPosition
	colVariant
	colL2Distance
	colCosineDistance
	colAttentionWeight
	colTokenID
	colModality
	colImageIndex
	colPatchRow
	colPatchCol
	colGroupLabel
	colGroupSize
	colPromptName
	numFixedColumns
)

// fixedColumns returns the fixed columns in file order.
func fixedColumns() []column {
	return []column{
		colGenerationStep:  {ColumnGenerationStep, kindInt64, false},
		colLayer:           {ColumnLayer, kindInt64, false},
		colTokenMasked:     {ColumnTokenMasked, kindString, false},
		colTokenPosition:   {ColumnTokenPosition, kindInt64, false},
		colVariant:         {ColumnVariant, kindString, false},
		colL2Distance:      {ColumnL2Distance, kindDouble, false},
		colCosineDistance:  {ColumnCosineDistance, kindDouble, false},
		colAttentionWeight: {ColumnAttentionWeight, kindDouble, true},
		colTokenID:         {ColumnTokenID, kindInt64, false},
		colModality:        {ColumnModality, kindString, false},
		colImageIndex:      {ColumnImageIndex, kindInt64, true},
		colPatchRow:        {ColumnPatchRow, kindInt64, true},
		colPatchCol:        {ColumnPatchCol, kindInt64, true},
		colGroupLabel:      {ColumnGroupLabel, kindString, false},
		colGroupSize:       {ColumnGroupSize, kindInt64, false},
		colPromptName:      {ColumnPromptName, kindString, false},
	}
}

// FixedColumns returns the names of the columns every file has, in file
// order; metric columns follow them.
func FixedColumns() []string {
	cols := fixedColumns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// tableColumns returns the fixed columns, the effect columns when effect,
// then one nullable DOUBLE column per metric.
func tableColumns(effect bool, metrics []string) []column {
	cols := fixedColumns()
	if effect {
		cols = append(cols, effectColumns()...)
	}
	for _, m := range metrics {
		cols = append(cols, column{name: m, kind: kindDouble, nullable: true})
	}
	return cols
}

// validateMetricColumns checks the names of the extra metric columns: each
// starts with an ASCII letter, continues with ASCII letters, digits, '_' or
// '-', is at most 64 bytes long, is unique and is not a fixed column's name
// (nor an effect column's, in a file with them). The rule keeps names free
// of CSV quoting and of the dots that some tools read as a nested column
// path.
func validateMetricColumns(names []string, effect bool) error {
	if len(names) > maxMetricColumns {
		return fmt.Errorf("%d metric columns: %w (at most %d)", len(names), ErrInvalidColumn, maxMetricColumns)
	}
	fixed := FixedColumns()
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		if !validMetricName(name) {
			return fmt.Errorf("metric column %q: %w (want an ASCII letter, then letters, digits, '_' or '-'; at most 64 bytes)", name, ErrInvalidColumn)
		}
		if slices.Contains(fixed, name) {
			return fmt.Errorf("metric column %q: %w (a fixed column has that name)", name, ErrInvalidColumn)
		}
		if effect && slices.Contains(EffectColumns(), name) {
			return fmt.Errorf("metric column %q: %w (an effect column has that name)", name, ErrInvalidColumn)
		}
		if seen[name] {
			return fmt.Errorf("metric column %q: %w (named twice)", name, ErrInvalidColumn)
		}
		seen[name] = true
	}
	return nil
}

func validMetricName(name string) bool {
	if name == "" || len(name) > 64 || !isASCIILetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !isASCIILetter(c) && !isASCIIDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }
