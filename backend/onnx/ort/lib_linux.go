package ort

import "runtime"

// cacheLibraryName is the library's file name in the project cache.
const cacheLibraryName = "libonnxruntime.so.1"

// libraryPathVariable lists extra directories the dynamic loader searches.
const libraryPathVariable = "LD_LIBRARY_PATH"

// defaultLibraryNames are the names FindLibrary looks for outside the cache.
func defaultLibraryNames() []string { return []string{"libonnxruntime.so.1", "libonnxruntime.so"} }

// systemLibraryDirs are the usual places a distribution or `make install`
// puts shared libraries, Debian's multiarch directories included.
func systemLibraryDirs() []string {
	dirs := []string{"/usr/local/lib"}
	if triplet := multiarch(runtime.GOARCH); triplet != "" {
		dirs = append(dirs, "/usr/lib/"+triplet, "/lib/"+triplet)
	}
	return append(dirs, "/usr/lib64", "/usr/lib")
}

// multiarch is the Debian multiarch triplet of a GOARCH, or "".
func multiarch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64-linux-gnu"
	case "arm64":
		return "aarch64-linux-gnu"
	case "386":
		return "i386-linux-gnu"
	case "arm":
		return "arm-linux-gnueabihf"
	case "ppc64le":
		return "powerpc64le-linux-gnu"
	case "riscv64":
		return "riscv64-linux-gnu"
	case "s390x":
		return "s390x-linux-gnu"
	}
	return ""
}
