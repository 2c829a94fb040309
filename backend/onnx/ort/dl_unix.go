//go:build !windows

package ort

import "github.com/ebitengine/purego"

// openLibrary dlopens the ONNX Runtime library. It is never closed:
// unloading ONNX Runtime while its threads or statics live is unsafe, and a
// second Load of the same path reuses the mapping.
func openLibrary(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

// librarySymbol looks up an exported symbol.
func librarySymbol(lib uintptr, name string) (uintptr, error) {
	return purego.Dlsym(lib, name)
}
