// Package datasettest writes synthetic dataset parts for the tests of the
// dataset packages: results files with the layout, columns and metadata a
// dataset run writes, and deterministic pseudo-random values, so that
// layout, check and summary logic can be tested without a model.
package datasettest
