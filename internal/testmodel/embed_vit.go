package testmodel

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

// vitFiles are the golden tiny LLaVA and Gemma 3 checkpoints' tokenizer
// and chat template files, which generated checkpoints of those families
// carry unchanged (see testdata/SOURCES.md).
//
//go:embed testdata/llava testdata/gemma3
var vitFiles embed.FS

// embeddedFiles returns a family's embedded tokenizer and template files,
// by name.
func embeddedFiles(family string) ([]file, error) {
	dir := path.Join("testdata", family)
	entries, err := fs.ReadDir(vitFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("embedded %s files: %w", family, err)
	}
	var out []file
	for _, e := range entries {
		data, err := fs.ReadFile(vitFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, file{e.Name(), data})
	}
	return out, nil
}

// spmTokens are the special token ids of an embedded SentencePiece
// tokenizer, as config.json and generation_config.json name them; -1 when
// the family has none.
type spmTokens struct {
	bos, pad, image, boi, eoi int
	eos                       []int
}

// familyTokens returns the special ids of the family's embedded tokenizer:
// LLaVA's <s> 1, </s> 2, <image> 564, <pad> 565; Gemma 3's <pad> 0, <eos>
// 1, <bos> 2, <end_of_turn> 7, <start_of_image> 563, <end_of_image> 564,
// <image_soft_token> 565.
func familyTokens(family string) spmTokens {
	if family == FamilyGemma3 {
		return spmTokens{bos: 2, pad: 0, image: 565, boi: 563, eoi: 564, eos: []int{1, 7}}
	}
	return spmTokens{bos: 1, pad: 565, image: 564, boi: -1, eoi: -1, eos: []int{2}}
}
