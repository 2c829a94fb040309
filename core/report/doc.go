// Package report summarises an analysis's rows for people: for each band of
// layers (early, middle, late) the knocked-out tokens or groups whose
// removal changed the layer's update the most, averaged over the band's
// layers and the analysed steps. `vlmask report` prints it, and `make demo`
// ends with it.
package report
