package checkpoint

import (
	"fmt"
	"math"
	"path/filepath"
)

// Validate checks the configuration's internal consistency: positive
// sizes, heads that divide evenly, an mRoPE section that covers head_dim/2,
// one layer type per layer, token ids inside the vocabulary, and a vision
// tower whose output fits the decoder. The error names config.json and the
// field, and matches ErrInvalidConfig.
func (c *Config) Validate() error {
	path := filepath.Join(c.Dir, ConfigFileName)
	if !c.Family.Supported() {
		return fmt.Errorf("%s: model_type %q is not supported: %w", path, c.ModelType, ErrUnsupportedModel)
	}
	for _, check := range []func() (string, string){c.checkText, c.checkRope, c.checkTokens, c.checkVision, c.checkProjector} {
		if field, problem := check(); problem != "" {
			return fmt.Errorf("%s: %s: %s: %w", path, field, problem, ErrInvalidConfig)
		}
	}
	return nil
}

// Each check returns the offending field and what is wrong with it, or two
// empty strings.

func (c *Config) checkText() (string, string) {
	t, p := &c.Text, c.textPath
	for _, f := range []struct {
		name  string
		value int
	}{
		{"vocab_size", t.VocabSize}, {"hidden_size", t.HiddenSize}, {"intermediate_size", t.IntermediateSize},
		{"num_hidden_layers", t.NumLayers}, {"num_attention_heads", t.NumHeads}, {"num_key_value_heads", t.NumKVHeads},
		{"max_position_embeddings", t.MaxPositionEmbeddings},
	} {
		if f.value <= 0 {
			return p + f.name, fmt.Sprintf("%d is not positive", f.value)
		}
	}
	if t.NumHeads%t.NumKVHeads != 0 {
		return p + "num_key_value_heads", fmt.Sprintf("%d does not divide num_attention_heads %d", t.NumKVHeads, t.NumHeads)
	}
	if c.headDimDerived && t.HiddenSize%t.NumHeads != 0 {
		return p + "num_attention_heads", fmt.Sprintf("%d does not divide hidden_size %d, and there is no head_dim", t.NumHeads, t.HiddenSize)
	}
	if t.HeadDim <= 0 || t.HeadDim%2 != 0 {
		return p + "head_dim", fmt.Sprintf("%d is not a positive even number", t.HeadDim)
	}
	if !positiveFinite(t.RMSNormEps) {
		return p + "rms_norm_eps", fmt.Sprintf("%v is not a positive number", t.RMSNormEps)
	}
	if c.Family == Gemma3 {
		if !positiveFinite(t.QueryPreAttnScalar) {
			return p + "query_pre_attn_scalar", fmt.Sprintf("%v is not a positive number", t.QueryPreAttnScalar)
		}
		for _, f := range []struct {
			name  string
			value float64
		}{{"final_logit_softcapping", t.FinalLogitSoftcapping}, {"attn_logit_softcapping", t.AttnLogitSoftcapping}} {
			if f.value < 0 || math.IsNaN(f.value) || math.IsInf(f.value, 0) {
				return p + f.name, fmt.Sprintf("%v is not null or a positive number", f.value)
			}
		}
	}
	if len(t.LayerTypes) != t.NumLayers {
		return p + "layer_types", fmt.Sprintf("%d entries for %d layers", len(t.LayerTypes), t.NumLayers)
	}
	for i, lt := range t.LayerTypes {
		switch lt {
		case "full_attention":
		case "sliding_attention":
			if t.SlidingWindow <= 0 {
				return p + "layer_types", fmt.Sprintf("layer %d uses sliding attention but use_sliding_window/sliding_window give no window", i)
			}
		default:
			return p + "layer_types", fmt.Sprintf("layer %d has type %q, want full_attention or sliding_attention", i, lt)
		}
	}
	return "", ""
}

