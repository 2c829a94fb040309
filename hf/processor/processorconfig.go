package processor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ProcessorConfigFile is the processor's own settings (LlavaProcessor's
// patch size and feature strategy, Gemma3Processor's image_seq_length).
const ProcessorConfigFile = "processor_config.json"

// processorConfig is the part of processor_config.json the LLaVA and
// Gemma 3 processors read; nil fields were absent (or null).
type processorConfig struct {
	// LlavaProcessor.
	PatchSize                *int    `json:"patch_size"`
	VisionFeatureSelect      *string `json:"vision_feature_select_strategy"`
	NumAdditionalImageTokens *int    `json:"num_additional_image_tokens"`
	ImageToken               *string `json:"image_token"`
	// Gemma3Processor.
	ImageSeqLength *int `json:"image_seq_length"`
}

// loadProcessorConfig reads dir/processor_config.json; a missing file
// gives an empty config and found false.
func loadProcessorConfig(dir string) (cfg processorConfig, found bool, err error) {
	path := filepath.Join(dir, ProcessorConfigFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return processorConfig{}, false, nil
	}
	if err != nil {
		return processorConfig{}, false, fmt.Errorf("load processor config: %w", err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return processorConfig{}, false, fmt.Errorf("load processor config %q: %w: %v", path, ErrProcessorConfig, err)
	}
	return cfg, true, nil
}
