// Package golden gives tests access to the reference data in
// ../shared/golden (relative to the repository root): the cases'
// directories, their tolerance rule and their expected tensors. The cases
// of model families that are not yet run end to end live apart in
// ../shared/golden-next, reached through NextDir and NextCases, so that
// tests walking Dir's cases do not meet them. Tests skip with a message
// when the data is absent.
package golden
