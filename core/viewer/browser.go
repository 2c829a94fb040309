package viewer

import "fmt"

// OpenBrowser asks the desktop to open url in the default browser and does
// not wait for it.
func OpenBrowser(url string) error {
	cmd := browserCommand(url)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open a browser: %w", err)
	}
	go cmd.Wait() //nolint:errcheck // the browser's exit status says nothing useful
	return nil
}
