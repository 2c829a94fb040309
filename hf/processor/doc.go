// Package processor is vlmask's equivalent of a Hugging Face processor: it
// turns chat messages and image files into exactly the model input
// transformers would build — the rendered chat template, input_ids with
// each image placeholder expanded to its image's tokens, pixel_values, the
// position ids and, for Gemma 3, token_type_ids — plus the per-position
// token table (text, modality, image grid row and column) that masking
// strategies and the output rows read.
//
// The family-independent steps (rendering, decoding images, the token
// table) live in Process; each model family contributes a small part
// chosen by Load (family.go):
//
//   - Qwen2-VL, Qwen2.5-VL, Qwen3-VL (qwen.go): Qwen2VLImageProcessor
//     patches, <|image_pad|> expanded to t·h·w/merge² tokens, 3-D MRoPE
//     positions;
//   - LLaVA-1.5 (llava.go): CLIPImageProcessor pixels, <image> repeated
//     (h/patch)·(w/patch) times (one more with the "full" strategy, for
//     CLIP's class token), <s> added by the tokenizer, 1-D positions;
//   - Gemma 3 (gemma3.go): Gemma3ImageProcessor pixels, <start_of_image>
//     expanded to "\n\n<start_of_image>" + mm_tokens_per_image soft tokens +
//     "<end_of_image>\n\n", no second <bos>, 1-D positions, token_type_ids;
//   - text models (family.go): the tokenizer's apply_chat_template, 1-D
//     positions.
//
// A prompt gets the tokenizer's special tokens (EncodeSpecial) as
// ProcessorMixin.apply_chat_template adds them: unless the rendered prompt
// already starts with tokenizer_config.json's bos_token.
//
// It only composes the front-end packages (checkpoint, tokenizer,
// chattemplate, imageproc, mrope); each of those is checked against the
// golden data on its own, and this package's tests check the whole chain.
package processor
