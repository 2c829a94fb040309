package testmodel

// llavaConfig is a LlavaConfig as transformers 4.57 saves it (the golden
// llava_basic config.json): a Llama text_config, a CLIP vision_config and
// the projector's settings at the top level.
func llavaConfig(p *Plan) map[string]any {
	t, v := p.Text, p.Vision
	tok := familyTokens(p.Family)
	text := map[string]any{
		"attention_bias":          false,
		"attention_dropout":       pyFloat(0),
		"head_dim":                t.HeadDim,
		"hidden_act":              "silu",
		"hidden_size":             t.HiddenSize,
		"initializer_range":       pyFloat(0.02),
		"intermediate_size":       t.IntermediateSize,
		"max_position_embeddings": t.MaxPositionEmbeddings,
		"mlp_bias":                false,
		"model_type":              "llama",
		"num_attention_heads":     t.NumHeads,
		"num_hidden_layers":       t.NumLayers,
		"num_key_value_heads":     t.NumKVHeads,
		"pad_token_id":            tok.pad,
		"pretraining_tp":          1,
		"rms_norm_eps":            pyFloat(t.RMSNormEps),
		"rope_scaling":            nil,
		"rope_theta":              pyFloat(t.RopeTheta),
		"use_cache":               true,
		"vocab_size":              t.VocabSize,
	}
	vision := map[string]any{
		"attention_dropout":   pyFloat(0),
		"hidden_act":          "quick_gelu",
		"hidden_size":         v.HiddenSize,
		"image_size":          v.ImageSize,
		"initializer_factor":  pyFloat(1),
		"initializer_range":   pyFloat(0.02),
		"intermediate_size":   v.IntermediateSize,
		"layer_norm_eps":      pyFloat(v.LayerNormEps),
		"model_type":          "clip_vision_model",
		"num_attention_heads": v.NumHeads,
		"num_channels":        v.InChannels,
		"num_hidden_layers":   v.Depth,
		"patch_size":          v.PatchSize,
		"projection_dim":      v.ProjectionDim,
	}
	return map[string]any{
		"architectures":                  []string{"LlavaForConditionalGeneration"},
		"dtype":                          p.DType,
		"image_seq_length":               v.TokensPerImage,
		"image_token_index":              tok.image,
		"model_type":                     "llava",
		"multimodal_projector_bias":      true,
		"pad_token_id":                   tok.pad,
		"projector_hidden_act":           "gelu",
		"text_config":                    text,
		"tie_word_embeddings":            t.TieWordEmbeddings,
		"transformers_version":           transformersVersion,
		"vision_config":                  vision,
		"vision_feature_layer":           -2,
		"vision_feature_select_strategy": "default",
	}
}

// gemma3Config is a Gemma3Config as transformers 4.57 saves it (the golden
// gemma3_basic config.json): layer_types written out, with the private
// _sliding_window_pattern default beside them, no soft caps, token ids at
// the top level.
func gemma3Config(p *Plan) map[string]any {
	t, v := p.Text, p.Vision
	tok := familyTokens(p.Family)
	text := map[string]any{
		"_sliding_window_pattern":     6,
		"attention_bias":              false,
		"attention_dropout":           pyFloat(0),
		"attn_logit_softcapping":      nil,
		"eos_token_id":                tok.eos,
		"final_logit_softcapping":     nil,
		"head_dim":                    t.HeadDim,
		"hidden_activation":           "gelu_pytorch_tanh",
		"hidden_size":                 t.HiddenSize,
		"initializer_range":           pyFloat(0.02),
		"intermediate_size":           t.IntermediateSize,
		"layer_types":                 t.LayerTypes(),
		"max_position_embeddings":     t.MaxPositionEmbeddings,
		"model_type":                  "gemma3_text",
		"num_attention_heads":         t.NumHeads,
		"num_hidden_layers":           t.NumLayers,
		"num_key_value_heads":         t.NumKVHeads,
		"query_pre_attn_scalar":       t.QueryPreAttnScalar,
		"rms_norm_eps":                pyFloat(t.RMSNormEps),
		"rope_local_base_freq":        pyFloat(t.RopeLocalTheta),
		"rope_scaling":                object{{"factor", pyFloat(t.RopeLinearFactor)}, {"rope_type", "linear"}},
		"rope_theta":                  pyFloat(t.RopeTheta),
		"sliding_window":              t.SlidingWindow,
		"use_bidirectional_attention": false,
		"use_cache":                   true,
		"vocab_size":                  t.VocabSize,
	}
	vision := map[string]any{
		"attention_dropout":   pyFloat(0),
		"hidden_act":          "gelu_pytorch_tanh",
		"hidden_size":         v.HiddenSize,
		"image_size":          v.ImageSize,
		"intermediate_size":   v.IntermediateSize,
		"layer_norm_eps":      pyFloat(v.LayerNormEps),
		"model_type":          "siglip_vision_model",
		"num_attention_heads": v.NumHeads,
		"num_channels":        v.InChannels,
		"num_hidden_layers":   v.Depth,
		"patch_size":          v.PatchSize,
		"vision_use_head":     false,
	}
	return map[string]any{
		"architectures":        []string{"Gemma3ForConditionalGeneration"},
		"boi_token_index":      tok.boi,
		"dtype":                p.DType,
		"eoi_token_index":      tok.eoi,
		"eos_token_id":         tok.eos,
		"image_token_index":    tok.image,
		"initializer_range":    pyFloat(0.02),
		"mm_tokens_per_image":  v.TokensPerImage,
		"model_type":           "gemma3",
		"text_config":          text,
		"transformers_version": transformersVersion,
		"vision_config":        vision,
	}
}

