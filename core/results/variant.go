package results

import (
	"fmt"
	"strings"
)

// Built-in variant names; per-head names are VariantHeadPrefix or
// VariantAttentionWeightHeadPrefix followed by the head index.
const (
	VariantFull                      = "Full"
	VariantAttn                      = "Attn"
	VariantHeadPrefix                = "Head_"
	VariantAttentionWeightHeadPrefix = "AttentionWeight_Head_"
	VariantAttentionWeightAvg        = "AttentionWeight_Avg"
	// variantAttentionWeightPrefix makes the original grid viewer read
	// attention_weight instead of l2_distance/cosine_distance.
	variantAttentionWeightPrefix = "AttentionWeight_"
)

// maxVariantLen bounds a plugin-defined variant name.
const maxVariantLen = 64

// ValidateVariant checks a variant name. Valid names are the built-in ones —
// Full, Attn, Head_{i}, AttentionWeight_Head_{i}, AttentionWeight_Avg, with
// i a head index in decimal without leading zeros (0, 1, … 10, …), and the
// propagated knockout's Effect_W{k}, k ≥ 1 likewise — and
// plugin-defined names: an ASCII letter followed by ASCII letters, digits
// and '_', at most 64 bytes, not starting with "Head_" or
// "AttentionWeight_" or "Effect_W" (those prefixes belong to the built-in
// per-head, attention-weight and effect names; the original grid viewer
// switches to the attention_weight column for any name starting with
// "AttentionWeight_").
// Names are case-sensitive.
func ValidateVariant(name string) error {
	switch name {
	case VariantFull, VariantAttn, VariantAttentionWeightAvg:
		return nil
	}
	if i, ok := strings.CutPrefix(name, VariantAttentionWeightHeadPrefix); ok {
		if !isHeadIndex(i) {
			return fmt.Errorf("variant %q: %w (head index must be decimal without leading zeros)", name, ErrInvalidVariant)
		}
		return nil
	}
	if strings.HasPrefix(name, variantAttentionWeightPrefix) {
		return fmt.Errorf("variant %q: %w (the prefix %s is reserved for %s{i} and %s)", name, ErrInvalidVariant,
			variantAttentionWeightPrefix, VariantAttentionWeightHeadPrefix, VariantAttentionWeightAvg)
	}
	if i, ok := strings.CutPrefix(name, VariantHeadPrefix); ok {
		if !isHeadIndex(i) {
			return fmt.Errorf("variant %q: %w (head index must be decimal without leading zeros)", name, ErrInvalidVariant)
		}
		return nil
	}
	if strings.HasPrefix(name, VariantEffectPrefix) {
		if _, ok := EffectWindow(name); !ok {
			return fmt.Errorf("variant %q: %w (the prefix %s is reserved for the propagated knockout's %s{k}, k a window of at least 1 in decimal without leading zeros)",
				name, ErrInvalidVariant, VariantEffectPrefix, VariantEffectPrefix)
		}
		return nil
	}
	if name == "" || len(name) > maxVariantLen || !isASCIILetter(name[0]) {
		return fmt.Errorf("variant %q: %w (want an ASCII letter, then letters, digits or '_'; at most %d bytes)", name, ErrInvalidVariant, maxVariantLen)
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isASCIILetter(c) && !isASCIIDigit(c) && c != '_' {
			return fmt.Errorf("variant %q: %w (want an ASCII letter, then letters, digits or '_'; at most %d bytes)", name, ErrInvalidVariant, maxVariantLen)
		}
	}
	return nil
}

// isHeadIndex reports whether s is a decimal head index without leading
// zeros and of at most 6 digits.
func isHeadIndex(s string) bool {
	if s == "" || len(s) > 6 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}
