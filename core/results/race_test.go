//go:build race

package results_test

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = true
