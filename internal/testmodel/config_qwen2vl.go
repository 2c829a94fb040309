package testmodel

// qwen2VLConfig is a Qwen2VLConfig or Qwen2_5_VLConfig as transformers 4.57
// saves it (the golden qwen2_vl_basic and qwen2_5_vl_basic files): text
// and vision settings nested, token ids and tie_word_embeddings at the top
// level. The decoder has no head_dim (it is hidden_size /
// num_attention_heads) and no sliding window; max_window_layers is the
// class default.
func qwen2VLConfig(p *Plan) map[string]any {
	t, v := p.Text, p.Vision
	layerTypes := make([]string, t.NumLayers)
	for i := range layerTypes {
		layerTypes[i] = "full_attention"
	}
	arch, modelType := "Qwen2VLForConditionalGeneration", "qwen2_vl"
	if p.Family == FamilyQwen25VL {
		arch, modelType = "Qwen2_5_VLForConditionalGeneration", "qwen2_5_vl"
	}
	text := map[string]any{
		"architectures":           []string{arch},
		"attention_dropout":       pyFloat(0),
		"bos_token_id":            p.Tokens.EndOfText,
		"eos_token_id":            p.Tokens.IMEnd,
		"hidden_act":              "silu",
		"hidden_size":             t.HiddenSize,
		"initializer_range":       pyFloat(0.02),
		"intermediate_size":       t.IntermediateSize,
		"layer_types":             layerTypes,
		"max_position_embeddings": t.MaxPositionEmbeddings,
		"max_window_layers":       80,
		"model_type":              modelType + "_text",
		"num_attention_heads":     t.NumHeads,
		"num_hidden_layers":       t.NumLayers,
		"num_key_value_heads":     t.NumKVHeads,
		"rms_norm_eps":            pyFloat(t.RMSNormEps),
		"rope_scaling": map[string]any{
			"mrope_section": t.MRopeSection,
			"rope_type":     "default",
			"type":          "default",
		},
		"rope_theta":         pyFloat(t.RopeTheta),
		"sliding_window":     nil,
		"use_cache":          true,
		"use_sliding_window": false,
		"vocab_size":         t.VocabSize,
	}
	vision := map[string]any{
		"depth":               v.Depth,
		"in_channels":         v.InChannels,
		"initializer_range":   pyFloat(0.02),
		"model_type":          modelType,
		"num_heads":           v.NumHeads,
		"patch_size":          v.PatchSize,
		"spatial_merge_size":  v.SpatialMergeSize,
		"temporal_patch_size": v.TemporalPatchSize,
	}
	if p.Family == FamilyQwen25VL {
		vision["fullatt_block_indexes"] = v.FullAttBlockIndexes
		vision["hidden_act"] = "silu"
		vision["hidden_size"] = v.HiddenSize
		vision["intermediate_size"] = v.IntermediateSize
		vision["out_hidden_size"] = v.OutHiddenSize
		vision["tokens_per_second"] = v.TokensPerSecond
		vision["window_size"] = v.WindowSize
	} else {
		// Qwen2-VL names the tower's width embed_dim, its MLP's width a
		// ratio of it, and the merger's output hidden_size.
		vision["embed_dim"] = v.HiddenSize
		vision["hidden_act"] = "quick_gelu"
		vision["hidden_size"] = v.OutHiddenSize
		vision["mlp_ratio"] = v.IntermediateSize / v.HiddenSize
	}
	return map[string]any{
		"bos_token_id":          p.Tokens.EndOfText,
		"dtype":                 p.DType,
		"eos_token_id":          p.Tokens.IMEnd,
		"image_token_id":        p.Tokens.ImagePad,
		"model_type":            modelType,
		"text_config":           text,
		"tie_word_embeddings":   t.TieWordEmbeddings,
		"transformers_version":  transformersVersion,
		"video_token_id":        p.Tokens.VideoPad,
		"vision_config":         vision,
		"vision_end_token_id":   p.Tokens.VisionEnd,
		"vision_start_token_id": p.Tokens.VisionStart,
	}
}

// clipMean and clipStd are the image normalization of the Qwen2-VL and
// Qwen2.5-VL processors (OpenAI CLIP's).
func clipMean() []pyFloat { return []pyFloat{0.48145466, 0.4578275, 0.40821073} }
func clipStd() []pyFloat  { return []pyFloat{0.26862954, 0.26130258, 0.27577711} }

// qwen2VLPreprocessorConfigJSON returns preprocessor_config.json in the
// published Qwen2-VL / Qwen2.5-VL layout: min_pixels and max_pixels, no
// size.
func qwen2VLPreprocessorConfigJSON(p *Plan) ([]byte, error) {
	v, b := p.Vision, p.Image
	processor := "Qwen2VLProcessor"
	if p.Family == FamilyQwen25VL {
		processor = "Qwen2_5_VLProcessor"
	}
	return encodeIndented(object{
		{"min_pixels", b.MinPixels},
		{"max_pixels", b.MaxPixels},
		{"patch_size", v.PatchSize},
		{"temporal_patch_size", v.TemporalPatchSize},
		{"merge_size", v.SpatialMergeSize},
		{"image_mean", clipMean()},
		{"image_std", clipStd()},
		{"image_processor_type", "Qwen2VLImageProcessor"},
		{"processor_class", processor},
	}, "  ", true)
}
