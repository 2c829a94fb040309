package hub

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// blobFile is a blob's .incomplete file, open for writing.
type blobFile interface {
	io.Writer
	io.Seeker
	Truncate(size int64) error
	Sync() error
	Close() error
}

func openBlobFile(path string) (blobFile, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
}

// errStalled cancels a request on which no byte arrived for
// Options.StallTimeout.
var errStalled = errors.New("no data arrived in time")

// writeError marks a failure to write the .incomplete file, which no retry
// mends (a full disk), apart from a broken connection, which a retry does.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// partial is a blob being downloaded: its .incomplete file, how much of it
// is written, and the hash of those bytes.
type partial struct {
	w    blobFile
	h    hash.Hash
	off  int64
	etag string
	size int64
}

// restart empties the file, for a server that ignored a Range request.
func (p *partial) restart() error {
	if err := p.w.Truncate(0); err != nil {
		return &writeError{err}
	}
	if _, err := p.w.Seek(0, io.SeekStart); err != nil {
		return &writeError{err}
	}
	p.h = newVerifier(p.etag, p.size)
	p.off = 0
	return nil
}

// fetch downloads one blob into the cache, under its lock: resumed from
// its .incomplete file when one is there, retried with Range when the
// connection breaks, and renamed to blobs/ETAG only when its size and hash
// match the ETag. A blob that another process finished while this one
// waited for the lock is taken as it is. counted is how many of the blob's
// bytes the progress already counts, or -1 when the blob is not part of the
// progress's total.
func (d *downloader) fetch(ctx context.Context, file string, m *fileMeta, counted int64) error {
	lockPath := d.cache.lock(m.etag)
	lock, err := acquireLock(ctx, lockPath, func() {
		d.log.Info("waiting for another download of the same file", "file", file, "lock", lockPath)
	})
	if err != nil {
		return fmt.Errorf("download %s: %w", file, err)
	}
	defer lock.unlock()
	blob := d.cache.blob(m.etag)
	if _, err := os.Stat(blob); err == nil {
		if counted >= 0 {
			d.progress.add(max(m.size, 0) - counted)
		}
		return nil
	}
	inc := d.cache.incomplete(m.etag)
	w, err := d.opts.create(inc)
	if err != nil {
		return fmt.Errorf("download %s: %w", file, cacheErr("create "+inc, err))
	}
	p := &partial{w: w, etag: m.etag, size: m.size, h: newVerifier(m.etag, m.size)}
	err = d.fill(ctx, file, m, p, counted)
	if cerr := w.Close(); err == nil && cerr != nil {
		err = &writeError{cerr}
	}
	var we *writeError
	switch {
	case errors.As(err, &we):
		return fmt.Errorf("download %s: %w", file, cacheErr("write "+inc, we.err))
	case errors.Is(err, ErrChecksum):
		os.Remove(inc) // a wrong file cannot be resumed
		return fmt.Errorf("download %s: %w", file, err)
	case err != nil:
		return fmt.Errorf("download %s: %w", file, err)
	}
	if err := os.Rename(inc, blob); err != nil {
		if _, serr := os.Stat(blob); serr == nil {
			return nil // another download renamed it first: the lock is not honoured here
		}
		return fmt.Errorf("download %s: %w", file, cacheErr("", err))
	}
	return nil
}

