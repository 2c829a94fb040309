package ort

// cacheLibraryName is the library's file name in the project cache.
const cacheLibraryName = "libonnxruntime.dylib"

// libraryPathVariable lists extra directories the dynamic loader searches.
const libraryPathVariable = "DYLD_LIBRARY_PATH"

// defaultLibraryNames are the names FindLibrary looks for outside the cache.
func defaultLibraryNames() []string {
	return []string{"libonnxruntime.dylib", "libonnxruntime.1.dylib"}
}

// systemLibraryDirs are Homebrew's prefixes and the usual install prefix.
func systemLibraryDirs() []string { return []string{"/opt/homebrew/lib", "/usr/local/lib"} }
