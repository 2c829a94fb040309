package hub

import (
	"context"
	"os"
)

// Resolve turns a --model value into a checkpoint directory: an existing
// directory is returned as it is; an ORG/NAME id (LooksLikeID) is found in,
// or downloaded into, the cache by Download; anything else is returned as
// it is, for the checkpoint loader to report.
func Resolve(ctx context.Context, spec string, opts Options) (string, error) {
	if st, err := os.Stat(spec); err == nil && st.IsDir() {
		return spec, nil
	}
	if !LooksLikeID(spec) {
		return spec, nil
	}
	id, err := ParseID(spec)
	if err != nil {
		return "", err
	}
	return Download(ctx, id, opts)
}
