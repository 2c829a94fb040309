package testmodel

// transformersVersion is the version the generated files claim to be
// written by: the one that wrote the golden checkpoints, whose layout these
// files mirror.
const transformersVersion = "4.57.6"

// configJSON returns config.json for the plan's family, keys sorted as
// transformers' save_pretrained writes them.
func configJSON(p *Plan) ([]byte, error) {
	switch p.Family {
	case FamilyQwen3:
		return encodeIndented(qwen3Config(p), "  ", true)
	case FamilyQwen2VL, FamilyQwen25VL:
		return encodeIndented(qwen2VLConfig(p), "  ", true)
	}
	return encodeIndented(qwen3VLConfig(p), "  ", true)
}

// qwen3VLConfig is a Qwen3VLConfig as transformers 4.57 saves it: text and
// vision settings nested, token ids at the top level, bos/eos in
// text_config.
func qwen3VLConfig(p *Plan) map[string]any {
	t, v := p.Text, p.Vision
	text := map[string]any{
		"attention_bias":          false,
		"attention_dropout":       pyFloat(0),
		"bos_token_id":            p.Tokens.EndOfText,
		"eos_token_id":            p.Tokens.IMEnd,
		"head_dim":                t.HeadDim,
		"hidden_act":              "silu",
		"hidden_size":             t.HiddenSize,
		"initializer_range":       pyFloat(0.02),
		"intermediate_size":       t.IntermediateSize,
		"max_position_embeddings": t.MaxPositionEmbeddings,
		"model_type":              "qwen3_vl_text",
		"num_attention_heads":     t.NumHeads,
		"num_hidden_layers":       t.NumLayers,
		"num_key_value_heads":     t.NumKVHeads,
		"rms_norm_eps":            pyFloat(t.RMSNormEps),
		"rope_scaling": map[string]any{
			"mrope_interleaved": true,
			"mrope_section":     t.MRopeSection,
			"rope_type":         "default",
		},
		"rope_theta": pyFloat(t.RopeTheta),
		"use_cache":  true,
		"vocab_size": t.VocabSize,
	}
	vision := map[string]any{
		"deepstack_visual_indexes": v.DeepstackVisualIndexes,
		"depth":                    v.Depth,
		"hidden_act":               "gelu_pytorch_tanh",
		"hidden_size":              v.HiddenSize,
		"in_channels":              v.InChannels,
		"initializer_range":        pyFloat(0.02),
		"intermediate_size":        v.IntermediateSize,
		"model_type":               "qwen3_vl",
		"num_heads":                v.NumHeads,
		"num_position_embeddings":  v.NumPositionEmbeddings,
		"out_hidden_size":          v.OutHiddenSize,
		"patch_size":               v.PatchSize,
		"spatial_merge_size":       v.SpatialMergeSize,
		"temporal_patch_size":      v.TemporalPatchSize,
	}
	return map[string]any{
		"architectures":         []string{"Qwen3VLForConditionalGeneration"},
		"dtype":                 p.DType,
		"image_token_id":        p.Tokens.ImagePad,
		"model_type":            "qwen3_vl",
		"text_config":           text,
		"tie_word_embeddings":   t.TieWordEmbeddings,
		"transformers_version":  transformersVersion,
		"video_token_id":        p.Tokens.VideoPad,
		"vision_config":         vision,
		"vision_end_token_id":   p.Tokens.VisionEnd,
		"vision_start_token_id": p.Tokens.VisionStart,
	}
}

// qwen3Config is a Qwen3Config as transformers 4.57 saves it (flat, plain
// RoPE, one full-attention layer type per layer).
func qwen3Config(p *Plan) map[string]any {
	t := p.Text
	layerTypes := make([]string, t.NumLayers)
	for i := range layerTypes {
		layerTypes[i] = "full_attention"
	}
	return map[string]any{
		"architectures":           []string{"Qwen3ForCausalLM"},
		"attention_bias":          false,
		"attention_dropout":       pyFloat(0),
		"bos_token_id":            p.Tokens.EndOfText,
		"dtype":                   p.DType,
		"eos_token_id":            p.Tokens.IMEnd,
		"head_dim":                t.HeadDim,
		"hidden_act":              "silu",
		"hidden_size":             t.HiddenSize,
		"initializer_range":       pyFloat(0.02),
		"intermediate_size":       t.IntermediateSize,
		"layer_types":             layerTypes,
		"max_position_embeddings": t.MaxPositionEmbeddings,
		"max_window_layers":       28,
		"model_type":              "qwen3",
		"num_attention_heads":     t.NumHeads,
		"num_hidden_layers":       t.NumLayers,
		"num_key_value_heads":     t.NumKVHeads,
		"rms_norm_eps":            pyFloat(t.RMSNormEps),
		"rope_scaling":            nil,
		"rope_theta":              pyFloat(t.RopeTheta),
		"sliding_window":          nil,
		"tie_word_embeddings":     t.TieWordEmbeddings,
		"transformers_version":    transformersVersion,
		"use_cache":               true,
		"use_sliding_window":      false,
		"vocab_size":              t.VocabSize,
	}
}

// generationConfigJSON returns generation_config.json: greedy decoding
// that stops at <|im_end|> or <|endoftext|>.
func generationConfigJSON(p *Plan) ([]byte, error) {
	return encodeIndented(map[string]any{
		"bos_token_id":         p.Tokens.EndOfText,
		"eos_token_id":         []int{p.Tokens.IMEnd, p.Tokens.EndOfText},
		"pad_token_id":         p.Tokens.EndOfText,
		"transformers_version": transformersVersion,
	}, "  ", true)
}

// halves is the image mean and standard deviation of Qwen3-VL's processor.
func halves() []pyFloat { return []pyFloat{0.5, 0.5, 0.5} }

// preprocessorConfigJSON returns preprocessor_config.json in the golden
// Qwen3-VL layout: size {longest_edge, shortest_edge} and the same bounds
// as min_pixels/max_pixels.
func preprocessorConfigJSON(p *Plan) ([]byte, error) {
	v, b := p.Vision, p.Image
	return encodeIndented(object{
		{"size", object{{"longest_edge", b.MaxPixels}, {"shortest_edge", b.MinPixels}}},
		{"min_pixels", b.MinPixels},
		{"max_pixels", b.MaxPixels},
		{"patch_size", v.PatchSize},
		{"temporal_patch_size", v.TemporalPatchSize},
		{"merge_size", v.SpatialMergeSize},
		{"image_mean", halves()},
		{"image_std", halves()},
		{"processor_class", "Qwen3VLProcessor"},
		{"image_processor_type", "Qwen2VLImageProcessorFast"},
	}, "  ", true)
}

// videoPreprocessorConfigJSON returns video_preprocessor_config.json as the
// real Qwen3-VL file has it (its pixel bounds are the real ones).
func videoPreprocessorConfigJSON(p *Plan) ([]byte, error) {
	v := p.Vision
	return encodeIndented(object{
		{"size", object{{"longest_edge", 25165824}, {"shortest_edge", 4096}}},
		{"patch_size", v.PatchSize},
		{"temporal_patch_size", v.TemporalPatchSize},
		{"merge_size", v.SpatialMergeSize},
		{"image_mean", halves()},
		{"image_std", halves()},
		{"processor_class", "Qwen3VLProcessor"},
		{"video_processor_type", "Qwen3VLVideoProcessor"},
	}, "    ", true)
}

// chatTemplateJSON returns chat_template.json holding template, as the
// processor saves it.
func chatTemplateJSON(template string) ([]byte, error) {
	return encodeIndented(object{{"chat_template", template}}, "    ", true)
}
