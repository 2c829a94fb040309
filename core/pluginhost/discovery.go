package pluginhost

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// FilePrefix starts the file name of every external plugin:
// vlmask-plugin-<name> (plus .exe on Windows).
const FilePrefix = "vlmask-plugin-"

// EnvPluginDir is the environment variable naming more plugin directories
// (a list, separated like PATH).
const EnvPluginDir = "VLMASK_PLUGIN_DIR"

// Where a candidate was found.
const (
	SourceReattach = "reattach"
	SourceDir      = "dir"
	SourceBuiltin  = "builtin"
)

// candidate is a plugin found in the search path, not yet started.
type candidate struct {
	name     string
	path     string   // executable
	args     []string // after the executable
	source   string
	dir      string // for SourceDir
	explicit bool   // dir is one of Options.Dirs (the command line's --plugin-dir)
	reattach *plugin.ReattachConfig
	shadowed []string // later candidates of the same name
	// shadowsBuiltin: a directory plugin used instead of the built-in of
	// its name (Options.AllowShadowBuiltins).
	shadowsBuiltin bool
}

// searchDirs is the directory part of the search order: opts.Dirs,
// $VLMASK_PLUGIN_DIR, ./.vlmask/plugins (only with opts.SearchWorkDir),
// then the user data dir.
func searchDirs(opts Options) []string {
	dirs := slices.Clone(opts.Dirs)
	if env := opts.Getenv(EnvPluginDir); env != "" {
		for _, d := range filepath.SplitList(env) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	if opts.SearchWorkDir {
		dirs = append(dirs, WorkDirPlugins(opts.WorkDir))
	}
	if data := opts.Getenv("XDG_DATA_HOME"); data != "" {
		dirs = append(dirs, filepath.Join(data, "vlmask", "plugins"))
	} else if home := opts.Getenv("HOME"); home != "" {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "vlmask", "plugins"))
	}
	for i, d := range dirs {
		if !filepath.IsAbs(d) {
			dirs[i] = filepath.Join(opts.WorkDir, d)
		}
	}
	return dirs
}

// WorkDirPlugins is the working directory's plugin directory,
// ./.vlmask/plugins, searched only with Options.SearchWorkDir.
func WorkDirPlugins(workDir string) string { return filepath.Join(workDir, ".vlmask", "plugins") }

// discover lists the plugins in search order, the first of each name
// winning; later ones are recorded as shadowed and logged. A directory
// plugin with a built-in's name is skipped, with a warning, unless
// opts.AllowShadowBuiltins. warn logs a warning once per host.
func discover(opts Options, log hclog.Logger, warn func(msg string, args ...any)) []*candidate {
	var found []*candidate
	for _, name := range sortedNames(opts.Reattach) {
		found = append(found, &candidate{name: name, source: SourceReattach, reattach: opts.Reattach[name], path: "(reattached)"})
	}
	explicit := len(opts.Dirs)
	for i, dir := range searchDirs(opts) {
		for _, c := range scanDir(dir, log) {
			c.explicit = i < explicit
			found = append(found, c)
		}
	}
	builtins := map[string]*candidate{}
	for _, name := range opts.Builtins {
		c := &candidate{name: name, path: opts.SelfExe, args: []string{ServePluginCommand, name}, source: SourceBuiltin}
		builtins[name] = c
		found = append(found, c)
	}
	byName := map[string]*candidate{}
	var out []*candidate
	for _, c := range found {
		if b := builtins[c.name]; b != nil && c.source == SourceDir {
			if !opts.AllowShadowBuiltins {
				b.shadowed = append(b.shadowed, c.path)
				warn("plugin ignored: it has the name of a built-in plugin (allow it with --plugin-allow-shadow)",
					"plugin", c.name, "ignored", c.path)
				continue
			}
			c.shadowsBuiltin = true
		}
		if first, dup := byName[c.name]; dup {
			first.shadowed = append(first.shadowed, c.path)
			log.Info("plugin shadowed: the first in search order wins", "plugin", c.name, "used", first.path, "ignored", c.path)
			continue
		}
		byName[c.name] = c
		out = append(out, c)
	}
	return out
}

// scanDir lists the plugin executables in dir. A missing dir is skipped
// quietly; directories and non-executable files with the plugin prefix are
// skipped with a warning.
func scanDir(dir string, log hclog.Logger) []*candidate {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !os.IsNotExist(err) {
			log.Warn("skipping plugin directory", "dir", dir, "error", err)
		}
		return nil
	}
	var out []*candidate
	for _, e := range entries {
		name, ok := pluginName(e.Name())
		if !ok {
			continue
		}
		path := filepath.Join(dir, e.Name())
		info, err := os.Stat(path) // follows symlinks
		switch {
		case err != nil:
			log.Warn("skipping plugin", "path", path, "error", err)
			continue
		case info.IsDir():
			log.Warn("skipping plugin: a directory, not an executable", "path", path)
			continue
		case !isExecutable(info):
			log.Warn("skipping plugin: not executable (chmod +x it)", "path", path)
			continue
		}
		out = append(out, &candidate{name: name, path: path, source: SourceDir, dir: dir})
	}
	return out
}

// pluginName extracts <name> from vlmask-plugin-<name>[.exe].
func pluginName(file string) (string, bool) {
	if !strings.HasPrefix(file, FilePrefix) {
		return "", false
	}
	name := strings.TrimPrefix(file, FilePrefix)
	if runtime.GOOS == "windows" {
		name = strings.TrimSuffix(strings.TrimSuffix(name, ".exe"), ".EXE")
	}
	return name, name != ""
}

func isExecutable(info os.FileInfo) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(filepath.Ext(info.Name()), ".exe")
	}
	return info.Mode().Perm()&0o111 != 0
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
