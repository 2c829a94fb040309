//go:build !linux && !darwin && !windows

package ort

// cacheLibraryName is the library's file name in the project cache.
const cacheLibraryName = "libonnxruntime.so.1"

// libraryPathVariable lists extra directories the dynamic loader searches.
const libraryPathVariable = "LD_LIBRARY_PATH"

// defaultLibraryNames are the names FindLibrary looks for outside the cache.
func defaultLibraryNames() []string { return []string{"libonnxruntime.so.1", "libonnxruntime.so"} }

// systemLibraryDirs are the usual install prefixes.
func systemLibraryDirs() []string { return []string{"/usr/local/lib", "/usr/lib"} }
