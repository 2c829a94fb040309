package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// defaultGeneration is transformers' GenerationConfig defaults, for a
// checkpoint without generation_config.json.
func defaultGeneration() GenerationConfig {
	return GenerationConfig{PadTokenID: -1, BOSTokenID: -1, Temperature: 1, TopK: 50, TopP: 1, RepetitionPenalty: 1}
}

// loadGeneration reads generation_config.json in dir; a missing file gives
// the defaults with Present false.
func loadGeneration(dir string) (GenerationConfig, error) {
	path := filepath.Join(dir, GenerationConfigFileName)
	g := defaultGeneration()
	o, err := readObject(path)
	if errors.Is(err, os.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		return g, err
	}
	g.Present = true
	g.EOSTokenIDs = o.intOrInts("eos_token_id")
	g.PadTokenID = o.int("pad_token_id", g.PadTokenID)
	g.BOSTokenID = o.int("bos_token_id", g.BOSTokenID)
	g.DoSample = o.boolean("do_sample", g.DoSample)
	g.Temperature = o.float("temperature", g.Temperature)
	g.TopK = o.int("top_k", g.TopK)
	g.TopP = o.float("top_p", g.TopP)
	g.RepetitionPenalty = o.float("repetition_penalty", g.RepetitionPenalty)
	if *o.err != nil {
		return g, fmt.Errorf("load %s: %w", path, *o.err)
	}
	return g, nil
}
