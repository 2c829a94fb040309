package testmodel

// byteAlphabet returns GPT-2's bytes_to_unicode table: symbols[b] is the
// one-character string that stands for byte b in a byte-level BPE
// vocabulary, and order lists the bytes in the table's order (printable
// bytes first, then the others mapped above U+0100), which is the id order
// of the 256 byte tokens in the real Qwen2/Qwen3 vocabulary.
func byteAlphabet() (symbols [256]string, order [256]byte) {
	printable := func(b int) bool {
		return ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || (0xAE <= b && b <= 0xFF)
	}
	n := 0
	for b := range 256 {
		if printable(b) {
			symbols[b] = string(rune(b))
			order[n] = byte(b)
			n++
		}
	}
	extra := 0
	for b := range 256 {
		if !printable(b) {
			symbols[b] = string(rune(256 + extra))
			order[n] = byte(b)
			n++
			extra++
		}
	}
	return symbols, order
}
