package checkpoint

// parseVision reads vision_config (v is nil when absent: all defaults).
func (c *Config) parseVision(v *object) {
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
