package runner_test

import (
	"testing"

	"github.com/vlmask/vlmask/internal/dataset/datasettest"
)

func writePart(t *testing.T, base string, s datasettest.Spec) string {
	t.Helper()
	return datasettest.WritePart(t, base, s)
}
