package checkpoint

import "slices"

// parseText reads the decoder's fields from text (text_config, or the top
// level for text families and the flat VL layout). It sets
// c.Text, c.headDimDerived and c.ropePath.
func (c *Config) parseText(text *object) {
	d := textDefaultsFor(c.Family)
	t := TextConfig{
		VocabSize:             text.int("vocab_size", d.vocab),
		HiddenSize:            text.int("hidden_size", d.hidden),
		IntermediateSize:      text.int("intermediate_size", d.intermediate),
		NumLayers:             text.int("num_hidden_layers", d.layers),
		NumHeads:              text.int("num_attention_heads", d.heads),
		RMSNormEps:            text.float("rms_norm_eps", d.rmsNormEps),
		HiddenAct:             text.str("hidden_act", "silu"),
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
	case d.headDim != 0: // Qwen3 classes default head_dim to 128
		t.HeadDim = d.headDim
	default: // Qwen2 attention: hidden_size // num_attention_heads
		c.headDimDerived = true
		if t.NumHeads > 0 {
			t.HeadDim = t.HiddenSize / t.NumHeads
		}
	}

	// Qwen2, Qwen2-VL and Qwen2.5-VL attention hard-code bias=True for
	// q/k/v and bias=False for o_proj; Qwen3 and Qwen3-VL use
	// attention_bias (default false) for all four and add q_norm/k_norm.
	if c.Family.isQwen3() {
		t.AttentionBias = text.boolean("attention_bias", false)
		t.OProjBias = t.AttentionBias
		t.QKNorm = true
	} else {
		t.AttentionBias = true
	}

	c.parseRope(text, d, &t)
	c.parseLayerTypes(text, d, &t)
	c.Text = t
}

// parseRope reads rope_theta and the mRoPE settings from rope_scaling
// (transformers 4.x) or rope_parameters (5.x, which also holds
// rope_theta).
func (c *Config) parseRope(text *object, d textDefaults, t *TextConfig) {
	rope, ok := text.sub("rope_scaling")
	c.ropePath = text.path + "rope_scaling."
	if !ok {
		if rope, ok = text.sub("rope_parameters"); ok {
			c.ropePath = text.path + "rope_parameters."
		}
	}
	t.RopeTheta = d.ropeTheta
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
	}
	if t.RopeType == "mrope" { // Qwen2-VL's old spelling of default RoPE with mRoPE
		t.RopeType = "default"
	}
	if !c.Family.HasVision() {
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

// parseLayerTypes reads layer_types, or derives it as the Qwen2 and Qwen3
// classes do: with use_sliding_window, layers from max_window_layers on
// use sliding attention. Qwen3-VL has no sliding window.
func (c *Config) parseLayerTypes(text *object, d textDefaults, t *TextConfig) {
	useSliding := c.Family != Qwen3VL && text.boolean("use_sliding_window", false)
	if useSliding {
		t.SlidingWindow = text.int("sliding_window", d.slidingWindow)
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
