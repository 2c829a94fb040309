package convert_test

import (
	"reflect"
	"testing"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/internal/convert"
)

// TestRoundTrip: every field of the sdk types survives the trip through
// their messages, in both directions the two ends use.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	groups := []sdk.Group{{Label: "img0 r0-1 c2-3", Positions: []int{3, 4, 9}}, {Label: " cat", Positions: []int{12}}}
	if got := convert.GroupsFromProto[sdk.Group](convert.GroupsToProto(groups)); !reflect.DeepEqual(got, groups) {
		t.Errorf("groups: got %+v, want %+v", got, groups)
	}
	tokens := []sdk.Token{
		{Position: 0, ID: 151644, Text: "<|im_start|>", Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: true},
		{Position: 5, ID: 151655, Text: "<|image_pad|>", Modality: sdk.Image, ImageIndex: 1, PatchRow: 2, PatchCol: 3},
		{Position: 40, ID: 785, Text: " The", Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Generated: true},
	}
	if got := convert.TokensFromProto[sdk.Modality, sdk.Token](convert.TokensToProto(tokens)); !reflect.DeepEqual(got, tokens) {
		t.Errorf("tokens: got %+v, want %+v", got, tokens)
	}
	images := []sdk.ImageInfo{{Index: 0, GridRows: 2, GridCols: 3, FirstPosition: 4, NumTokens: 6}, {Index: 1, GridRows: 1, GridCols: 1, FirstPosition: 12, NumTokens: 1}}
	if got := convert.ImagesFromProto[sdk.ImageInfo](convert.ImagesToProto(images)); !reflect.DeepEqual(got, images) {
		t.Errorf("images: got %+v, want %+v", got, images)
	}
	if got := convert.ImagesFromProto[sdk.ImageInfo](convert.ImagesToProto([]sdk.ImageInfo{})); got != nil {
		t.Errorf("no images: got %#v, want nil", got)
	}
}
