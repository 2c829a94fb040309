// Package goldenrun sets up what tests outside the model backend need to
// run a golden case as vlmask does: the ONNX Runtime (the test is skipped
// without one) and a case's model with its processed input. It is for
// tests only.
package goldenrun
