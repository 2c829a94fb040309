// Package maskingvision is the built-in masking strategy "masking-vision":
// one group per vision placeholder position (<|image_pad|>, and
// <|video_pad|> once videos are supported), labelled by the image and its
// merged-grid row and column. This is the original tool's --mask-mode
// vision.
//
// vlmask calls New (bundled, through plugins/builtin) or the standalone
// binary cmd/vlmask-plugin-masking-vision serves it; it calls only sdk.
package maskingvision
