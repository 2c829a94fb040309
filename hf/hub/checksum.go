package hub

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
)

var (
	sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)
	sha1Re   = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// newVerifier returns the hash that a file with this ETag must have, fed
// with the file's bytes: an LFS file's ETag is the sha256 of its contents,
// another file's is its git blob sha1 (sha1 of "blob SIZE\x00" and the
// contents). For an ETag of another shape (a mirror's own), it returns
// nil: only the size is checked.
func newVerifier(etag string, size int64) hash.Hash {
	switch {
	case sha256Re.MatchString(etag):
		return sha256.New()
	case sha1Re.MatchString(etag) && size >= 0:
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", size)
		return h
	}
	return nil
}

// checkSum compares the hash of the bytes written with the ETag.
func checkSum(h hash.Hash, etag string) error {
	if h == nil {
		return nil
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != etag {
		return fmt.Errorf("its hash is %s, the Hub's ETag says %s: %w", got, etag, ErrChecksum)
	}
	return nil
}
