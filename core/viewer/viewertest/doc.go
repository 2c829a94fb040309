// Package viewertest writes synthetic results files for the viewer's
// tests and benchmark: any number of steps, layers, heads and tokens, laid
// out as vlmask run lays out a real run, with values that are a cheap
// deterministic function of the row. It is for tests and benchmarks only.
package viewertest
