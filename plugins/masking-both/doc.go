// Package maskingboth is the built-in masking strategy "masking-both": one
// group per position, text and vision alike. This is the original tool's
// --mask-mode both.
//
// vlmask calls New (bundled, through plugins/builtin) or the standalone
// binary cmd/vlmask-plugin-masking-both serves it; it calls only sdk.
package maskingboth
