//go:build !unix

package results

import "os"

// closeBeforeRename is true: Windows refuses to rename an open file.
const closeBeforeRename = true

// lockFile does nothing here: without an advisory lock, a later Create
// cannot tell a live writer's temporary file from a leftover, which is why
// two live writers must never share a base.
func lockFile(*os.File) error { return nil }
