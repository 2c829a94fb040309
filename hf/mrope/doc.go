// Package mrope computes the 3-D multimodal rotary position ids (MRoPE) of
// Qwen2-VL, Qwen2.5-VL and Qwen3-VL prompts exactly as Hugging Face
// transformers' get_rope_index does (transformers 4.57.6 and 5.2.0, which
// agree), and where each image token sits in its image's merged-token grid.
//
// A prompt is walked block by block. Text tokens get consecutive ids, the
// same on the temporal, height and width rows. Each image block — the
// <|image_pad|> tokens right after a <|vision_start|> — gets ids offset
// from the value after the preceding text: temporal = start + frame, height
// = start + row, width = start + column over the merged grid (T, H/merge,
// W/merge), in frame-major, then row-major order. Text after an image starts
// again at the largest id so far plus one. The rope delta, max + 1 − length,
// gives every token appended later (greedy decoding) the id cache_position +
// delta on all three rows, which Extend implements.
//
// Family matters only for an image with more than one frame (still images
// always have T = 1): Qwen2.5-VL scales the temporal index by the image's
// second_per_grid_t, which is 0 for images, so all its frames share the
// start value; Qwen2-VL and Qwen3-VL count frames. (transformers main of
// 2026-03 changed Qwen2.5-VL's image temporal id; this package follows
// 4.57.6/5.2.0.) Videos are not supported: a video token gives
// ErrVideoUnsupported.
//
// Calls go one way: the front end calls PositionIDs and ImageTokenLayout
// once per prompt (and Extend per decoding step); this package calls no
// other vlmask package and holds no state.
package mrope
