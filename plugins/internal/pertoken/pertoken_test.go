package pertoken_test

import (
	"context"
	"testing"

	"github.com/vlmask/vlmask/plugins/internal/pertoken"
	"github.com/vlmask/vlmask/sdk"
)

func TestLabel(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		tok  sdk.Token
		want string
	}{
		"text":    {tok: sdk.Token{Text: " cat", Modality: sdk.Text, ImageIndex: -1}, want: " cat"},
		"special": {tok: sdk.Token{Text: "<|vision_start|>", Modality: sdk.Text, ImageIndex: -1}, want: "<|vision_start|>"},
		"image":   {tok: sdk.Token{Text: "<|image_pad|>", Modality: sdk.Image, ImageIndex: 1, PatchRow: 2, PatchCol: 3}, want: "img1 r2 c3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := pertoken.Label(tc.tok); got != tc.want {
				t.Errorf("Label = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGroupsOnePerSelectedPosition(t *testing.T) {
	t.Parallel()
	seq := sdk.Sequence{Tokens: []sdk.Token{
		{Text: "a", Modality: sdk.Text}, {Text: "<|image_pad|>", Modality: sdk.Image}, {Text: "<|video_pad|>", Modality: sdk.Video}, {Text: "b", Modality: sdk.Text},
	}}
	got := pertoken.Groups(seq, pertoken.IsVision)
	if len(got) != 2 || got[0].Positions[0] != 1 || got[1].Positions[0] != 2 {
		t.Errorf("vision groups = %+v, want positions 1 and 2", got)
	}
	if none := pertoken.Groups(seq, func(sdk.Token) bool { return false }); none == nil || len(none) != 0 {
		t.Errorf("no selection = %#v, want an empty, non-nil slice", none)
	}
}

func TestNewDescribesAndMasks(t *testing.T) {
	t.Parallel()
	s := pertoken.New("masking-x", "1.2.3", "every text token", func(tok sdk.Token) bool { return tok.Modality == sdk.Text })
	d, err := s.Describe(context.Background())
	if err != nil || d.Name != "masking-x" || d.Version != "1.2.3" || d.Kind != sdk.KindMasking || d.Summary != "every text token" {
		t.Fatalf("Describe = %+v, %v", d, err)
	}
	seq := sdk.Sequence{Tokens: []sdk.Token{{Text: "a", Modality: sdk.Text}, {Text: "<|image_pad|>", Modality: sdk.Image}}}
	resp, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
	if err != nil || len(resp.Groups) != 1 || resp.Groups[0].Positions[0] != 0 {
		t.Errorf("Mask = %+v, %v; want one group at position 0", resp, err)
	}
}
