package hub_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmask/vlmask/hf/hub"
	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// TestResumeAfterCut: a connection dropped in the middle of the weights
// is resumed with a Range request from the byte where it broke, in the
// same call, and the file is whole.
func TestResumeAfterCut(t *testing.T) {
	h, _ := newHub(t)
	weights := readFile(t, "model.safetensors")
	h.CutAfter(weights, 500_000, 300_000)
	o := options(t, h)
	sameFiles(t, download(t, o))
	var ranges []string
	for _, r := range h.Requests() {
		if r.Server == "cdn" && r.Path == hubtest.BlobPath(weights) {
			ranges = append(ranges, r.Range)
		}
	}
	want := []string{"", "bytes=500000-", "bytes=800000-"}
	if len(ranges) != len(want) || ranges[0] != want[0] || ranges[1] != want[1] || ranges[2] != want[2] {
		t.Errorf("CDN requests' Range headers %q, want %q", ranges, want)
	}
}

// TestResumeNextRun: with no retries, a cut connection fails the download
// and keeps blobs/ETAG.incomplete (and nothing that looks complete); the
// next run resumes from it.
func TestResumeNextRun(t *testing.T) {
	h, _ := newHub(t)
	weights := readFile(t, "model.safetensors")
	h.CutAfter(weights, 600_000)
	o := options(t, h)
	o.Retries = -1
	_, err := hub.Download(context.Background(), mustID(t, modelID), o)
	if !errors.Is(err, hub.ErrNetwork) {
		t.Fatalf("cut connection: %v, want ErrNetwork", err)
	}
	oneLine(t, err)
	noHalfWritten(t, o.CacheDir)
	inc := filepath.Join(repoDir(o), "blobs", hubtest.ETag("model.safetensors", weights)+".incomplete")
	if st, err := os.Stat(inc); err != nil || st.Size() != 600_000 {
		t.Fatalf("%s: %v, want 600000 bytes kept", inc, err)
	}
	before := len(h.Requests())
	sameFiles(t, download(t, o))
	var got []string
	for _, r := range h.Requests()[before:] {
		if r.Server == "cdn" {
			got = append(got, r.Range)
		}
	}
	if len(got) != 1 || got[0] != "bytes=600000-" {
		t.Errorf("the second run's CDN requests had Range %q, want [bytes=600000-]", got)
	}
	if exists(inc) {
		t.Error("the .incomplete file outlived the download")
	}
}

// TestServerIgnoresRange: a CDN that answers a Range request with the
// whole file makes the download start over, not append.
func TestServerIgnoresRange(t *testing.T) {
	h, _ := newHub(t)
	weights := readFile(t, "model.safetensors")
	h.CutAfter(weights, 400_000)
	h.IgnoreRange()
	sameFiles(t, download(t, options(t, h)))
}

// TestForeignIncomplete: an .incomplete file longer than the blob (left by
// something else) is discarded, not trusted.
func TestForeignIncomplete(t *testing.T) {
	h, _ := newHub(t)
	weights := readFile(t, "model.safetensors")
	o := options(t, h)
	blobs := filepath.Join(repoDir(o), "blobs")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, len(weights)+10)
	if err := os.WriteFile(filepath.Join(blobs, hubtest.ETag("model.safetensors", weights)+".incomplete"), junk, 0o644); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, download(t, o))
}

// TestStalledConnection: a CDN that stops sending is abandoned after
// StallTimeout and, with retries, resumed until the file is whole.
func TestStalledConnection(t *testing.T) {
	h, _ := newHub(t)
	// Delays are generous: on a loaded two-core machine a goroutine can
	// wait tens of milliseconds, and the Hub's own answers must not look
	// stalled.
	h.SlowCDN(time.Second) // a pause after every 64 KiB
	o := options(t, h)
	o.StallTimeout, o.Retries = 250*time.Millisecond, -1
	_, err := hub.Download(context.Background(), mustID(t, modelID), o)
	if !errors.Is(err, hub.ErrNetwork) || !strings.Contains(err.Error(), "no data arrived") {
		t.Fatalf("stalled without retries: %v, want ErrNetwork saying no data arrived", err)
	}
	h2, _ := newHub(t)
	h2.SlowCDN(400 * time.Millisecond)
	o = options(t, h2)
	o.StallTimeout = 150 * time.Millisecond
	sameFiles(t, download(t, o))
	if n := h2.Count("cdn", "GET", hubtest.BlobPath(readFile(t, "model.safetensors"))); n < 2 {
		t.Errorf("%d GETs of the weights; a stall should have been resumed", n)
	}
}
