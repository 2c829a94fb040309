// Package llava is the LLaVA-1.5 model family
// (LlavaForConditionalGeneration): it describes its checkpoints to the
// shared decoder runtime and builds the vision side — a CLIP tower
// (vittower) and the multimodal projector — from the shared blocks.
//
// The decoder is Llama's: RMSNorm, grouped-query attention without biases
// (unless attention_bias), a SwiGLU MLP (biases with mlp_bias), 1-D RoPE
// with rope_scaling "linear" or "llama3" when configured, and an untied
// lm_head unless tie_word_embeddings says otherwise.
//
// The image side follows LlavaModel.get_image_features: the CLIP tower
// runs up to the deepest layer vision_feature_layer names (−2: the
// second-to-last layer's output; the last layer and post_layernorm never
// matter), the "default" feature strategy drops the class token ("full"
// keeps it), several feature layers are concatenated along the width, and
// the projector is linear_1, projector_hidden_act, linear_2. Image tokens
// take the projector's rows in the CLIP patch grid's row-major order.
//
// Tensor names are probed: transformers 4.x saves the published layout
// (language_model.model.*, language_model.lm_head, vision_tower.*,
// multi_modal_projector.*), the newer module layout puts everything under
// model.* with lm_head at the top.
package llava
