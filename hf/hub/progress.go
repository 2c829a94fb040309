package hub

import "sync"

// Progress receives a download's progress, for the CLI to draw. Calls are
// serialised (never concurrent), even though files download in parallel.
type Progress interface {
	// Start: files files of total bytes are missing from the cache;
	// resumed bytes of them are already on disk from an earlier,
	// interrupted download.
	Start(files int, total, resumed int64)
	// Add: n more bytes arrived (n is negative when a server ignored a
	// Range request and a file starts over).
	Add(n int64)
	// FileDone: one file is verified and in the cache.
	FileDone(file string)
	// Finish: the download ended, successfully or not.
	Finish()
}

// syncProgress serialises calls to a Progress; a nil Progress is silent.
type syncProgress struct {
	mu sync.Mutex
	p  Progress
}

func (s *syncProgress) start(files int, total, resumed int64) {
	s.call(func(p Progress) { p.Start(files, total, resumed) })
}
func (s *syncProgress) add(n int64)          { s.call(func(p Progress) { p.Add(n) }) }
func (s *syncProgress) fileDone(file string) { s.call(func(p Progress) { p.FileDone(file) }) }
func (s *syncProgress) finish()              { s.call(func(p Progress) { p.Finish() }) }

func (s *syncProgress) call(f func(Progress)) {
	if s == nil || s.p == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.p)
}