func (c *Config) checkRope() (string, string) {
	t := &c.Text
	if !positiveFinite(t.RopeTheta) {
		return c.textPath + "rope_theta", fmt.Sprintf("%v is not a positive number", t.RopeTheta)
	}
	if c.Family == Llava || c.Family == Gemma3 {
		if t.RopeType != "default" && !positiveFinite(t.RopeScaling.Factor) {
			return c.ropePath + "factor", fmt.Sprintf("%v is not a positive number, and rope_type %q needs one", t.RopeScaling.Factor, t.RopeType)
		}
	}
	if c.Family == Gemma3 && !positiveFinite(t.RopeLocalTheta) {
		return c.textPath + "rope_local_base_freq", fmt.Sprintf("%v is not a positive number", t.RopeLocalTheta)
	}
	if !c.Family.UsesMRoPE() {
		return "", ""
	}
	field := c.ropePath + "mrope_section"
	if len(t.MRopeSection) != 3 {
		return field, fmt.Sprintf("%v: want 3 sizes (temporal, height, width)", t.MRopeSection)
	}
	sum := 0
	for _, s := range t.MRopeSection {
		if s < 0 {
			return field, fmt.Sprintf("%v has a negative size", t.MRopeSection)
		}
		sum += s
	}
	if sum != t.HeadDim/2 {
		return field, fmt.Sprintf("%v sums to %d, want head_dim/2 = %d", t.MRopeSection, sum, t.HeadDim/2)
	}
	return "", ""
}

func (c *Config) checkTokens() (string, string) {
	vocab := c.Text.VocabSize
	check := func(name string, id int) (string, string) {
		if id < -1 || id >= vocab {
			return name, fmt.Sprintf("%d is not a token id of the %d-entry vocabulary", id, vocab)
		}
		return "", ""
	}
	for _, f := range []struct {
		name string
		id   int
	}{
		{"image_token_id", c.ImageTokenID}, {"video_token_id", c.VideoTokenID},
		{"vision_start_token_id", c.VisionStartTokenID}, {"vision_end_token_id", c.VisionEndTokenID},
		{"bos_token_id", c.BOSTokenID},
	} {
		if field, problem := check(f.name, f.id); problem != "" {
			return field, problem
		}
	}
	for _, id := range c.EOSTokenIDs {
		if id < 0 {
			return "eos_token_id", fmt.Sprintf("%d is not a token id", id)
		}
		if field, problem := check("eos_token_id", id); problem != "" {
			return field, problem
		}
	}
	if c.Family.HasVision() && c.ImageTokenID < 0 {
		return "image_token_id", "missing; a vision-language model needs it"
	}
	if c.Family.UsesMRoPE() && c.VisionStartTokenID < 0 {
		return "vision_start_token_id", "missing; a vision-language model needs it"
	}
	if c.Family == Gemma3 {
		if c.VisionStartTokenID < 0 {
			return "boi_token_index", "missing; Gemma 3 needs it"
		}
		if c.VisionEndTokenID < 0 {
			return "eoi_token_index", "missing; Gemma 3 needs it"
		}
	}
	return "", ""
}

func (c *Config) checkVision() (string, string) {
	v := c.Vision
	if !c.Family.HasVision() {
		if v != nil {
			return "vision_config", fmt.Sprintf("set for the text-only family %s", c.Family)
		}
		return "", ""
	}
	if v == nil {
		return "vision_config", "missing"
	}
	if c.Family == Llava || c.Family == Gemma3 {
		return c.checkViT()
	}
	const p = "vision_config."
	hidden, out := "hidden_size", "out_hidden_size"
	if c.Family == Qwen2VL {
		hidden, out = "embed_dim", "hidden_size"
	}
	for _, f := range []struct {
		name  string
		value int
	}{
		{"depth", v.Depth}, {hidden, v.HiddenSize}, {"intermediate_size", v.IntermediateSize}, {"num_heads", v.NumHeads},
		{"patch_size", v.PatchSize}, {"temporal_patch_size", v.TemporalPatchSize},
		{"spatial_merge_size", v.SpatialMergeSize}, {"in_channels", v.InChannels}, {out, v.OutHiddenSize},
	} {
		if f.value <= 0 {
			if f.name == "intermediate_size" && c.Family == Qwen2VL {
				f.name = "mlp_ratio"
			}
			return p + f.name, fmt.Sprintf("%d is not positive", f.value)
		}
	}
	if v.HiddenSize%v.NumHeads != 0 || (v.HiddenSize/v.NumHeads)%2 != 0 {
		return p + "num_heads", fmt.Sprintf("%d heads do not split %s %d into even head sizes", v.NumHeads, hidden, v.HiddenSize)
	}
	if v.OutHiddenSize != c.Text.HiddenSize {
		return p + out, fmt.Sprintf("%d differs from the decoder's hidden_size %d", v.OutHiddenSize, c.Text.HiddenSize)
	}
	switch c.Family {
	case Qwen3VL:
		side := int(math.Sqrt(float64(v.NumPositionEmbeddings)))
		if v.NumPositionEmbeddings <= 0 || side*side != v.NumPositionEmbeddings {
			return p + "num_position_embeddings", fmt.Sprintf("%d is not a positive square", v.NumPositionEmbeddings)
		}
		if len(v.DeepstackVisualIndexes) > c.Text.NumLayers {
			return p + "deepstack_visual_indexes", fmt.Sprintf("%d features for %d decoder layers", len(v.DeepstackVisualIndexes), c.Text.NumLayers)
		}
		if field, problem := checkBlocks(p+"deepstack_visual_indexes", v.DeepstackVisualIndexes, v.Depth); problem != "" {
			return field, problem
		}
	case Qwen25VL:
		if v.WindowSize < v.PatchSize*v.SpatialMergeSize {
			return p + "window_size", fmt.Sprintf("%d is smaller than one merged patch (%d pixels)", v.WindowSize, v.PatchSize*v.SpatialMergeSize)
		}
		if field, problem := checkBlocks(p+"fullatt_block_indexes", v.FullAttBlockIndexes, v.Depth); problem != "" {
			return field, problem
		}
	}
	return "", ""
}

