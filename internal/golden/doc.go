// Package golden gives tests access to the reference data in
// ../shared/golden (relative to the repository root): the cases'
// directories, their tolerance rule and their expected tensors. Tests skip
// with a message when the data is absent.
package golden
