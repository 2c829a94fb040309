// Package orttest is for tests that need ONNX Runtime: Runtime loads the
// library from the usual places, or skips the test when it is not
// installed (`make ort` installs it).
package orttest
