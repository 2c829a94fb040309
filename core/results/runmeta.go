package results

// Run metadata keys: what the run that wrote a file records about itself
// (Options.Metadata, SetMetadata). Readers such as vlmask view, report and
// the viewer look them up by these names.
const (
	MetaKeyVersion              = "vlmask.version"                // vlmask's version
	MetaKeyModel                = "vlmask.model"                  // absolute checkpoint directory
	MetaKeyModelType            = "vlmask.model_type"             // config.json's model_type
	MetaKeyONNXRuntime          = "vlmask.onnxruntime"            // ONNX Runtime's version
	MetaKeyPlugins              = "vlmask.plugins"                // NAME@VERSION of the strategy and metrics, comma-separated
	MetaKeyCommand              = "vlmask.command"                // the command line, shell-quoted
	MetaKeyPromptName           = "vlmask.prompt_name"            // the batch prompt's name, "" for a single run
	MetaKeyPromptRendered       = "vlmask.prompt_rendered"        // the chat template's output
	MetaKeyImages               = "vlmask.images"                 // absolute image paths, comma-separated
	MetaKeyNumTokens            = "vlmask.num_tokens"             // analysis steps asked for
	MetaKeyMaskMode             = "vlmask.mask_mode"              // text, vision or both
	MetaKeyMethod               = "vlmask.method"                 // fast or recompute
	MetaKeySkipPerHead          = "vlmask.skip_per_head"          // true when Head_N rows were left out
	MetaKeySaveAttentionWeights = "vlmask.save_attention_weights" // true when AttentionWeight_* rows were written
	MetaKeyGeneratedText        = "vlmask.generated_text"         // the generated text
	MetaKeyGeneratedIDs         = "vlmask.generated_ids"          // the generated token ids, a JSON array
)
