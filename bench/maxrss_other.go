//go:build !linux && !darwin

package main

import "os"

// maxRSS is unknown here.
func maxRSS(*os.ProcessState) (int64, bool) { return 0, false }
