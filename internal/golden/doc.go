// Package golden gives tests access to the golden reference data the
// repository carries in testdata/golden (a byte-for-byte copy of the
// project's reference set): the cases' directories, their tolerance rule,
// their expected tensors and knockout tables. Missing data fails a test
// rather than skipping it.
package golden
