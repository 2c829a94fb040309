package dataset

import (
	"fmt"
	"path/filepath"

	"github.com/vlmask/vlmask/internal/batchconfig"
)

// readYAML reads the original tool's batch format: each enabled prompt is a
// row whose id is the prompt's name. Paths resolve as the batch run
// resolves them (against the file's directory when the file exists there).
func readYAML(path string) ([]Row, *batchconfig.File, error) {
	f, err := batchconfig.Load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset %q: %w: %w", path, ErrInvalid, err)
	}
	var rows []Row
	dir := filepath.Dir(path)
	for i, p := range f.Enabled() {
		r := Row{
			ID: p.Name, Line: i + 1, Prompt: p.Text, NumTokens: p.NumTokens, MaskMode: p.MaskMode,
			MaxImageResolution: p.MaxImageResolution,
			SkipPerHead:        &p.SkipPerHead, SaveAttentionWeights: &p.SaveAttentionWeights,
		}
		for _, im := range p.Images {
			rel := im
			if rp, err := filepath.Rel(dir, im); err == nil && filepath.IsAbs(im) == filepath.IsAbs(dir) {
				rel = rp
			}
			r.ImagesAsWritten = append(r.ImagesAsWritten, rel)
		}
		if err := finish(&r, true, dir); err != nil {
			return nil, nil, fmt.Errorf("dataset %q prompt %s: %w: %w (a YAML prompt's name is its row id)", path, p.Name, ErrInvalid, err)
		}
		r.Images = append([]string(nil), p.Images...)
		rows = append(rows, r)
	}
	return rows, f, nil
}
