package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// downloader fetches files of one repository at one commit into the
// cache.
type downloader struct {
	opts     Options
	cache    repoCache
	client   *client
	log      hclog.Logger
	progress *syncProgress
}

// Download makes sure the cache holds the files vlmask needs from model id
// at opts.Revision — the front-end files the repository has (FrontEndFiles)
// and its safetensors weights, every shard that
// model.safetensors.index.json names — and returns the snapshot directory,
// HF_HUB_CACHE/models--ORG--NAME/snapshots/COMMIT.
//
// Online, one request resolves the revision to a commit and lists its files;
// files already in that snapshot are not asked for again. When the Hub
// cannot be reached, refuses access or answers strangely, a complete
// snapshot already in the cache for the revision is used, with a warning,
// as transformers does. Offline (opts.Offline), only the cache is read and
// a model it lacks is ErrOffline. A revision that is a full commit hash whose
// snapshot is complete needs no request at all.
func Download(ctx context.Context, id RepoID, opts Options) (string, error) {
	o := opts.withDefaults()
	if o.CacheDir == "" {
		return "", fmt.Errorf("%s: no cache directory: %w", id, ErrCache)
	}
	c := newRepoCache(o.CacheDir, id)
	rev := o.Revision
	if o.Offline {
		dir, err := cachedSnapshot(c, rev)
		if err != nil {
			return "", fmt.Errorf("%s at %s is not in the cache %s (%v), and offline mode is on: %w", id, rev, o.CacheDir, err, ErrOffline)
		}
		return dir, nil
	}
	if IsCommit(rev) {
		if dir, err := cachedSnapshot(c, rev); err == nil {
			return dir, nil
		}
	}
	cl, err := newClient(o, id)
	if err != nil {
		return "", err
	}
	info, err := cl.info(ctx, rev)
	if err != nil {
		if ctx.Err() == nil && (errors.Is(err, ErrNetwork) || errors.Is(err, ErrAccess) || errors.Is(err, ErrBadResponse)) {
			if dir, cerr := cachedSnapshot(c, rev); cerr == nil {
				o.Logger.Warn("the Hub could not be asked; using the cached snapshot", "model", id.String(), "revision", rev, "error", err)
				return dir, nil
			}
		}
		return "", err
	}
	names := make([]string, len(info.Siblings))
	for i, s := range info.Siblings {
		names[i] = s.Name
	}
	picked, indexed, err := selectFiles(id, names)
	if err != nil {
		return "", err
	}
	d := &downloader{opts: o, cache: c, client: cl, log: o.Logger.With("model", id.String()), progress: &syncProgress{p: o.Progress}}
	commit := info.SHA
	if indexed {
		if err := d.files(ctx, commit, []string{SafetensorsIndex}); err != nil {
			return "", err
		}
		data, err := os.ReadFile(c.pointer(commit, SafetensorsIndex))
		if err != nil {
			return "", fmt.Errorf("%s: %w", id, cacheErr("read "+SafetensorsIndex, err))
		}
		shards, err := parseShards(id.String(), data)
		if err != nil {
			return "", err
		}
		for _, s := range shards {
			if !slices.Contains(names, s) {
				return "", fmt.Errorf("%s: %s names shard %s, which the repository does not have: %w", id, SafetensorsIndex, s, ErrNotFound)
			}
		}
		picked = slices.DeleteFunc(picked, func(f string) bool { return f == SafetensorsIndex })
		picked = append(picked, shards...)
	}
	if err := d.files(ctx, commit, picked); err != nil {
		return "", err
	}
	if err := c.writeRef(rev, commit); err != nil {
		return "", fmt.Errorf("%s: %w", id, err)
	}
	return c.snapshot(commit), nil
}

// files brings files at commit into the snapshot: those already linked are
// left alone; for the others the Hub is asked for their ETag and size, the
// disk space is checked, and the missing blobs are downloaded in parallel
// and linked.
func (d *downloader) files(ctx context.Context, commit string, files []string) error {
	var todo []string
	for _, f := range files {
		if _, err := os.Stat(d.cache.pointer(commit, f)); err != nil {
			todo = append(todo, f)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	metas := make([]*fileMeta, len(todo))
	err := parallel(ctx, d.opts.Parallel, len(todo), func(ctx context.Context, i int) error {
		m, err := d.client.head(ctx, commit, todo[i])
		if err != nil {
			return fmt.Errorf("download %s: %w", todo[i], err)
		}
		if m.commit != "" && m.commit != commit {
			return fmt.Errorf("download %s: the Hub answered for commit %s, not %s: %w", todo[i], m.commit, commit, ErrBadResponse)
		}
		metas[i] = m
		return nil
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.cache.blob(""), 0o755); err != nil {
		return cacheErr("create the cache", err)
	}
	// What is missing, what an earlier attempt left, and whether it fits.
	var total, resumed, need int64
	counted := make([]int64, len(todo))
	fetching := map[string]bool{} // by ETag: one file may appear twice
	n := 0
	for i, m := range metas {
		if _, err := os.Stat(d.cache.blob(m.etag)); err == nil || fetching[m.etag] {
			counted[i] = -1 // not part of the progress's total
			continue
		}
		fetching[m.etag] = true
		n++
		total += max(m.size, 0)
		if st, err := os.Stat(d.cache.incomplete(m.etag)); err == nil && (m.size < 0 || st.Size() <= m.size) {
			counted[i] = st.Size()
		}
		resumed += counted[i]
		need += max(m.size, 0) - counted[i]
	}
	if free, ok := freeSpace(d.cache.blob("")); ok && need > free {
		return fmt.Errorf("%s needs %s more in %s, which has %s free: %w", d.cache.id, humanBytes(need), d.cache.root, humanBytes(free), ErrDiskFull)
	}
	if n > 0 {
		d.progress.start(n, total, resumed)
		defer d.progress.finish()
	}
	return parallel(ctx, d.opts.Parallel, len(todo), func(ctx context.Context, i int) error {
		f, m := todo[i], metas[i]
		if err := d.fetch(ctx, f, m, counted[i]); err != nil {
			return err
		}
		if err := d.cache.link(commit, f, m.etag); err != nil {
			return fmt.Errorf("download %s: %w", f, err)
		}
		d.progress.fileDone(f)
		return nil
	})
}

// parallel runs f for 0..n-1, at most limit at a time, and returns the
// first error; the others are then cancelled.
func parallel(ctx context.Context, limit, n int, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	sem := make(chan struct{}, limit)
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first == nil {
		return ctx.Err()
	}
	return first
}

// humanBytes writes a size in B, kB, MB or GB (powers of 1000, as the Hub
// shows sizes).
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