// checkBlocks checks that indexes name distinct vision blocks.
func checkBlocks(field string, indexes []int, depth int) (string, string) {
	seen := map[int]bool{}
	for _, i := range indexes {
		if i < 0 || i >= depth {
			return field, fmt.Sprintf("block %d is outside depth %d", i, depth)
		}
		if seen[i] {
			return field, fmt.Sprintf("block %d is listed twice", i)
		}
		seen[i] = true
	}
	return "", ""
}

// positiveFinite reports whether x is a positive finite number.
func positiveFinite(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

// checkViT checks LLaVA's CLIP and Gemma 3's SigLIP tower.
func (c *Config) checkViT() (string, string) {
	const p = "vision_config."
	v := c.Vision
	for _, f := range []struct {
		name  string
		value int
	}{
		{"num_hidden_layers", v.Depth}, {"hidden_size", v.HiddenSize}, {"intermediate_size", v.IntermediateSize},
		{"num_attention_heads", v.NumHeads}, {"patch_size", v.PatchSize}, {"image_size", v.ImageSize},
		{"num_channels", v.InChannels},
	} {
		if f.value <= 0 {
			return p + f.name, fmt.Sprintf("%d is not positive", f.value)
		}
	}
	if v.HiddenSize%v.NumHeads != 0 {
		return p + "num_attention_heads", fmt.Sprintf("%d heads do not divide hidden_size %d", v.NumHeads, v.HiddenSize)
	}
	if v.ImageSize%v.PatchSize != 0 {
		return p + "patch_size", fmt.Sprintf("%d does not divide image_size %d", v.PatchSize, v.ImageSize)
	}
	if !positiveFinite(v.LayerNormEps) {
		return p + "layer_norm_eps", fmt.Sprintf("%v is not a positive number", v.LayerNormEps)
	}
	return "", ""
}

// checkProjector checks LLaVA's and Gemma 3's projector settings against
// the tower.
func (c *Config) checkProjector() (string, string) {
	pr, v := c.Projector, c.Vision
	if c.Family != Llava && c.Family != Gemma3 {
		if pr != nil {
			return "projector", fmt.Sprintf("set for the family %s, which has none", c.Family)
		}
		return "", ""
	}
	if pr == nil {
		return "projector", "missing"
	}
	if c.Family == Llava {
		if pr.FeatureSelectStrategy != "default" && pr.FeatureSelectStrategy != "full" {
			return "vision_feature_select_strategy", fmt.Sprintf("%q, want default or full", pr.FeatureSelectStrategy)
		}
		if len(pr.FeatureLayers) == 0 {
			return "vision_feature_layer", "empty"
		}
		for _, l := range pr.FeatureLayers {
			// hidden_states holds the embeddings and every layer's output.
			if l < -(v.Depth+1) || l > v.Depth {
				return "vision_feature_layer", fmt.Sprintf("%d is not a hidden state of a %d-layer tower", l, v.Depth)
			}
		}
		return "", ""
	}
	side := int(math.Sqrt(float64(pr.TokensPerImage)))
	if pr.TokensPerImage <= 0 || side*side != pr.TokensPerImage {
		return "mm_tokens_per_image", fmt.Sprintf("%d is not a positive square", pr.TokensPerImage)
	}
	if patches := v.ImageSize / v.PatchSize; patches%side != 0 {
		return "mm_tokens_per_image", fmt.Sprintf("%d×%d tokens do not pool the %d×%d patch grid evenly", side, side, patches, patches)
	}
	return "", ""
}
