package viewer

import "os/exec"

// browserCommand opens url with the default browser.
func browserCommand(url string) *exec.Cmd {
	return exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
}
