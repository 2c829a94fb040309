package hub

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FromEnv reads the Options that huggingface_hub reads from its
// environment variables, with getenv (os.Getenv, or a map in tests):
//
//   - CacheDir: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub,
//     where HF_HOME defaults to $XDG_CACHE_HOME/huggingface, else
//     ~/.cache/huggingface; "~" and $VARS are expanded as Python's
//     expanduser and expandvars do.
//   - Endpoint: HF_ENDPOINT without its trailing slash, else
//     DefaultEndpoint.
//   - Token: HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, else the token file
//     (HF_TOKEN_PATH, else $HF_HOME/token), with line breaks and
//     surrounding spaces removed.
//   - Offline: HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is 1, ON, YES or TRUE
//     (any case).
//
// A token file that exists but cannot be read is an error; a missing one
// is not.
func FromEnv(getenv func(string) string) (Options, error) {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	expand := func(p string) string {
		if p == "~" || strings.HasPrefix(p, "~/") {
			p = home + p[1:]
		}
		return os.Expand(p, func(k string) string {
			if v := getenv(k); v != "" {
				return v
			}
			return "$" + k // expandvars leaves unknown variables as they are
		})
	}
	hfHome := getenv("HF_HOME")
	if hfHome == "" {
		xdg := getenv("XDG_CACHE_HOME")
		if xdg == "" {
			xdg = filepath.Join(home, ".cache")
		}
		hfHome = filepath.Join(xdg, "huggingface")
	}
	hfHome = expand(hfHome)
	cache := getenv("HF_HUB_CACHE")
	if cache == "" {
		cache = getenv("HUGGINGFACE_HUB_CACHE")
	}
	if cache == "" {
		cache = filepath.Join(hfHome, "hub")
	}
	o := Options{
		CacheDir: expand(cache),
		Endpoint: strings.TrimRight(getenv("HF_ENDPOINT"), "/"),
		Offline:  isTrue(getenv("HF_HUB_OFFLINE")) || isTrue(getenv("TRANSFORMERS_OFFLINE")),
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if t := cleanToken(getenv(k)); t != "" {
			o.Token, o.TokenSource = t, k
			return o, nil
		}
	}
	path := getenv("HF_TOKEN_PATH")
	if path == "" {
		path = filepath.Join(hfHome, "token")
	}
	path = expand(path)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return o, fmt.Errorf("read the Hugging Face token file: %w", err)
	}
	if t := cleanToken(string(b)); t != "" {
		o.Token, o.TokenSource = t, path
	}
	return o, nil
}

// isTrue is huggingface_hub's reading of a boolean variable.
func isTrue(v string) bool {
	switch strings.ToUpper(v) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

// cleanToken drops line breaks and surrounding spaces, as huggingface_hub
// does before sending a token.
func cleanToken(t string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", "", "\n", "").Replace(t))
}
