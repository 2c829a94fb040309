package ort

// cacheLibraryName is the library's file name in the project cache.
const cacheLibraryName = "onnxruntime.dll"

// libraryPathVariable lists extra directories to search.
const libraryPathVariable = "PATH"

// defaultLibraryNames are the names FindLibrary looks for outside the cache.
func defaultLibraryNames() []string { return []string{"onnxruntime.dll"} }

// systemLibraryDirs: Windows has no conventional library directory.
func systemLibraryDirs() []string { return nil }
