package hub

import (
	"fmt"
	"regexp"
	"strings"
)

// idPart is one side of ORG/NAME as the Hub validates it (huggingface_hub's
// REPO_ID_REGEX): letters, digits, '_', '-' and '.', starting and ending
// with a letter, digit or '_', at most 96 characters.
var idPart = regexp.MustCompile(`^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$`)

// commitRe is a full commit hash, the only revision that never moves.
var commitRe = regexp.MustCompile(`^[0-9a-f]{40}$`)

// RepoID is a model's id on the Hub, "ORG/NAME".
type RepoID struct{ Org, Name string }

// ParseID checks that s is a model id in the form ORG/NAME. A bare NAME
// (the Hub's few legacy ids without an organisation) is not accepted, so
// that a bare word stays a local directory.
func ParseID(s string) (RepoID, error) {
	org, name, ok := strings.Cut(s, "/")
	switch {
	case !ok || strings.Contains(name, "/"):
		return RepoID{}, fmt.Errorf("%q: want ORG/NAME: %w", s, ErrInvalidID)
	case !idPart.MatchString(org) || !idPart.MatchString(name):
		return RepoID{}, fmt.Errorf("%q: ORG and NAME may hold letters, digits, '-', '_' and '.', and start and end with a letter or digit: %w", s, ErrInvalidID)
	case strings.Contains(s, "--") || strings.Contains(s, ".."):
		return RepoID{}, fmt.Errorf("%q: \"--\" and \"..\" are not allowed in an id: %w", s, ErrInvalidID)
	case strings.HasSuffix(name, ".git"):
		return RepoID{}, fmt.Errorf("%q: an id does not end in .git: %w", s, ErrInvalidID)
	}
	return RepoID{Org: org, Name: name}, nil
}

// String is "ORG/NAME".
func (id RepoID) String() string { return id.Org + "/" + id.Name }

// folder is the repository's directory name in the cache,
// "models--ORG--NAME".
func (id RepoID) folder() string { return "models--" + id.Org + "--" + id.Name }

// idFromFolder is the inverse of folder; ok is false for other names
// (datasets--…, spaces--…, .locks).
func idFromFolder(name string) (RepoID, bool) {
	rest, ok := strings.CutPrefix(name, "models--")
	if !ok {
		return RepoID{}, false
	}
	org, repo, ok := strings.Cut(rest, "--")
	if !ok {
		return RepoID{}, false
	}
	id, err := ParseID(org + "/" + repo)
	return id, err == nil
}

// IsCommit reports whether rev is a full 40-hex commit hash.
func IsCommit(rev string) bool { return commitRe.MatchString(rev) }

// LooksLikeID reports whether a --model value that is not an existing
// directory should be read as a Hub id: ORG/NAME, not starting like a path
// ("/", ".", "~").
func LooksLikeID(spec string) bool {
	if spec == "" || strings.ContainsAny(spec[:1], "/.~") {
		return false
	}
	_, err := ParseID(spec)
	return err == nil
}
