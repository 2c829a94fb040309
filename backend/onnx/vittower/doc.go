// Package vittower builds the CLIP and SigLIP vision transformers that
// LLaVA and Gemma 3 (and many other vision-language families) put in
// front of their projectors, as transformers' CLIPVisionModel and
// SiglipVisionModel lay out their tensors under "<prefix>embeddings.",
// "<prefix>encoder.layers.<i>." and the pre- and post-norms.
//
// Both embed non-overlapping square patches with a Conv2d whose stride is
// its kernel — here a Gemm over patch rows that PixelRows cuts, in Go,
// from the processor's channels-first pixel values — and add a learned
// position embedding per patch. CLIP puts a learned class token in front
// (with a position of its own), has no bias on the patch embedding and
// normalises the embeddings (pre_layrnorm) before its quick-GELU
// encoder; SigLIP has no class token, a patch bias, a GELU-tanh encoder
// and a final post_layernorm. The encoder layers are the shared
// blocks.ViTBlock with separate q, k and v projections, all with biases.
//
// The family package chooses what leaves the tower: HiddenStates gives
// transformers' hidden_states tuple up to a layer (LLaVA reads
// vision_feature_layer there and stops), PostNorm the normalised last
// state (Gemma 3's last_hidden_state). Images are processed at the
// tower's own size: neither family interpolates the position table.
package vittower
