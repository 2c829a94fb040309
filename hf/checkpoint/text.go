package checkpoint

import "slices"

// parseText reads the decoder's fields from text (text_config, or the top
// level for text families and the flat VL layout). It sets
// c.Text, c.headDimDerived and c.ropePath.
func (c *Config) parseText(text *object) {
	d := textDefaultsFor(c.Family)
	actKey := "hidden_act"
	if c.Family == Gemma3 { // Gemma3TextConfig's name for it
		actKey = "hidden_activation"
	}
	t := TextConfig{
		VocabSize:             text.int("vocab_size", d.vocab),
		HiddenSize:            text.int("hidden_size", d.hidden),
		IntermediateSize:      text.int("intermediate_size", d.intermediate),
		NumLayers:             text.int("num_hidden_layers", d.layers),
		NumHeads:              text.int("num_attention_heads", d.heads),
		RMSNormEps:            text.float("rms_norm_eps", d.rmsNormEps),
		HiddenAct:             text.str(actKey, d.hiddenAct),
		MaxPositionEmbeddings: text.int("max_position_embeddings", d.maxPositions),
	}
	// An absent num_key_value_heads takes the class default; an explicit
	// null means num_attention_heads, as every class's "backward
	// compatibility" branch does.
	t.NumKVHeads = text.int("num_key_value_heads", d.kvHeads)
	if _, present := text.fields["num_key_value_heads"]; present && !text.has("num_key_value_heads") {
		t.NumKVHeads = t.NumHeads
	}

	switch {
	case text.has("head_dim"):
		t.HeadDim = text.int("head_dim", 0)
	case d.headDim != 0: // Qwen3 and Gemma 3 classes give head_dim a default
		t.HeadDim = d.headDim
	default: // Qwen2 and Llama attention: hidden_size // num_attention_heads
		c.headDimDerived = true
		if t.NumHeads > 0 {
			t.HeadDim = t.HiddenSize / t.NumHeads
		}
	}

	// Qwen2, Qwen2-VL and Qwen2.5-VL attention hard-code bias=True for
	// q/k/v and bias=False for o_proj; Qwen3, Qwen3-VL, Llama and Gemma 3
	// use attention_bias (default false) for all four; Llama adds mlp_bias,
	// and Qwen3 and Gemma 3 q_norm/k_norm.
	switch {
	case c.Family == Qwen2 || c.Family == Qwen2VL || c.Family == Qwen25VL:
		t.AttentionBias = true
	default:
		t.AttentionBias = text.boolean("attention_bias", false)
		t.OProjBias = t.AttentionBias
		t.QKNorm = c.Family.isQwen3() || c.Family == Gemma3
	}
	if c.Family == Llava {
		t.MLPBias = text.boolean("mlp_bias", false)
	}

	c.parseRope(text, d, &t)
	c.parseLayerTypes(text, d, &t)
	if c.Family == Gemma3 {
		parseGemma3Text(text, d, &t)
	}
	c.Text = t
}