// fill writes the blob's bytes into p, resuming after what p's file
// already holds, then checks size and hash and syncs the file.
func (d *downloader) fill(ctx context.Context, file string, m *fileMeta, p *partial, counted int64) error {
	off, err := p.w.Seek(0, io.SeekEnd)
	if err != nil {
		return &writeError{err}
	}
	p.off = off
	if m.size >= 0 && off > m.size {
		if err := p.restart(); err != nil {
			return err
		}
	}
	if p.off > 0 {
		if err := hashPrefix(d.cache.incomplete(m.etag), p); err != nil {
			return err
		}
		d.log.Debug("resuming", "file", file, "from", p.off)
	}
	if delta := p.off - counted; counted >= 0 && delta != 0 {
		d.progress.add(delta) // the file on disk is not what Start was told
	}
	left := d.opts.Retries
	for m.size < 0 || p.off < m.size {
		before := p.off
		done, err := d.transfer(ctx, m, p)
		if done {
			break
		}
		var we *writeError
		if errors.As(err, &we) || errors.Is(err, ErrChecksum) || ctx.Err() != nil {
			return err
		}
		if !errors.Is(err, ErrNetwork) {
			return err
		}
		if d.opts.Retries == 0 {
			return err
		}
		if p.off > before {
			left = d.opts.Retries // progress: start counting again, as huggingface_hub does
		} else if left == 0 {
			return err
		} else {
			left--
		}
		d.log.Warn("connection broken, resuming", "file", file, "at", p.off, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d.opts.RetryWait):
		}
	}
	if m.size >= 0 && p.off != m.size {
		return fmt.Errorf("got %d bytes, the Hub said %d: %w", p.off, m.size, ErrChecksum)
	}
	if err := checkSum(p.h, m.etag); err != nil {
		return err
	}
	if err := p.w.Sync(); err != nil {
		return &writeError{err}
	}
	return nil
}

// hashPrefix feeds the bytes already in the .incomplete file to the hash.
func hashPrefix(path string, p *partial) error {
	if p.h == nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return &writeError{err}
	}
	defer f.Close()
	if _, err := io.CopyN(p.h, f, p.off); err != nil {
		return &writeError{err}
	}
	return nil
}

// transfer makes one GET from p.off and copies the body into p. done is
// true when the whole file is in p (the body ended, or a 416 said there is
// nothing after p.off).
func (d *downloader) transfer(ctx context.Context, m *fileMeta, p *partial) (done bool, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(d.opts.StallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()
	resp, err := d.client.get(ctx, m.location, p.off)
	if err != nil {
		if errors.Is(context.Cause(ctx), errStalled) {
			return false, fmt.Errorf("GET %s: %w: %w", m.location.Redacted(), errStalled, ErrNetwork)
		}
		return false, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		if start, ok := rangeStart(resp.Header.Get("Content-Range")); !ok || start != p.off {
			return false, fmt.Errorf("asked for bytes from %d, got Content-Range %q: %w", p.off, resp.Header.Get("Content-Range"), ErrBadResponse)
		}
	case resp.StatusCode == http.StatusOK:
		if p.off > 0 { // the server ignored Range: start over
			d.progress.add(-p.off)
			if err := p.restart(); err != nil {
				return false, err
			}
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && p.off > 0:
		if m.size < 0 || p.off == m.size {
			return true, nil
		}
		d.progress.add(-p.off)
		return false, p.restart()
	default:
		return false, d.client.statusErr(resp, "", "")
	}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			stall.Reset(d.opts.StallTimeout)
			if m.size >= 0 && p.off+int64(n) > m.size {
				return false, fmt.Errorf("got more than the %d bytes the Hub said: %w", m.size, ErrChecksum)
			}
			if _, err := p.w.Write(buf[:n]); err != nil {
				return false, &writeError{err}
			}
			if p.h != nil {
				p.h.Write(buf[:n])
			}
			p.off += int64(n)
			d.progress.add(int64(n))
		}
		if rerr == io.EOF {
			return true, nil
		}
		if rerr != nil {
			if ctx.Err() != nil && !errors.Is(context.Cause(ctx), errStalled) {
				return false, ctx.Err()
			}
			if errors.Is(context.Cause(ctx), errStalled) {
				rerr = errStalled
			}
			return false, fmt.Errorf("GET %s at byte %d: %w: %w", m.location.Redacted(), p.off, rerr, ErrNetwork)
		}
	}
}

// rangeStart reads the first byte position of "bytes START-END/TOTAL".
func rangeStart(cr string) (int64, bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, false
	}
	start, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(start, 10, 64)
	return n, err == nil
}
