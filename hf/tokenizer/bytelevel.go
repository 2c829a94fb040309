package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// byteLevelAlphabet is GPT-2's bytes_to_unicode table: every byte value maps
// to one printable rune, so that any byte string becomes a string of
// vocabulary characters. Printable Latin-1 bytes map to themselves; the 68
// others (controls, space, DEL, NBSP, soft hyphen...) map to U+0100 onwards
// in byte order.
type byteLevelAlphabet struct {
	toRune [256]rune
	toByte map[rune]byte
}

// newByteLevelAlphabet builds the table.
func newByteLevelAlphabet() *byteLevelAlphabet {
	a := &byteLevelAlphabet{toByte: make(map[rune]byte, 256)}
	next := rune(256)
	for b := 0; b < 256; b++ {
		printable := (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)
		r := rune(b)
		if !printable {
			r = next
			next++
		}
		a.toRune[b] = r
		a.toByte[r] = byte(b)
	}
	return a
}

// encode maps every byte of s to its byte-level rune.
func (a *byteLevelAlphabet) encode(s string) string {
	var sb strings.Builder
	sb.Grow(2 * len(s))
	for i := 0; i < len(s); i++ {
		sb.WriteRune(a.toRune[s[i]])
	}
	return sb.String()
}

// appendDecoded appends the bytes a token stands for to dst, as Hugging
// Face's ByteLevel decoder does: when every rune of token is a byte-level
// rune, their bytes; otherwise (e.g. an added token containing a space) the
// token's own UTF-8 bytes, unchanged.
func (a *byteLevelAlphabet) appendDecoded(dst []byte, token string) []byte {
	start := len(dst)
	for _, r := range token {
		b, ok := a.toByte[r]
		if !ok {
			return append(dst[:start], token...)
		}
		dst = append(dst, b)
	}
	return dst
}

// appendUTF8Lossy appends the UTF-8 reading of b to dst, replacing every
// maximal subpart of an ill-formed sequence with one U+FFFD. This is the
// Unicode "substitution of maximal subparts" practice that Python's
// bytes.decode(errors="replace") and Rust's String::from_utf8_lossy follow;
// it differs from Go's range loop, which replaces each bad byte separately.
func appendUTF8Lossy(dst []byte, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		n, lo, hi := utf8SequenceShape(c)
		if n == 0 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
			i++
			continue
		}
		j := i + 1
		for k := 1; k < n; k++ {
			if j >= len(b) || b[j] < lo || b[j] > hi {
				break
			}
			j++
			lo, hi = 0x80, 0xBF
		}
		if j-i == n {
			dst = append(dst, b[i:j]...)
		} else {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		}
		i = j
	}
	return dst
}

// utf8SequenceShape gives, for a non-ASCII lead byte, the length of the
// well-formed sequence it starts and the allowed range of the second byte
// (Unicode Table 3-7); n is 0 for a byte that cannot start a sequence.
func utf8SequenceShape(lead byte) (n int, lo, hi byte) {
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		return 2, 0x80, 0xBF
	case lead == 0xE0:
		return 3, 0xA0, 0xBF
	case lead == 0xED:
		return 3, 0x80, 0x9F
	case lead >= 0xE1 && lead <= 0xEF:
		return 3, 0x80, 0xBF
	case lead == 0xF0:
		return 4, 0x90, 0xBF
	case lead >= 0xF1 && lead <= 0xF3:
		return 4, 0x80, 0xBF
	case lead == 0xF4:
		return 4, 0x80, 0x8F
	}
	return 0, 0, 0
}
