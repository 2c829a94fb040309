// Package processor is vlmask's equivalent of a Hugging Face processor: it
// turns chat messages and image files into exactly the model input
// transformers would build — the rendered chat template, input_ids with each
// <|image_pad|> expanded to its image's token count, pixel_values,
// image_grid_thw and the 3-D MRoPE position ids — plus the per-position
// token table (text, modality, image grid row and column) that masking
// strategies and the output rows read.
//
// It only composes the front-end packages (checkpoint, tokenizer,
// chattemplate, imageproc, mrope); each of those is checked against the
// golden data on its own, and this package's tests check the whole chain.
package processor