// vitGenerationConfigJSON is the LLaVA or Gemma 3 generation_config.json:
// greedy decoding that stops at the tokenizer's end tokens.
func vitGenerationConfigJSON(p *Plan) ([]byte, error) {
	tok := familyTokens(p.Family)
	var eos any = tok.eos
	if len(tok.eos) == 1 {
		eos = tok.eos[0]
	}
	return encodeIndented(map[string]any{
		"bos_token_id":         tok.bos,
		"eos_token_id":         eos,
		"pad_token_id":         tok.pad,
		"transformers_version": transformersVersion,
	}, "  ", true)
}

// vitPreprocessorConfigJSON is the image processor's file as the published
// checkpoints lay it out: llava-hf's CLIPImageProcessor (shortest edge and
// center crop at the tower's image size, bicubic, CLIP mean and std) or
// Gemma 3's Gemma3ImageProcessor (a fixed square, bilinear, mean and std
// 0.5, pan-and-scan unset).
func vitPreprocessorConfigJSON(p *Plan) ([]byte, error) {
	v := p.Vision
	rescale := pyFloat(1.0 / 255)
	if p.Family == FamilyGemma3 {
		return encodeIndented(map[string]any{
			"do_convert_rgb":                     nil,
			"do_normalize":                       true,
			"do_pan_and_scan":                    nil,
			"do_rescale":                         true,
			"do_resize":                          true,
			"image_mean":                         halves(),
			"image_processor_type":               "Gemma3ImageProcessor",
			"image_seq_length":                   v.TokensPerImage,
			"image_std":                          halves(),
			"pan_and_scan_max_num_crops":         nil,
			"pan_and_scan_min_crop_size":         nil,
			"pan_and_scan_min_ratio_to_activate": nil,
			"processor_class":                    "Gemma3Processor",
			"resample":                           2,
			"rescale_factor":                     rescale,
			"size":                               map[string]any{"height": v.ImageSize, "width": v.ImageSize},
		}, "  ", true)
	}
	return encodeIndented(map[string]any{
		"crop_size":            map[string]any{"height": v.ImageSize, "width": v.ImageSize},
		"do_center_crop":       true,
		"do_convert_rgb":       true,
		"do_normalize":         true,
		"do_rescale":           true,
		"do_resize":            true,
		"image_mean":           clipMean(),
		"image_processor_type": "CLIPImageProcessor",
		"image_std":            clipStd(),
		"processor_class":      "LlavaProcessor",
		"resample":             3,
		"rescale_factor":       rescale,
		"size":                 map[string]any{"shortest_edge": v.ImageSize},
	}, "  ", true)
}

// vitProcessorConfigJSON is processor_config.json: LlavaProcessor's image
// token expansion settings, or Gemma3Processor's image_seq_length.
func vitProcessorConfigJSON(p *Plan) ([]byte, error) {
	if p.Family == FamilyGemma3 {
		return encodeIndented(map[string]any{
			"image_seq_length": p.Vision.TokensPerImage,
			"processor_class":  "Gemma3Processor",
		}, "  ", true)
	}
	return encodeIndented(map[string]any{
		"image_token":                    "<image>",
		"num_additional_image_tokens":    1,
		"patch_size":                     p.Vision.PatchSize,
		"processor_class":                "LlavaProcessor",
		"vision_feature_select_strategy": "default",
	}, "  ", true)
}

// vitFamilyFiles are a LLaVA or Gemma 3 checkpoint's configuration files
// and its embedded tokenizer and template files.
func vitFamilyFiles(p *Plan) ([]file, error) {
	files, err := embeddedFiles(p.Family)
	if err != nil {
		return nil, err
	}
	config := llavaConfig
	if p.Family == FamilyGemma3 {
		config = gemma3Config
	}
	for _, e := range []struct {
		name   string
		encode func() ([]byte, error)
	}{
		{"config.json", func() ([]byte, error) { return encodeIndented(config(p), "  ", true) }},
		{"generation_config.json", func() ([]byte, error) { return vitGenerationConfigJSON(p) }},
		{"preprocessor_config.json", func() ([]byte, error) { return vitPreprocessorConfigJSON(p) }},
		{"processor_config.json", func() ([]byte, error) { return vitProcessorConfigJSON(p) }},
	} {
		data, err := e.encode()
		if err != nil {
			return nil, err
		}
		files = append(files, file{e.name, data})
	}
	return files, nil
}
