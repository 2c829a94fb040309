// Package parallel spreads CPU work over the cores: a range of indexes cut
// into contiguous chunks, each chunk done by one goroutine, returning when
// all are done. The host side of a GPU analysis step (converting tensors,
// knocking out groups, scoring, encoding rows) uses it so that one core
// does not set the pace of the GPU.
package parallel
