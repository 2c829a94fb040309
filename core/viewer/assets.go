package viewer

import (
	"embed"
	"fmt"
	"regexp"
	"strings"
)

// assetFS holds the browser app: index.html, style.css and the ES modules
// under js/. They are plain files, used as written: no build step.
//
//go:embed assets
var assetFS embed.FS

// appModules lists the app's modules in dependency order (each imports
// only modules before it); export concatenates them in this order.
func appModules() []string {
	return []string{"util.js", "scale.js", "source.js", "tooltip.js", "imageview.js", "textstrip.js",
		"matrix.js", "heads.js", "compare.js", "main.js"}
}

// indexHTML is the page `vlmask serve` answers at /.
func indexHTML() []byte {
	b, err := assetFS.ReadFile("assets/index.html")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// importLine is the one form of import the modules use.
var importLine = regexp.MustCompile(`^import \{[^}]*\} from "\./([a-z]+\.js)";$`)

// bundle joins the app's modules into one module for a page that cannot
// load files (an exported HTML opened from disk): import lines go, and so
// does the export keyword, which is safe because the modules' top-level
// names are distinct (the export test loads the result in a browser).
func bundle() (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, name := range appModules() {
		src, err := assetFS.ReadFile("assets/js/" + name)
		if err != nil {
			return "", fmt.Errorf("bundle: %w", err)
		}
		fmt.Fprintf(&b, "// ---- %s\n", name)
		for _, line := range strings.Split(string(src), "\n") {
			if m := importLine.FindStringSubmatch(line); m != nil {
				if !seen[m[1]] {
					return "", fmt.Errorf("bundle: %s imports %s, which does not come before it", name, m[1])
				}
				continue
			}
			if strings.HasPrefix(line, "import ") {
				return "", fmt.Errorf("bundle: %s: import not of the form `import { ... } from \"./name.js\";`: %s", name, line)
			}
			b.WriteString(strings.TrimPrefix(line, "export "))
			b.WriteByte('\n')
		}
		seen[name] = true
	}
	return b.String(), nil
}

// stylesheet is the app's CSS.
func stylesheet() string {
	b, err := assetFS.ReadFile("assets/style.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}