// parseRope reads rope_theta, the scaling and the mRoPE settings from
// rope_scaling (transformers 4.x) or rope_parameters (5.x, which also holds
// rope_theta, and for Gemma 3 one entry per layer type).
func (c *Config) parseRope(text *object, d textDefaults, t *TextConfig) {
	rope, ok := text.sub("rope_scaling")
	c.ropePath = text.path + "rope_scaling."
	if !ok {
		if rope, ok = text.sub("rope_parameters"); ok {
			c.ropePath = text.path + "rope_parameters."
		}
	}
	t.RopeTheta = d.ropeTheta
	t.RopeLocalTheta = d.ropeLocalTheta
	if c.Family == Gemma3 {
		t.RopeLocalTheta = text.float("rope_local_base_freq", d.ropeLocalTheta)
		if ok && rope.has("full_attention") { // 5.x: {"full_attention": {...}, "sliding_attention": {...}}
			if local, found := rope.sub("sliding_attention"); found {
				t.RopeLocalTheta = local.float("rope_theta", t.RopeLocalTheta)
			}
			rope, _ = rope.sub("full_attention")
			c.ropePath = rope.path
		}
	}
	switch {
	case text.has("rope_theta"):
		t.RopeTheta = text.float("rope_theta", d.ropeTheta)
	case ok && rope.has("rope_theta"):
		t.RopeTheta = rope.float("rope_theta", d.ropeTheta)
	}
	t.RopeType = "default"
	if ok {
		// transformers 4.x copies the legacy "type" over "rope_type".
		if rope.has("type") {
			t.RopeType = rope.str("type", "default")
		} else {
			t.RopeType = rope.str("rope_type", "default")
		}
		t.RopeScaling = RopeScaling{
			Factor:                        rope.float("factor", 0),
			LowFreqFactor:                 rope.float("low_freq_factor", 0),
			HighFreqFactor:                rope.float("high_freq_factor", 0),
			OriginalMaxPositionEmbeddings: rope.int("original_max_position_embeddings", 0),
		}
	}
	if t.RopeType == "mrope" { // Qwen2-VL's old spelling of default RoPE with mRoPE
		t.RopeType = "default"
	}
	if !c.Family.UsesMRoPE() {
		return
	}
	if ok {
		t.MRopeSection = rope.ints("mrope_section", d.mropeSection)
	} else {
		t.MRopeSection = slices.Clone(d.mropeSection)
	}
	// Qwen3VLTextRotaryEmbedding interleaves the sections whatever
	// mrope_interleaved says; the Qwen2 VL families never do.
	t.MRopeInterleaved = c.Family == Qwen3VL
}

// parseLayerTypes reads layer_types, or derives it as the classes do: for
// the Qwen2 and Qwen3 ones, with use_sliding_window, layers from
// max_window_layers on use sliding attention; Qwen3-VL and Llama have no
// sliding window; Gemma 3 always has one and follows sliding_window_pattern.
func (c *Config) parseLayerTypes(text *object, d textDefaults, t *TextConfig) {
	useSliding := false
	switch c.Family {
	case Llava, Qwen3VL:
	case Gemma3:
		t.SlidingWindow = text.int("sliding_window", d.slidingWindow)
		if t.UseBidirectionalAttention = text.boolean("use_bidirectional_attention", false); t.UseBidirectionalAttention {
			t.SlidingWindow = t.SlidingWindow/2 + 1
		}
		if text.has("layer_types") {
			t.LayerTypes = text.strs("layer_types")
			return
		}
		pattern := text.int("sliding_window_pattern", d.slidingWindowPattern)
		t.LayerTypes = make([]string, max(t.NumLayers, 0))
		for i := range t.LayerTypes {
			t.LayerTypes[i] = "sliding_attention"
			if pattern > 0 && (i+1)%pattern == 0 {
				t.LayerTypes[i] = "full_attention"
			}
		}
		return
	default:
		if useSliding = text.boolean("use_sliding_window", false); useSliding {
			t.SlidingWindow = text.int("sliding_window", d.slidingWindow)
		}
	}
	if text.has("layer_types") {
		t.LayerTypes = text.strs("layer_types")
		return
	}
	maxWindowLayers := text.int("max_window_layers", d.maxWindowLayers)
	t.LayerTypes = make([]string, max(t.NumLayers, 0))
	for i := range t.LayerTypes {
		t.LayerTypes[i] = "full_attention"
		if useSliding && i >= maxWindowLayers {
			t.LayerTypes[i] = "sliding_attention"
		}
	}
}

// parseGemma3Text reads the Gemma 3 decoder's own fields.
func parseGemma3Text(text *object, d textDefaults, t *TextConfig) {
	t.QueryPreAttnScalar = text.float("query_pre_attn_scalar", d.queryPreAttnScalar)
	t.FinalLogitSoftcapping = text.float("final_logit_softcapping", 0)
	t.AttnLogitSoftcapping = text.float("attn_logit_softcapping", 0)
}
