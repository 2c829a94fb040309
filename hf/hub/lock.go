package hub

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// lockPoll is how often a held lock is tried again.
const lockPoll = 50 * time.Millisecond

// fileLock is an exclusive lock on a lock file, held by this process
// until unlock.
type fileLock struct{ f *os.File }

// acquireLock takes the exclusive lock on path (creating the file and its
// directory), waiting while another process or goroutine holds it, until
// ctx ends. waiting is called once if the lock is held by someone else.
func acquireLock(ctx context.Context, path string, waiting func()) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, cacheErr("lock", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, cacheErr("lock", err)
	}
	told := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, cacheErr("lock "+path, err)
		}
		if ok {
			return &fileLock{f: f}, nil
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// unlock releases the lock. The lock file stays, as huggingface_hub's do.
func (l *fileLock) unlock() {
	_ = unlockFile(l.f)
	_ = l.f.Close()
}
