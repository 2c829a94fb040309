package hub_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/hub"
)

// TestFromEnv: huggingface_hub's variables, in its order of precedence.
func TestFromEnv(t *testing.T) {
	home := t.TempDir()
	hfHome := filepath.Join(home, "hf")
	if err := os.MkdirAll(hfHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hfHome, "token"), []byte(" hf_from_file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      map[string]string
		cache    string
		endpoint string
		token    string
		offline  bool
	}{
		{name: "defaults", env: map[string]string{}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint},
		{name: "XDG_CACHE_HOME", env: map[string]string{"XDG_CACHE_HOME": "/xdg"}, cache: "/xdg/huggingface/hub", endpoint: hub.DefaultEndpoint},
		{name: "HF_HOME and its token file", env: map[string]string{"HF_HOME": hfHome, "XDG_CACHE_HOME": "/xdg"}, cache: hfHome + "/hub", endpoint: hub.DefaultEndpoint, token: "hf_from_file"},
		{name: "HF_HOME with ~", env: map[string]string{"HF_HOME": "~/hf"}, cache: hfHome + "/hub", endpoint: hub.DefaultEndpoint, token: "hf_from_file"},
		{name: "legacy HUGGINGFACE_HUB_CACHE", env: map[string]string{"HF_HOME": "/h", "HUGGINGFACE_HUB_CACHE": "/legacy"}, cache: "/legacy", endpoint: hub.DefaultEndpoint},
		{name: "HF_HUB_CACHE wins", env: map[string]string{"HF_HOME": "/h", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HUB_CACHE": "$ROOT/c"}, cache: "/r/c", endpoint: hub.DefaultEndpoint},
		{name: "HF_TOKEN wins over the file", env: map[string]string{"HF_HOME": hfHome, "HF_TOKEN": "hf_env\n", "HUGGING_FACE_HUB_TOKEN": "hf_old"}, cache: hfHome + "/hub", endpoint: hub.DefaultEndpoint, token: "hf_env"},
		{name: "legacy token variable", env: map[string]string{"HUGGING_FACE_HUB_TOKEN": "hf_old"}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint, token: "hf_old"},
		{name: "HF_TOKEN_PATH", env: map[string]string{"HF_TOKEN_PATH": filepath.Join(hfHome, "token")}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint, token: "hf_from_file"},
		{name: "mirror", env: map[string]string{"HF_ENDPOINT": "https://hf-mirror.example/"}, cache: home + "/.cache/huggingface/hub", endpoint: "https://hf-mirror.example"},
		{name: "offline 1", env: map[string]string{"HF_HUB_OFFLINE": "1"}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint, offline: true},
		{name: "offline yes", env: map[string]string{"HF_HUB_OFFLINE": "yes"}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint, offline: true},
		{name: "offline via transformers", env: map[string]string{"TRANSFORMERS_OFFLINE": "TRUE"}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint, offline: true},
		{name: "offline 0", env: map[string]string{"HF_HUB_OFFLINE": "0"}, cache: home + "/.cache/huggingface/hub", endpoint: hub.DefaultEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home, "ROOT": "/r"}
			for k, v := range tc.env {
				env[k] = v
			}
			o, err := hub.FromEnv(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if o.CacheDir != tc.cache || o.Endpoint != tc.endpoint || o.Token != tc.token || o.Offline != tc.offline {
				t.Errorf("got cache %q endpoint %q token %q offline %v\nwant cache %q endpoint %q token %q offline %v",
					o.CacheDir, o.Endpoint, o.Token, o.Offline, tc.cache, tc.endpoint, tc.token, tc.offline)
			}
		})
	}
}

// TestParseID: ids as the Hub validates them.
func TestParseID(t *testing.T) {
	good := []string{"Qwen/Qwen3-VL-2B-Instruct", "google/gemma-3-4b-it", "a/b", "org_1/model.v2", "meta-llama/Llama-3.2-11B-Vision"}
	bad := []string{"", "gpt2", "a/b/c", "/abs", "org/", "/name", "org/-x", "org/x.", "org/a--b", "org/a..b", "org/x.git", "org/x y", "./m"}
	for _, s := range good {
		if id, err := hub.ParseID(s); err != nil || id.String() != s {
			t.Errorf("ParseID(%q) = %v, %v", s, id, err)
		}
		if !hub.LooksLikeID(s) {
			t.Errorf("LooksLikeID(%q) = false", s)
		}
	}
	for _, s := range bad {
		if _, err := hub.ParseID(s); !errors.Is(err, hub.ErrInvalidID) {
			t.Errorf("ParseID(%q): %v, want ErrInvalidID", s, err)
		}
	}
	for _, s := range []string{"./org/name", "~/org/name", ".cache/x"} {
		if hub.LooksLikeID(s) {
			t.Errorf("LooksLikeID(%q) = true", s)
		}
	}
}
