// Package batchconfig reads the original tool's YAML batch files
// (prompts_config_vl.yaml and friends) into vlmask's terms, and parses their
// ChatML prompts into chat messages.
//
// It accepts the original keys unchanged — model.path, device, batch_size,
// skip_per_head, save_attention_weights, max_image_resolution, and per
// prompt name, enabled, prompt, image_path, num_tokens, mask_mode (with
// "all" meaning "both") and the per-prompt overrides — and fixes two of the
// original's parsing bugs: text on the line holding <|im_end|> is kept, and
// an image_path is used even when the prompt has no <image> marker (the
// image then comes first, as in the original's command-line mode).
package batchconfig
