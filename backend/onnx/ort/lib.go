package ort

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Versions of the ONNX Runtime builds that `make ort` and `make ort-cuda`
// install into the project cache.
const (
	CPUCacheVersion  = "1.30.0"
	CUDACacheVersion = "1.29.0-cuda"
)

// Environment variables FindLibrary reads.
const (
	EnvLibrary  = "VLMASK_ORT_LIB"   // path of the library (the --ort-lib flag's variable)
	EnvCacheDir = "VLMASK_CACHE_DIR" // project cache root, instead of the user cache directory + "/vlmask"
)

// FindLibrary locates the ONNX Runtime shared library. It tries, in order:
// explicit (the --ort-lib flag), then $VLMASK_ORT_LIB, then the project
// cache ($VLMASK_CACHE_DIR, else os.UserCacheDir()/vlmask) at
// ort/1.30.0/ and ort/1.29.0-cuda/ (in that order; FindLibraryFor can
// reverse it), then the platform's default library
// names in $LD_LIBRARY_PATH (DYLD_LIBRARY_PATH on macOS) and the system
// library directories. An explicit path or $VLMASK_ORT_LIB that does not
// exist is an error rather than a reason to look elsewhere. It returns the
// path found and every path it looked at; when nothing is found the error
// wraps ErrLibraryNotFound and says how to get the library.
func FindLibrary(explicit string) (path string, searched []string, err error) {
	return FindLibraryFor(explicit, false)
}

// FindLibraryFor is FindLibrary for a run that wants CUDA when preferCUDA
// is set (--device cuda or auto): the project cache's CUDA build
// (ort/1.29.0-cuda/, `make ort-cuda`) is tried before the CPU one, so
// installing it is enough to run on the GPU without naming the library.
// The CUDA build also runs on the CPU.
func FindLibraryFor(explicit string, preferCUDA bool) (path string, searched []string, err error) {
	try := func(p string) bool {
		searched = append(searched, p)
		st, err := os.Stat(p)
		return err == nil && !st.IsDir()
	}
	for _, given := range []struct{ path, what string }{{explicit, "--ort-lib"}, {os.Getenv(EnvLibrary), "$" + EnvLibrary}} {
		if given.path == "" {
			continue
		}
		if try(given.path) {
			return given.path, searched, nil
		}
		return "", searched, fmt.Errorf("%w: %s names %s, which does not exist; %s", ErrLibraryNotFound, given.what, given.path, howToGet)
	}
	if root, err := cacheRoot(); err == nil {
		versions := []string{CPUCacheVersion, CUDACacheVersion}
		if preferCUDA {
			versions[0], versions[1] = versions[1], versions[0]
		}
		for _, v := range versions {
			if p := filepath.Join(root, "ort", v, cacheLibraryName); try(p) {
				return p, searched, nil
			}
		}
	}
	for _, dir := range librarySearchDirs() {
		for _, name := range defaultLibraryNames() {
			if p := filepath.Join(dir, name); try(p) {
				return p, searched, nil
			}
		}
	}
	return "", searched, fmt.Errorf("%w (searched %s); %s", ErrLibraryNotFound, strings.Join(searched, ", "), howToGet)
}

// howToGet is the advice appended to ErrLibraryNotFound.
const howToGet = "get it with `make ort` (ONNX Runtime " + CPUCacheVersion + " into the project cache), " +
	"`pip install onnxruntime` (1.19 or later ships the library in site-packages/onnxruntime/capi/), " +
	"or a release tarball from github.com/microsoft/onnxruntime/releases (lib/), " +
	"then pass --ort-lib PATH or set " + EnvLibrary

// cacheRoot is the project cache root: $VLMASK_CACHE_DIR, else the user
// cache directory + "/vlmask" (the rule scripts/fetch-ort.sh follows).
func cacheRoot() (string, error) {
	if dir := os.Getenv(EnvCacheDir); dir != "" {
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "vlmask"), nil
}

// librarySearchDirs are the loader path variable's entries, then the
// platform's system library directories.
func librarySearchDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv(libraryPathVariable)) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return append(dirs, systemLibraryDirs()...)
}
