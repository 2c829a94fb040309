//go:build !darwin && !windows

package viewer

import "os/exec"

// browserCommand opens url with the desktop's default browser.
func browserCommand(url string) *exec.Cmd { return exec.Command("xdg-open", url) }
