// Package summary summarises a whole output dataset for people: for each
// model and mask mode, and each band of layers, the knocked-out text
// tokens, image regions and groups whose removal changed the chosen
// variant the most, averaged over every row of the dataset.
//
// Text tokens are pooled by their text, so "the word 'not'" is one entry
// however many prompts hold it; image patches by where they lie in their
// image — each image's merged-token grid is divided into a Grid × Grid
// grid and a patch counts for the cell holding it — so images of different
// sizes pool; groups of several tokens by their label. Each entry carries
// the mean, the number of values averaged and the number of dataset rows
// they came from.
//
// It streams: parts are read one at a time, a slice of rows of a few
// columns at a time (results.Table), and only the running sums per entry
// are kept, so memory depends on the number of distinct tokens and cells,
// not on the dataset's size. Parts not marked complete are left out and
// named.
//
// Calls go one way: the command line calls Summarize; this package reads
// parts through core/results.
package summary
