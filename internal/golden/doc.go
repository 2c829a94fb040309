// Package golden gives tests access to the golden reference data the
// repository carries in testdata/golden (a byte-for-byte copy of the
// project's reference set): the cases' directories, their tolerance rule,
// their expected tensors and knockout tables. The cases of model families
// that do not run end to end yet live apart in testdata/golden-next
// (NextDir, NextCases), so that tests walking the golden cases do not meet
// them. Missing data fails a test rather than skipping it.
package golden
