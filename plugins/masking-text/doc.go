// Package maskingtext is the built-in masking strategy "masking-text": one
// group per position that is not a vision placeholder, so every text token,
// special tokens, the vision start/end markers and generated tokens
// included. This is the original tool's --mask-mode text.
//
// vlmask calls New (bundled, through plugins/builtin) or the standalone
// binary cmd/vlmask-plugin-masking-text serves it; it calls only sdk.
package maskingtext
