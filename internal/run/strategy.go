package run

import "context"

// MaskingStrategy is the name of the masking strategy that set selects
// (a plugin named in set.Plugins, else the mask mode's built-in), starting
// the selection's plugins as Analyze would; a dataset run names its output
// partition after it.
func (s *Session) MaskingStrategy(ctx context.Context, set Settings) (string, error) {
	ch, err := s.plugins(ctx, set)
	if err != nil {
		return "", err
	}
	d, err := ch.strategy.Describe(ctx)
	if err != nil {
		return "", withKind(KindPlugin, err)
	}
	return d.Name, nil
}
