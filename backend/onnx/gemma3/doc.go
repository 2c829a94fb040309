// Package gemma3 is the Gemma 3 model family
// (Gemma3ForConditionalGeneration): it describes its checkpoints to the
// shared decoder runtime and builds the vision side — a SigLIP tower
// (vittower) and the average-pooling projector — from the shared blocks.
//
// The decoder is Gemma 3's: token embeddings scaled by √hidden_size (the
// factor rounded to float32, as transformers' buffer holds it; image
// features are scattered in unscaled), Gemma's RMSNorm with (1 + w), four
// norms per layer (the attention and MLP outputs are normalised before
// they join the residual stream), q/k norms, a GELU-tanh gated MLP,
// attention logits scaled by query_pre_attn_scalar^-½, and lm_head tied to
// the embeddings. Neither soft cap of config.json applies, as in
// transformers: Gemma3Attention never passes attn_logit_softcapping to its
// attention function, and Gemma3ForConditionalGeneration (unlike the
// text-only Gemma3ForCausalLM) never caps its logits with
// final_logit_softcapping.
// layer_types says which layers attend within sliding_window keys (local
// RoPE: rope_local_base_freq, unscaled) and which attend to everything
// (global RoPE: rope_theta with rope_scaling, "linear" in the published
// models). The tokens of one image attend to each other in both
// directions in every layer (token_type_ids), which the runtime's
// BidirectionalImages does for each image's run of image tokens.
//
// The image side follows Gemma3Model.get_image_features: the SigLIP
// tower's last_hidden_state (after post_layernorm) is average-pooled from
// its patch grid to mm_tokens_per_image tokens (row-major cells), each
// normalised by mm_soft_emb_norm (Gemma's RMSNorm, vision layer_norm_eps)
// and multiplied by mm_input_projection_weight ([vision hidden, text
// hidden], used as x·W).
//
// Tensor names are probed as for LLaVA: the published layout
// (language_model.model.*, vision_tower.*, multi_modal_projector.*) or
// the newer one under model.*.
package gemma3
