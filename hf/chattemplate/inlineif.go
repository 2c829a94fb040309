package chattemplate

import (
	"strings"
)

// gonja parses a conditional expression ("A if C else B") only as the whole
// of an output tag ({{ A if C else B }}); nested inside brackets, as
// Gemma 3's template writes it —
//
//	{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else "") }}
//
// — it is a syntax error. rewriteInlineIfs rewrites such an output tag, or a
// {% set name = ... %} tag, into an if block holding two copies of the tag,
// one with A and one with B in place of the bracketed conditional:
//
//	{%+ if loop.first +%}{{ ... + (first_user_prefix) }}{%+ else +%}{{ ... + ("") }}{%+ endif +%}
//
// Only the chosen branch is evaluated, as in jinja2, and the "+" signs keep
// trim_blocks and lstrip_blocks from touching the text around the new
// tags; the original tag's "-" signs move to the outer tags. Conditionals
// in other statements ({% if %}, {% for %}) are left to gonja.

// maxInlineIfRewrites bounds the rewriting of one template, each rewrite
// removing one conditional; as each doubles its tag, the template may also
// grow only so much. Real templates hold a handful; past the bounds the
// remaining conditionals are left for gonja to refuse.
const (
	maxInlineIfRewrites = 256
	maxInlineIfGrowth   = 16
)

// rewriteInlineIfs applies the rewrite until no bracketed conditional is
// left in an output or set tag.
func rewriteInlineIfs(src string) string {
	limit := maxInlineIfGrowth*len(src) + 1<<16
	for range maxInlineIfRewrites {
		next, changed := rewriteOneInlineIf(src)
		if !changed || len(next) > limit {
			return src
		}
		src = next
	}
	return src
}

// rewriteOneInlineIf rewrites the first tag holding a bracketed
// conditional.
func rewriteOneInlineIf(src string) (string, bool) {
	for i := 0; i < len(src); {
		open := strings.Index(src[i:], "{")
		if open < 0 || i+open+1 >= len(src) {
			return src, false
		}
		pos := i + open
		var end int
		switch src[pos+1] {
		case '#':
			end = findCommentEnd(src, pos+2)
		case '{':
			end = findTagEnd(src, pos+2, "}}")
			if out, ok := rewriteTag(src, pos, end, "{{", "}}"); ok {
				return out, true
			}
		case '%':
			end = findTagEnd(src, pos+2, "%}")
			if isRawTag(src[pos:end]) {
				end = skipRawContent(src, end)
			} else if isSetTag(src[pos:end]) {
				if out, ok := rewriteTag(src, pos, end, "{%", "%}"); ok {
					return out, true
				}
			}
		default:
			i = pos + 1
			continue
		}
		i = end
	}
	return src, false
}

// skipRawContent returns the index of the endraw tag of a raw block whose
// content starts at i (or len(src)).
func skipRawContent(src string, i int) int {
	var discard strings.Builder
	return copyRawContent(src, i, &discard)
}

// isSetTag reports whether tag ("{% ... %}") is a set statement.
func isSetTag(tag string) bool {
	body := strings.TrimSpace(strings.Trim(strings.TrimSuffix(strings.TrimPrefix(tag, "{%"), "%}"), "-+"))
	return strings.HasPrefix(body, "set ") || strings.HasPrefix(body, "set\t")
}

// rewriteTag rewrites the tag src[pos:end] (opened by opener, closed by
// closer) if its body holds a bracketed conditional.
func rewriteTag(src string, pos, end int, opener, closer string) (string, bool) {
	if end-pos < len(opener)+len(closer) || !strings.HasSuffix(src[pos:end], closer) {
		return src, false
	}
	bodyStart, bodyEnd := pos+len(opener), end-len(closer)
	leftSign, rightSign := byte(0), byte(0)
	if hasSign(src, bodyStart, '-') || hasSign(src, bodyStart, '+') {
		leftSign = src[bodyStart]
		bodyStart++
	}
	if bodyEnd > bodyStart && (src[bodyEnd-1] == '-' || src[bodyEnd-1] == '+') {
		rightSign = src[bodyEnd-1]
		bodyEnd--
	}
	body := src[bodyStart:bodyEnd]
	cond, a, b, ok := splitBracketedConditional(body)
	if !ok {
		return src, false
	}
	left, right := "{%+", "+%}"
	if leftSign == '-' {
		left = "{%-"
	}
	if rightSign == '-' {
		right = "-%}"
	}
	// Inner set tags get "+" signs; output tags are never trimmed.
	innerOpen, innerClose := opener, closer
	if opener == "{%" {
		innerOpen, innerClose = "{%+", "+%}"
	}
	var sb strings.Builder
	sb.WriteString(src[:pos])
	sb.WriteString(left + " if " + cond + " +%}")
	sb.WriteString(innerOpen + a + innerClose)
	sb.WriteString("{%+ else +%}")
	sb.WriteString(innerOpen + b + innerClose)
	sb.WriteString("{%+ endif " + right)
	sb.WriteString(src[end:])
	return sb.String(), true
}

