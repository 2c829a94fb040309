package convert

import pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"

// token is sdk.Token's shape (documented there), tags included, with M
// standing for sdk.Modality.
type token[M ~string] = struct {
	Position   int    `json:"pos"`
	ID         int    `json:"id"`
	Text       string `json:"text"`
	Modality   M      `json:"modality"`
	ImageIndex int    `json:"image_index"`
	PatchRow   int    `json:"patch_row"`
	PatchCol   int    `json:"patch_col"`
	Special    bool   `json:"special,omitempty"`
	Generated  bool   `json:"generated,omitempty"`
}

// imageInfo is sdk.ImageInfo's shape (documented there), tags included.
type imageInfo = struct {
	Index         int `json:"index"`
	GridRows      int `json:"grid_rows"`
	GridCols      int `json:"grid_cols"`
	FirstPosition int `json:"first_position"`
	NumTokens     int `json:"num_tokens"`
}

// TokensToProto converts sdk.Tokens to their messages.
func TokensToProto[M ~string, T ~token[M]](ts []T) []*pb.Token {
	out := make([]*pb.Token, len(ts))
	for i, t := range ts {
		t := token[M](t)
		out[i] = &pb.Token{
			Position:   int32(t.Position),
			Id:         int32(t.ID),
			Text:       t.Text,
			Modality:   string(t.Modality),
			ImageIndex: int32(t.ImageIndex),
			PatchRow:   int32(t.PatchRow),
			PatchCol:   int32(t.PatchCol),
			Special:    t.Special,
			Generated:  t.Generated,
		}
	}
	return out
}

// TokensFromProto converts token messages to sdk.Tokens.
func TokensFromProto[M ~string, T ~token[M]](ts []*pb.Token) []T {
	out := make([]T, len(ts))
	for i, t := range ts {
		out[i] = T(token[M]{
			Position:   int(t.GetPosition()),
			ID:         int(t.GetId()),
			Text:       t.GetText(),
			Modality:   M(t.GetModality()),
			ImageIndex: int(t.GetImageIndex()),
			PatchRow:   int(t.GetPatchRow()),
			PatchCol:   int(t.GetPatchCol()),
			Special:    t.GetSpecial(),
			Generated:  t.GetGenerated(),
		})
	}
	return out
}

// ImagesToProto converts sdk.ImageInfos to their messages; none gives nil.
func ImagesToProto[I ~imageInfo](ims []I) []*pb.ImageInfo {
	var out []*pb.ImageInfo
	for _, im := range ims {
		im := imageInfo(im)
		out = append(out, &pb.ImageInfo{
			Index:         int32(im.Index),
			GridRows:      int32(im.GridRows),
			GridCols:      int32(im.GridCols),
			FirstPosition: int32(im.FirstPosition),
			NumTokens:     int32(im.NumTokens),
		})
	}
	return out
}

// ImagesFromProto converts image messages to sdk.ImageInfos; none gives
// nil.
func ImagesFromProto[I ~imageInfo](ims []*pb.ImageInfo) []I {
	if len(ims) == 0 {
		return nil
	}
	out := make([]I, len(ims))
	for i, im := range ims {
		out[i] = I(imageInfo{
			Index:         int(im.GetIndex()),
			GridRows:      int(im.GetGridRows()),
			GridCols:      int(im.GetGridCols()),
			FirstPosition: int(im.GetFirstPosition()),
			NumTokens:     int(im.GetNumTokens()),
		})
	}
	return out
}
