package pluginhost

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestSearchDirs(t *testing.T) {
	t.Parallel()
	work := filepath.FromSlash("/work")
	tests := map[string]struct {
		dirs    []string
		env     map[string]string
		workDir bool
		want    []string
	}{
		"defaults with HOME: not the working directory": {
			env:  map[string]string{"HOME": "/home/u"},
			want: []string{"/home/u/.local/share/vlmask/plugins"},
		},
		"XDG_DATA_HOME wins over HOME": {
			env:  map[string]string{"HOME": "/home/u", "XDG_DATA_HOME": "/data"},
			want: []string{"/data/vlmask/plugins"},
		},
		"flag dirs, then the env list, relative ones against the work dir": {
			dirs: []string{"/opt/p", "rel"},
			env:  map[string]string{EnvPluginDir: "/e1" + string(filepath.ListSeparator) + "/e2"},
			want: []string{"/opt/p", "/work/rel", "/e1", "/e2"},
		},
		"the working directory only when asked": {
			dirs: []string{"/opt/p"}, workDir: true,
			env:  map[string]string{EnvPluginDir: "/e1", "HOME": "/home/u"},
			want: []string{"/opt/p", "/e1", "/work/.vlmask/plugins", "/home/u/.local/share/vlmask/plugins"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Dirs: tc.dirs, WorkDir: work, SearchWorkDir: tc.workDir, Getenv: func(k string) string { return tc.env[k] }}
			got := searchDirs(opts)
			want := make([]string, len(tc.want))
			for i, w := range tc.want {
				want[i] = filepath.FromSlash(w)
			}
			if !slices.Equal(got, want) {
				t.Errorf("searchDirs = %v, want %v", got, want)
			}
		})
	}
}

func TestPluginName(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		file string
		name string
		ok   bool
	}{
		"plugin":      {file: "vlmask-plugin-region-window", name: "region-window", ok: true},
		"no name":     {file: "vlmask-plugin-", ok: false},
		"other file":  {file: "README.md", ok: false},
		"near prefix": {file: "vlmask-plugins-x", ok: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok := pluginName(tc.file)
			if got != tc.name || ok != tc.ok {
				t.Errorf("pluginName(%q) = %q, %v; want %q, %v", tc.file, got, ok, tc.name, tc.ok)
			}
		})
	}
}
