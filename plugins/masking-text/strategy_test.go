package maskingtext_test

import (
	"context"
	"slices"
	"testing"

	maskingtext "github.com/vlmask/vlmask/plugins/masking-text"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.RunMaskingConformance(t, maskingtext.New())
}

// The one-image sample: <|im_start|> user \n <|vision_start|> 1×6 image
// pads <|vision_end|> words... <|im_end|> \n <|im_start|> assistant \n,
// then two generated tokens.
func TestPositions(t *testing.T) {
	t.Parallel()
	seq := sdktest.SampleSequences()["one-image-generated"]
	seq.Tokens = slices.Delete(seq.Tokens, 10, 28) // keep one row of 6 pads: positions 4..9
	seq.Images[0].GridRows, seq.Images[0].NumTokens = 1, 6
	seq.PromptLength -= 18
	for i := range seq.Tokens {
		seq.Tokens[i].Position = i
	}
	resp, err := maskingtext.New().Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, g := range resp.Groups {
		if len(g.Positions) != 1 {
			t.Fatalf("group %+v: want one position", g)
		}
		got = append(got, g.Positions[0])
	}
	if want := []int{0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}; !slices.Equal(got, want) {
		t.Errorf("positions %v, want %v", got, want)
	}
}

func TestOverGRPC(t *testing.T) {
	t.Parallel()
	remote := sdktest.DispenseMasking(t, maskingtext.New())
	d, err := remote.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != maskingtext.Name || d.Version != maskingtext.Version || d.Kind != sdk.KindMasking {
		t.Errorf("Describe over gRPC = %+v", d)
	}
}
