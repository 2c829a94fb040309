package hub

import "errors"

// Errors that Resolve, Download and List return, wrapped with context;
// match them with errors.Is. Each is one class of failure that the CLI
// reports with its own exit code.
var (
	// ErrInvalidID reports a model id that is not ORG/NAME as the Hub
	// spells ids (letters, digits, '-', '_', '.'; no "--" or "..").
	ErrInvalidID = errors.New("not a Hugging Face model id")
	// ErrNotFound reports a repository, revision or file that the Hub does
	// not have (HTTP 404, or the Hub's RepoNotFound, RevisionNotFound and
	// EntryNotFound error codes).
	ErrNotFound = errors.New("not found on the Hub")
	// ErrAccess reports a repository the Hub refuses to serve without a
	// (better) token: a gated model whose licence has not been accepted, a
	// private repository, or an invalid token (HTTP 401 and 403).
	ErrAccess = errors.New("access denied by the Hub")
	// ErrNetwork reports a Hub that cannot be reached or answers with a
	// server error, or a connection that kept failing in the middle of a
	// file.
	ErrNetwork = errors.New("network error")
	// ErrOffline reports a model that offline mode (HF_HUB_OFFLINE or
	// Options.Offline) asked for but the cache does not hold completely.
	ErrOffline = errors.New("not in the cache and offline mode is on")
	// ErrChecksum reports a downloaded file whose size or hash differs from
	// the Hub's ETag; the partial file is deleted.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrDiskFull reports a cache that ran out of space (or quota), before
	// or during a download.
	ErrDiskFull = errors.New("no space left in the cache")
	// ErrCache reports a cache directory that cannot be read or written
	// for another reason (permissions, a read-only filesystem).
	ErrCache = errors.New("cache error")
	// ErrNoSafetensors reports a repository without safetensors weights.
	// Pickle weights (.bin, .pt, .pth, .ckpt) are never loaded: unpickling
	// runs arbitrary code from the file.
	ErrNoSafetensors = errors.New("no safetensors weights")
	// ErrBadResponse reports an answer from the Hub (or a mirror) that
	// does not follow the protocol: no commit, no ETag, a malformed file
	// list.
	ErrBadResponse = errors.New("unexpected answer from the Hub")
)
