package hub

import (
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"
)

// DefaultEndpoint is the Hub's address when neither Options.Endpoint nor
// HF_ENDPOINT says otherwise.
const DefaultEndpoint = "https://huggingface.co"

// DefaultRevision is the branch a model is read from when no revision is
// given.
const DefaultRevision = "main"

// Options says where the cache and the Hub are and how to download. The
// zero value is not usable: start from FromEnv, then override fields.
type Options struct {
	// CacheDir is the hub cache directory (HF_HUB_CACHE), the one holding
	// models--ORG--NAME directories.
	CacheDir string
	// Endpoint is the Hub or a mirror (HF_ENDPOINT), without a trailing
	// slash; empty means DefaultEndpoint.
	Endpoint string
	// Token is sent as "Authorization: Bearer" to the endpoint's host (not
	// to the CDN it redirects to); empty sends none.
	Token string
	// TokenSource says where Token came from ("HF_TOKEN", a file path), for
	// messages; it is never the token itself.
	TokenSource string
	// Revision is a branch, tag or full commit hash; empty means
	// DefaultRevision.
	Revision string
	// Offline uses the cache only and never opens a connection
	// (HF_HUB_OFFLINE).
	Offline bool

	// Client makes the HTTP requests; nil means a client with
	// http.DefaultTransport. Its CheckRedirect is replaced: redirects are
	// followed as huggingface_hub follows them.
	Client *http.Client
	// UserAgent is sent with every request; empty sends "vlmask".
	UserAgent string
	// Logger receives debug and warning messages; nil discards them.
	Logger hclog.Logger
	// Progress receives the download's progress; nil reports none.
	Progress Progress

	// Parallel is how many files download at once; 0 means 4.
	Parallel int
	// Retries is how many times a file whose connection breaks is resumed
	// (with Range) without any byte arriving in between; 0 means 5, a
	// negative value none.
	Retries int
	// RetryWait is the pause before resuming; 0 means one second.
	RetryWait time.Duration
	// StallTimeout abandons a download's connection (and resumes it, as
	// above) when no byte arrives for this long, and a question to the Hub
	// (the file list, a file's metadata) not answered in this time, which
	// is ErrNetwork; 0 means one minute.
	StallTimeout time.Duration

	// create opens a blob's .incomplete file for writing; nil means
	// os.OpenFile. Tests replace it to fail writes as a full disk does.
	create func(path string) (blobFile, error)
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if o.Revision == "" {
		o.Revision = DefaultRevision
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.UserAgent == "" {
		o.UserAgent = "vlmask"
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Retries == 0 {
		o.Retries = 5
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryWait <= 0 {
		o.RetryWait = time.Second
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = time.Minute
	}
	if o.create == nil {
		o.create = openBlobFile
	}
	return o
}
