package checkpoint

// parseVision reads vision_config (v is nil when absent: all defaults).
func (c *Config) parseVision(v *object) {
	if c.Family == Llava || c.Family == Gemma3 {
		c.parseViT(v)
		return
	}
	vc := visionDefaultsFor(c.Family)
	if v == nil {
		c.Vision = &vc
		return
	}
	vc.Depth = v.int("depth", vc.Depth)
	vc.NumHeads = v.int("num_heads", vc.NumHeads)
	vc.PatchSize = v.int("patch_size", vc.PatchSize)
	vc.TemporalPatchSize = v.int("temporal_patch_size", vc.TemporalPatchSize)
	vc.SpatialMergeSize = v.int("spatial_merge_size", vc.SpatialMergeSize)
	vc.HiddenAct = v.str("hidden_act", vc.HiddenAct)
	// The published Qwen2-VL configs spell it in_chans (which transformers
	// ignores, keeping its default of 3).
	vc.InChannels = v.int("in_channels", v.int("in_chans", vc.InChannels))

	switch c.Family {
	case Qwen2VL:
		// embed_dim is the tower's width; hidden_size is the merger's
		// output; the MLP is embed_dim × mlp_ratio wide.
		vc.EmbedDim = v.int("embed_dim", vc.EmbedDim)
		vc.MLPRatio = v.float("mlp_ratio", vc.MLPRatio)
		vc.HiddenSize = vc.EmbedDim
		vc.IntermediateSize = int(float64(vc.EmbedDim) * vc.MLPRatio)
		vc.OutHiddenSize = v.int("hidden_size", vc.OutHiddenSize)
	case Qwen25VL:
		vc.HiddenSize = v.int("hidden_size", vc.HiddenSize)
		vc.IntermediateSize = v.int("intermediate_size", vc.IntermediateSize)
		vc.OutHiddenSize = v.int("out_hidden_size", vc.OutHiddenSize)
		vc.WindowSize = v.int("window_size", vc.WindowSize)
		vc.FullAttBlockIndexes = v.ints("fullatt_block_indexes", vc.FullAttBlockIndexes)
		vc.TokensPerSecond = v.float("tokens_per_second", vc.TokensPerSecond)
	case Qwen3VL:
		vc.HiddenSize = v.int("hidden_size", vc.HiddenSize)
		vc.IntermediateSize = v.int("intermediate_size", vc.IntermediateSize)
		vc.OutHiddenSize = v.int("out_hidden_size", vc.OutHiddenSize)
		vc.NumPositionEmbeddings = v.int("num_position_embeddings", vc.NumPositionEmbeddings)
		vc.DeepstackVisualIndexes = v.ints("deepstack_visual_indexes", vc.DeepstackVisualIndexes)
	}
	c.Vision = &vc
}

// parseViT reads the CLIP (LLaVA) or SigLIP (Gemma 3) tower's config. Its
// output goes through the projector, so OutHiddenSize is the decoder's
// hidden size.
func (c *Config) parseViT(v *object) {
	vc := visionDefaultsFor(c.Family)
	if v == nil && c.Family == Llava { // LlavaConfig's own default tower: CLIP ViT-L/14-336
		vc.Depth, vc.HiddenSize, vc.IntermediateSize, vc.NumHeads, vc.PatchSize, vc.ImageSize = 24, 1024, 4096, 16, 14, 336
	}
	if v != nil {
		vc.ModelType = v.str("model_type", vc.ModelType)
		vc.Depth = v.int("num_hidden_layers", vc.Depth)
		vc.HiddenSize = v.int("hidden_size", vc.HiddenSize)
		vc.IntermediateSize = v.int("intermediate_size", vc.IntermediateSize)
		vc.NumHeads = v.int("num_attention_heads", vc.NumHeads)
		vc.PatchSize = v.int("patch_size", vc.PatchSize)
		vc.ImageSize = v.int("image_size", vc.ImageSize)
		vc.InChannels = v.int("num_channels", vc.InChannels)
		vc.HiddenAct = v.str("hidden_act", vc.HiddenAct)
		vc.LayerNormEps = v.float("layer_norm_eps", vc.LayerNormEps)
		if c.Family == Gemma3 {
			vc.UseHead = v.boolean("vision_use_head", vc.UseHead)
		}
	}
	vc.OutHiddenSize = c.Text.HiddenSize
	c.Vision = &vc
}

// parseProjector reads the top-level fields of LLaVA's and Gemma 3's
// projector and image tokens, with their configuration classes' defaults
// (LlavaConfig, Gemma3Config in transformers 4.57).
func (c *Config) parseProjector(top *object) {
	p := &ProjectorConfig{}
	switch c.Family {
	case Llava:
		c.ImageTokenID = top.int("image_token_id", top.int("image_token_index", 32000))
		p.HiddenAct = top.str("projector_hidden_act", "gelu")
		p.Bias = top.boolean("multimodal_projector_bias", true)
		p.FeatureLayers = top.intOrInts("vision_feature_layer")
		if p.FeatureLayers == nil {
			p.FeatureLayers = []int{-2}
		}
		p.FeatureSelectStrategy = top.str("vision_feature_select_strategy", "default")
		p.TokensPerImage = top.int("image_seq_length", 576)
	case Gemma3:
		c.ImageTokenID = top.int("image_token_id", top.int("image_token_index", 262144))
		c.VisionStartTokenID = top.int("boi_token_id", top.int("boi_token_index", 255999))
		c.VisionEndTokenID = top.int("eoi_token_id", top.int("eoi_token_index", 256000))
		p.TokensPerImage = top.int("mm_tokens_per_image", 256)
	}
	c.Projector = p
}
