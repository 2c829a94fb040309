package chattemplate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// applyLStripBlocks returns source with jinja2's lstrip_blocks applied, so
// that gonja can parse it with its own (broader) lstrip option off.
//
// jinja2 removes the whitespace between the start of a line and a block or
// comment tag ({% or {#, unless written {%+ or {#+) only when nothing else
// precedes the tag on that line. gonja also strips whitespace that follows
// an expression on the same line ("{{ x }} {% endif %}" loses its space),
// which jinja2 keeps.
//
// The scan follows jinja2's lexer closely enough for that decision: it
// skips expressions and tags (with their string literals and nested
// brackets), comments, and raw blocks, whose content is left untouched. Line
// endings are normalized to \n first, as both engines do.
func applyLStripBlocks(source string) string {
	src := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(source)
	var out strings.Builder
	out.Grow(len(src))
	dataStart := 0 // start of the current data run in src
	i := 0
	for i < len(src) {
		open := strings.Index(src[i:], "{")
		if open < 0 {
			break
		}
		pos := i + open
		if pos+1 >= len(src) {
			break
		}
		kind := src[pos+1]
		if kind != '{' && kind != '%' && kind != '#' {
			i = pos + 1
			continue
		}
		// The data run ends at this tag: copy it, lstripped if due.
		text := src[dataStart:pos]
		if kind != '{' && !hasSign(src, pos+2, '+') {
			text = lstripTagLine(text, dataStart == 0 || src[dataStart-1] == '\n')
		}
		out.WriteString(text)

		var end int
		switch kind {
		case '#':
			end = findCommentEnd(src, pos+2)
		case '{':
			end = findTagEnd(src, pos+2, "}}")
		default:
			end = findTagEnd(src, pos+2, "%}")
			if isRawTag(src[pos:end]) {
				out.WriteString(src[pos:end])
				// The endraw tag is then handled as any block tag.
				endraw := copyRawContent(src, end, &out)
				dataStart, i = endraw, endraw
				continue
			}
		}
		out.WriteString(src[pos:end])
		dataStart, i = end, end
	}
	out.WriteString(src[dataStart:])
	return out.String()
}

// lstripTagLine drops the whitespace that ends text when it runs from the
// start of a line: after the last newline in text, or from the start of
// text when that is a line start.
func lstripTagLine(text string, lineStart bool) string {
	lpos := strings.LastIndexByte(text, '\n') + 1
	if lpos == 0 && !lineStart {
		return text
	}
	tail := text[lpos:]
	if tail == "" || strings.TrimLeftFunc(tail, unicode.IsSpace) != "" {
		return text
	}
	return text[:lpos]
}

// hasSign reports whether src has the whitespace-control sign at i.
func hasSign(src string, i int, sign byte) bool {
	return i < len(src) && src[i] == sign
}

// findCommentEnd returns the index just past the "#}" closing a comment
// opened before i, or len(src).
func findCommentEnd(src string, i int) int {
	if j := strings.Index(src[i:], "#}"); j >= 0 {
		return i + j + 2
	}
	return len(src)
}

// findTagEnd returns the index just past closer ("}}" or "%}") ending the
// expression or tag whose body starts at i, skipping string literals and
// bracketed expressions, or len(src).
func findTagEnd(src string, i int, closer string) int {
	depth := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\'' || c == '"':
			i = skipString(src, i)
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0:
			depth--
		case depth == 0 && strings.HasPrefix(src[i:], closer):
			return i + len(closer)
		}
		_, size := utf8.DecodeRuneInString(src[i:])
		i += size
	}
	return len(src)
}

// skipString returns the index just past the string literal starting at i.
func skipString(src string, i int) int {
	quote := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case quote:
			return j + 1
		}
	}
	return len(src)
}

// isRawTag reports whether tag ("{% ... %}") opens a raw block.
func isRawTag(tag string) bool {
	body := strings.TrimSuffix(strings.TrimPrefix(tag, "{%"), "%}")
	body = strings.Trim(body, "-+")
	return strings.TrimSpace(body) == "raw"
}

// copyRawContent copies a raw block's content, which starts at i, to out
// unchanged except for lstripping before its endraw tag, and returns the
// index of that tag (or len(src)).
func copyRawContent(src string, i int, out *strings.Builder) int {
	for j := i; j < len(src); {
		k := strings.Index(src[j:], "{%")
		if k < 0 {
			break
		}
		pos := j + k
		end := findTagEnd(src, pos+2, "%}")
		body := strings.TrimSpace(strings.Trim(strings.TrimSuffix(src[pos+2:end], "%}"), "-+"))
		if body == "endraw" {
			text := src[i:pos]
			if !hasSign(src, pos+2, '+') {
				text = lstripTagLine(text, false)
			}
			out.WriteString(text)
			return pos
		}
		j = pos + 2
	}
	out.WriteString(src[i:])
	return len(src)
}
