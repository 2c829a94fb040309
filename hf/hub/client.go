package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxInfoBytes bounds the model-info answer (a file list).
const maxInfoBytes = 32 << 20

// client speaks the Hub's HTTP protocol for one repository.
type client struct {
	http     *http.Client // redirects are not followed by it; see do
	endpoint *url.URL
	id       RepoID
	token    string
	tokenSrc string
	agent    string
	timeout  time.Duration // for a question to the Hub (not a download)
}

// errNoAnswer ends a question to the Hub that got no answer in time.
var errNoAnswer = errors.New("no answer in time")

func newClient(o Options, id RepoID) (*client, error) {
	ep, err := url.Parse(o.Endpoint)
	if err != nil || ep.Scheme == "" || ep.Host == "" {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL: %w", o.Endpoint, ErrBadResponse)
	}
	hc := *o.Client
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{http: &hc, endpoint: ep, id: id, token: o.Token, tokenSrc: o.TokenSource, agent: o.UserAgent, timeout: o.StallTimeout}, nil
}

// page is the repository's page on the Hub, where a gated model's licence
// is accepted.
func (c *client) page() string {
	return strings.TrimRight(c.endpoint.String(), "/") + "/" + c.id.String()
}

// repoInfo is the part of GET /api/models/{id}/revision/{rev}?blobs=true
// that is read.
type repoInfo struct {
	SHA      string    `json:"sha"`
	Siblings []sibling `json:"siblings"`
}

type sibling struct {
	Name string `json:"rfilename"`
	Size int64  `json:"size"`
}

// info asks for the commit a revision points to and the files at it.
func (c *client) info(ctx context.Context, revision string) (*repoInfo, error) {
	u := c.endpoint.JoinPath("api", "models", c.id.Org, c.id.Name, "revision")
	u.RawPath = u.EscapedPath() + "/" + url.PathEscape(revision)
	u.Path += "/" + revision
	u.RawQuery = "blobs=true"
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errNoAnswer)
	defer cancel()
	resp, _, err := c.onHub(ctx, http.MethodGet, u, nil)
	if err != nil {
		if errors.Is(err, ErrNetwork) {
			return nil, fmt.Errorf("look up %s at %s: %w", c.id, revision, err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, c.statusErr(resp, revision, "")
	}
	var info repoInfo
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxInfoBytes)).Decode(&info); err != nil {
		if ctx.Err() != nil {
			return nil, ctxErr(ctx, http.MethodGet, u)
		}
		return nil, fmt.Errorf("file list of %s at %s: %v: %w", c.id, revision, err, ErrBadResponse)
	}
	if !IsCommit(info.SHA) {
		return nil, fmt.Errorf("file list of %s at %s: sha %q is not a commit hash: %w", c.id, revision, info.SHA, ErrBadResponse)
	}
	return &info, nil
}

// fileMeta is what a HEAD on a resolve URL tells about a file.
type fileMeta struct {
	etag     string   // the blob's name: sha256 (LFS) or git sha1
	size     int64    // -1 when the Hub did not say
	commit   string   // X-Repo-Commit
	location *url.URL // where to GET the bytes
}

// head asks for a file's metadata at a commit. Relative redirects (a
// renamed repository) are followed; a redirect to another host (the CDN)
// is not: its Location is where the bytes are fetched from, and its
// X-Linked-Etag and X-Linked-Size describe the file.
func (c *client) head(ctx context.Context, commit, file string) (*fileMeta, error) {
	u := c.endpoint.JoinPath(c.id.Org, c.id.Name, "resolve", commit, file)
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errNoAnswer)
	defer cancel()
	resp, u, err := c.onHub(ctx, http.MethodHead, u, http.Header{"Accept-Encoding": {"identity"}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return nil, c.statusErr(resp, commit, file)
	}
	redirect := resp.StatusCode >= 300
	m := &fileMeta{
		etag:     normalizeETag(firstNonEmpty(resp.Header.Get("X-Linked-Etag"), resp.Header.Get("ETag"))),
		size:     -1,
		commit:   resp.Header.Get("X-Repo-Commit"),
		location: u,
	}
	size := resp.Header.Get("X-Linked-Size")
	if size == "" && !redirect {
		size = resp.Header.Get("Content-Length")
	}
	if n, err := strconv.ParseInt(size, 10, 64); err == nil && n >= 0 {
		m.size = n
	}
	if redirect {
		loc := resp.Header.Get("Location")
		if m.location, err = u.Parse(loc); err != nil || loc == "" {
			return nil, fmt.Errorf("%s: redirect without a usable Location: %w", file, ErrBadResponse)
		}
	}
	if !safeETag(m.etag) {
		return nil, fmt.Errorf("%s: no usable ETag in the Hub's answer (%q): %w", file, m.etag, ErrBadResponse)
	}
	return m, nil
}

