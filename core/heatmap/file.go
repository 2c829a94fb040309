package heatmap

import (
	"fmt"

	"github.com/vlmask/vlmask/core/results"
)

// FromFile reads a results file, keeps the rows of its finished steps
// (results.ReadFinished) and builds its maps within the bounds its
// metadata records (BoundsOf). opts.MetricColumns and opts.Bounds are taken
// from the file. The returned Meta's Status says what the maps cover.
func FromFile(path string, opts Options) ([]ImageMaps, results.Meta, error) {
	rows, meta, _, err := results.ReadFinished(path)
	if err != nil {
		return nil, results.Meta{}, err
	}
	b, err := BoundsOf(meta)
	if err != nil {
		return nil, meta, fmt.Errorf("results %q: %w", path, err)
	}
	opts.MetricColumns, opts.Bounds = meta.MetricColumns, b
	maps, err := Build(rows, opts)
	if err != nil {
		return nil, meta, err
	}
	return maps, meta, nil
}

// PerStepFromFile is FromFile for each step on its own (BuildPerStep), for
// per-step sheets and animations: the finished steps only, within the
// file's recorded bounds.
func PerStepFromFile(path string, opts Options) (steps []int, maps [][]ImageMaps, err error) {
	rows, meta, _, err := results.ReadFinished(path)
	if err != nil {
		return nil, nil, err
	}
	b, err := BoundsOf(meta)
	if err != nil {
		return nil, nil, fmt.Errorf("results %q: %w", path, err)
	}
	opts.MetricColumns, opts.Bounds = meta.MetricColumns, b
	return BuildPerStep(rows, opts)
}
