package llava

import (
	"testing"

	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// family is this family's golden cases and loader.
func family() goldenmodel.Family {
	return goldenmodel.Family{Patterns: []string{"llava_*"}, Load: Load}
}

func TestGoldenForward(t *testing.T)        { family().TestForward(t) }
func TestGoldenForwardFloat64(t *testing.T) { family().TestForwardFloat64(t, 2e-6) }
func TestGoldenKnockout(t *testing.T)       { family().TestKnockout(t) }
func TestGoldenHalfPrecision(t *testing.T)  { family().TestHalfPrecision(t) }
