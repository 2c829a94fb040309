//go:build !race

package viewer

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false
