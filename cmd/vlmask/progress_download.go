package main

import (
	"fmt"
	"io"
	"time"

	"github.com/vlmask/vlmask/hf/hub"
)

var _ hub.Progress = (*downloadBar)(nil)

// downloadBar draws a download's progress on one stderr line: bytes done
// of the total, rate, time left and files. hf/hub serialises its calls.
type downloadBar struct {
	w            io.Writer
	name         string
	start, drawn time.Time
	total, done  int64
	resumed      int64
	files, ready int
}

func newDownloadBar(w io.Writer, name string) *downloadBar { return &downloadBar{w: w, name: name} }

func (b *downloadBar) Start(files int, total, resumed int64) {
	b.start, b.files, b.total, b.done, b.resumed = time.Now(), files, total, resumed, resumed
	b.draw(true)
}

func (b *downloadBar) Add(n int64) {
	b.done += n
	b.draw(false)
}

func (b *downloadBar) FileDone(string) {
	b.ready++
	b.draw(b.ready == b.files)
}

func (b *downloadBar) Finish() { fmt.Fprint(b.w, "\r\033[K") }

// draw redraws at most five times a second, unless forced.
func (b *downloadBar) draw(force bool) {
	now := time.Now()
	if !force && now.Sub(b.drawn) < 200*time.Millisecond {
		return
	}
	b.drawn = now
	done := min(max(b.done, 0), b.total)
	line := fmt.Sprintf("downloading %s: %s / %s", b.name, humanSize(done), humanSize(b.total))
	if b.total > 0 {
		line += fmt.Sprintf(" (%d%%)", done*100/b.total)
	}
	line += fmt.Sprintf(" · %d/%d files", b.ready, b.files)
	if elapsed := now.Sub(b.start).Seconds(); elapsed > 0.5 && done > b.resumed {
		rate := float64(done-b.resumed) / elapsed
		left := time.Duration(float64(b.total-done) / rate * float64(time.Second))
		line += fmt.Sprintf(" · %s/s · %s left", humanSize(int64(rate)), left.Round(time.Second))
	}
	fmt.Fprint(b.w, "\r\033[K"+line)
}

// humanSize writes a byte count as the Hub shows sizes (powers of 1000).
func humanSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