// splitBracketedConditional finds the first conditional expression that
// fills a bracketed element of body — the whole of a parenthesized group,
// or one comma-separated item of a call, tuple or list — and returns its
// condition and body with the element replaced by each branch.
func splitBracketedConditional(body string) (cond, withA, withB string, ok bool) {
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '\'', '"':
			i = skipString(body, i) - 1
		case '(', '[':
			closeAt := matchingBracket(body, i)
			if closeAt < 0 {
				return "", "", "", false
			}
			for _, item := range topLevelItems(body, i+1, closeAt) {
				start := item[0] + keywordArgLen(body[item[0]:item[1]])
				a, cnd, b, found := splitConditional(body[start:item[1]])
				if !found {
					continue
				}
				pre, post := body[:start], body[item[1]:]
				return cnd, pre + "(" + a + ")" + post, pre + "(" + b + ")" + post, true
			}
		}
	}
	return "", "", "", false
}

// matchingBracket returns the index of the bracket closing the one at
// open, skipping strings, or -1.
func matchingBracket(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			i = skipString(s, i) - 1
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// topLevelItems splits s[from:to] at its top-level commas and returns the
// byte range of each item.
func topLevelItems(s string, from, to int) [][2]int {
	var items [][2]int
	start, depth := from, 0
	for i := from; i < to; i++ {
		switch s[i] {
		case '\'', '"':
			i = skipString(s, i) - 1
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				items = append(items, [2]int{start, i})
				start = i + 1
			}
		}
	}
	return append(items, [2]int{start, to})
}

// splitConditional splits "A if C else B" at its top-level keywords (the
// first "if", then the first "else" after it; B may itself be a
// conditional, which Python groups to the right).
func splitConditional(expr string) (a, cond, b string, ok bool) {
	ifAt := topLevelKeyword(expr, "if", 0)
	if ifAt < 0 {
		return "", "", "", false
	}
	elseAt := topLevelKeyword(expr, "else", ifAt+2)
	if elseAt < 0 || strings.TrimSpace(expr[:ifAt]) == "" {
		return "", "", "", false
	}
	return expr[:ifAt], expr[ifAt+2 : elseAt], expr[elseAt+4:], true
}

// topLevelKeyword returns the index of the word kw in s at or after from,
// outside strings and brackets, or -1.
func topLevelKeyword(s, kw string, from int) int {
	depth := 0
	for i := from; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			i = skipString(s, i) - 1
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], kw) && wordBoundary(s, i-1) && wordBoundary(s, i+len(kw)):
			return i
		}
	}
	return -1
}

// wordBoundary reports whether s[i] is outside s or not part of a name.
func wordBoundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
}

// keywordArgLen returns the length of a leading "name=" in a call
// argument, 0 if there is none.
func keywordArgLen(item string) int {
	i := 0
	for i < len(item) && (item[i] == ' ' || item[i] == '\t' || item[i] == '\n') {
		i++
	}
	start := i
	for i < len(item) && (item[i] == '_' || item[i] >= 'a' && item[i] <= 'z' || item[i] >= 'A' && item[i] <= 'Z' ||
		i > start && item[i] >= '0' && item[i] <= '9') {
		i++
	}
	if i == start {
		return 0
	}
	for i < len(item) && item[i] == ' ' {
		i++
	}
	if i+1 < len(item) && item[i] == '=' && item[i+1] != '=' {
		return i + 1
	}
	return 0
}
