// Package hub finds Hugging Face models by id — "Qwen/Qwen3-VL-2B-Instruct"
// — in the Hugging Face cache, and downloads the files vlmask needs into
// that cache when they are missing, so that a model downloaded by
// transformers is found here and a model downloaded here is found by
// transformers.
//
// The cache layout is huggingface_hub's (its file_download.py and the
// "Manage the cache" guide):
//
//	$HF_HUB_CACHE/                           (default $HF_HOME/hub, ~/.cache/huggingface/hub)
//	  models--ORG--NAME/
//	    blobs/ETAG                           file contents, named by the Hub's ETag
//	    blobs/ETAG.incomplete                a download in progress, resumed with HTTP Range
//	    refs/REVISION                        the commit a branch or tag pointed to (no newline)
//	    snapshots/COMMIT/FILE -> ../../blobs/ETAG
//	  .locks/models--ORG--NAME/ETAG.lock     flock(2) lock held while ETAG is downloaded
//
// A file's ETag is the sha256 of its contents for Git LFS files (weights)
// and the git blob sha1 for the others; a blob is renamed out of its
// .incomplete file, and linked into a snapshot, only after its size and
// that hash match, and refs/REVISION is written only once every file of the
// snapshot is linked. The lock is the same flock that huggingface_hub's
// filelock takes on the same path, so vlmask and Python processes sharing a
// cache on one machine wait for each other; where flock is silently broken
// (some network filesystems) the hash check still keeps a garbled blob out.
//
// The Hub's endpoints, as huggingface_hub calls them:
//
//	GET  {endpoint}/api/models/{id}/revision/{revision}?blobs=true   the commit sha and file list
//	HEAD {endpoint}/{id}/resolve/{commit}/{file}                      X-Repo-Commit, ETag / X-Linked-Etag,
//	                                                                  Content-Length / X-Linked-Size, Location
//	GET  the Location (a CDN) or the resolve URL                      the bytes, with Range when resuming
//
// Relative redirects (a renamed repository) are followed on the Hub; the
// token (HF_TOKEN, else the token file) goes only to the endpoint's host,
// never to the CDN.
//
// Calls go one way: the CLI calls Resolve (a directory or an id → a
// checkpoint directory), Download, and List; this package calls nothing
// else of vlmask's and reads no weights (see hf/safetensors). Settings
// come in Options, read from the environment once by FromEnv; nothing is
// global. Errors match the sentinels in errors.go with errors.Is, so the CLI
// can give each class its own exit code, and every message is one line.
package hub
