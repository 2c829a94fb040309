package results

import (
	"fmt"
	"unicode/utf8"
)

// Row is one line of the knockout table: the change that masking one group
// at one layer causes in one variant's vector at one generation step.
type Row struct {
	Step          int    // generation_step: 0 analyses the prompt, k the prompt plus k generated tokens
	Layer         int    // layer: 0-based decoder layer
	TokenMasked   string // token_masked: decoded text of the masked token (the group label for a multi-token group)
	TokenPosition int    // token_position: position of the masked token (the group's first position)
	Variant       string // variant: Full, Attn, Head_{i}, AttentionWeight_Head_{i}, AttentionWeight_Avg or a plugin's name

	L2Distance     float64 // l2_distance; the weight on AttentionWeight rows
	CosineDistance float64 // cosine_distance; 0 on AttentionWeight rows

	// AttentionWeight is the attention_weight column, written only when
	// HasAttentionWeight is true (null otherwise). Read leaves it 0 when the
	// column is null.
	AttentionWeight    float64
	HasAttentionWeight bool

	TokenID  int    // token_id; core writes -1 for a multi-token group
	Modality string // modality: ModalityText, ModalityImage or ModalityMixed

	// ImageIndex, PatchRow and PatchCol locate an image token in its image's
	// merged-token grid; -1 writes null.
	ImageIndex, PatchRow, PatchCol int

	GroupLabel string // group_label: the masking strategy's label
	GroupSize  int    // group_size: number of positions masked together
	PromptName string // prompt_name

	// Metrics holds one value per Options.MetricColumns entry, in that
	// order; NaN writes null, so a metric cannot store NaN itself.
	Metrics []float64

	// Effect holds the effect columns of an Effect_W{k} row (nil on every
	// other row, whose effect columns are null). Only a file written with
	// Options.Effect has them.
	Effect *Effect
}

// validateRow checks what a reader depends on; the error names the
// offending field.
func validateRow(r *Row, numMetrics int, effect bool) error {
	switch {
	case r.Step < 0:
		return fmt.Errorf("generation_step %d: %w (negative)", r.Step, ErrInvalidRow)
	case r.Layer < 0:
		return fmt.Errorf("layer %d: %w (negative)", r.Layer, ErrInvalidRow)
	case r.TokenPosition < 0:
		return fmt.Errorf("token_position %d: %w (negative)", r.TokenPosition, ErrInvalidRow)
	case r.GroupSize < 0:
		return fmt.Errorf("group_size %d: %w (negative)", r.GroupSize, ErrInvalidRow)
	case r.ImageIndex < -1 || r.PatchRow < -1 || r.PatchCol < -1:
		return fmt.Errorf("image_index/patch_row/patch_col %d/%d/%d: %w (below -1, the null marker)", r.ImageIndex, r.PatchRow, r.PatchCol, ErrInvalidRow)
	case len(r.Metrics) != numMetrics:
		return fmt.Errorf("%d metric values for %d metric columns: %w", len(r.Metrics), numMetrics, ErrInvalidRow)
	}
	switch r.Modality {
	case ModalityText, ModalityImage, ModalityMixed:
	default:
		return fmt.Errorf("modality %q: %w (want %s, %s or %s)", r.Modality, ErrInvalidRow, ModalityText, ModalityImage, ModalityMixed)
	}
	if err := ValidateVariant(r.Variant); err != nil {
		return err
	}
	if err := validateEffect(r, effect); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, value string }{
		{ColumnTokenMasked, r.TokenMasked},
		{ColumnGroupLabel, r.GroupLabel},
		{ColumnPromptName, r.PromptName},
	} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("%s %q: %w (not valid UTF-8)", f.name, f.value, ErrInvalidRow)
		}
	}
	return nil
}