// onHub sends a request to the Hub and follows its relative redirects (a
// renamed repository), as huggingface_hub does; a redirect to another host
// (the CDN) is returned as it is, with the URL that answered.
func (c *client) onHub(ctx context.Context, method string, u *url.URL, h http.Header) (*http.Response, *url.URL, error) {
	for range 10 {
		resp, err := c.do(ctx, method, u, h)
		if err != nil {
			return nil, nil, err
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return resp, u, nil
		}
		if l, err := url.Parse(loc); err != nil || l.Host != "" {
			return resp, u, nil
		}
		resp.Body.Close()
		next, err := u.Parse(loc)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: bad Location %q: %w", method, u.Redacted(), loc, ErrBadResponse)
		}
		u = next
	}
	return nil, nil, fmt.Errorf("%s %s: too many redirects: %w", method, u.Redacted(), ErrBadResponse)
}

// get starts a GET of the bytes at u from offset (a Range request when
// offset > 0). The caller closes the body.
func (c *client) get(ctx context.Context, u *url.URL, offset int64) (*http.Response, error) {
	h := http.Header{"Accept-Encoding": {"identity"}}
	if offset > 0 {
		h.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	for range 10 {
		resp, err := c.do(ctx, http.MethodGet, u, h)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode < 300 || resp.StatusCode >= 400 {
			return resp, nil
		}
		resp.Body.Close()
		next, err := u.Parse(resp.Header.Get("Location"))
		if err != nil || resp.Header.Get("Location") == "" {
			return nil, fmt.Errorf("GET %s: redirect without a usable Location: %w", u.Redacted(), ErrBadResponse)
		}
		u = next
	}
	return nil, fmt.Errorf("GET %s: too many redirects: %w", u.Redacted(), ErrBadResponse)
}

// do sends one request. The token goes only to the endpoint's own host
// (huggingface_hub drops it before the CDN too). Transport failures are
// ErrNetwork; a cancelled context stays a cancellation.
func (c *client) do(ctx context.Context, method string, u *url.URL, h http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: %w", method, u.Redacted(), err, ErrBadResponse)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.agent)
	if c.token != "" && u.Host == c.endpoint.Host {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctxErr(ctx, method, u)
		}
		return nil, fmt.Errorf("%s %s: %w: %w", method, u.Redacted(), unwrapURLErr(err), ErrNetwork)
	}
	return resp, nil
}

// ctxErr is the error of a request whose context ended: a question the Hub
// left unanswered is ErrNetwork, a cancellation stays one.
func ctxErr(ctx context.Context, method string, u *url.URL) error {
	if errors.Is(context.Cause(ctx), errNoAnswer) {
		return fmt.Errorf("%s %s: %w: %w", method, u.Redacted(), errNoAnswer, ErrNetwork)
	}
	return ctx.Err()
}

// statusErr turns an error answer into a sentinel error whose message says
// what to do. The Hub's X-Error-Code header tells a missing repository,
// revision or file and a gated one apart; without it the status code does.
func (c *client) statusErr(resp *http.Response, revision, file string) error {
	code := resp.Header.Get("X-Error-Code")
	msg := resp.Header.Get("X-Error-Message")
	status := resp.Status
	what := c.id.String()
	if file != "" {
		what = c.id.String() + ": " + file
	}
	tokenHint := "set HF_TOKEN (or save a token in the Hugging Face token file)"
	if c.token != "" {
		tokenHint = "check that the token from " + c.tokenSrc + " belongs to an account that has access"
	}
	switch {
	case code == "GatedRepo":
		return fmt.Errorf("%s is a gated model (%s): accept its licence at %s, then %s: %w", c.id, status, c.page(), tokenHint, ErrAccess)
	case code == "RevisionNotFound":
		return fmt.Errorf("%s has no revision %q (%s): %w", c.id, revision, status, ErrNotFound)
	case code == "EntryNotFound":
		return fmt.Errorf("%s: no file %s at %s (%s): %w", c.id, file, revision, status, ErrNotFound)
	case code == "RepoNotFound" || resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("no model %s on %s (%s); if it is private, %s: %w", c.id, c.endpoint.Host, status, tokenHint, ErrNotFound)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		detail := ""
		if msg != "" {
			detail = ": " + msg
		}
		return fmt.Errorf("%s: access denied (%s%s): if the model is gated, accept its licence at %s, then %s: %w", what, status, detail, c.page(), tokenHint, ErrAccess)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("%s: the Hub answered %s; try again later: %w", what, status, ErrNetwork)
	}
	return fmt.Errorf("%s: the Hub answered %s: %w", what, status, ErrBadResponse)
}

// normalizeETag strips the weak prefix and the quotes, as huggingface_hub
// does before naming a blob after an ETag.
func normalizeETag(etag string) string {
	return strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)
}

// safeETag accepts ETags that can name a file: letters, digits, '-', '_'
// and '.', not starting with a dot.
func safeETag(etag string) bool {
	if etag == "" || etag[0] == '.' || len(etag) > 200 {
		return false
	}
	for _, r := range etag {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unwrapURLErr drops net/http's "Get "URL": " prefix, which the caller's
// message already carries.
func unwrapURLErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
