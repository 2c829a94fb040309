package testmodel

import (
	"bytes"
	"fmt"
	"strconv"
)

// The tokenizer's size: the 256 byte tokens, numMerges merged tokens, then
// the special tokens. 512 in all, like the golden tiny checkpoints.
const (
	byteTokens         = 256
	numMerges          = 248
	numSpecialTokens   = 8
	tokenizerVocabSize = byteTokens + numMerges + numSpecialTokens
)

// specialTokens lists the added special tokens in id order; the first one
// has id byteTokens+numMerges.
func specialTokens() []string {
	return []string{
		"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>",
		"<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
	}
}

// TokenIDs are the special token ids of the generated tokenizer, as
// config.json and generation_config.json use them.
type TokenIDs struct {
	EndOfText, IMStart, IMEnd         int
	VisionStart, VisionEnd, VisionPad int
	ImagePad, VideoPad                int
}

// tokenIDs returns the generated tokenizer's special ids.
func tokenIDs() TokenIDs {
	first := byteTokens + numMerges
	return TokenIDs{
		EndOfText: first, IMStart: first + 1, IMEnd: first + 2,
		VisionStart: first + 3, VisionEnd: first + 4, VisionPad: first + 5,
		ImagePad: first + 6, VideoPad: first + 7,
	}
}

// byteLevelStep is the ByteLevel pre-tokenizer, post-processor and decoder
// entry of the Qwen tokenizer.json.
func byteLevelStep() object {
	return object{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}}
}

// tokenizerJSON returns tokenizer.json: every field but the vocabulary,
// the merges and the added tokens' ids is the real Qwen3 tokenizer.json's.
func tokenizerJSON(m *bpeModel) ([]byte, error) {
	var added []any
	for i, content := range specialTokens() {
		added = append(added, object{
			{"id", byteTokens + numMerges + i}, {"content", content},
			{"single_word", false}, {"lstrip", false}, {"rstrip", false},
			{"normalized", false}, {"special", true},
		})
	}
	vocab := make(object, len(m.vocab))
	for id, tok := range m.vocab {
		vocab[id] = member{tok, id}
	}
	doc := object{
		{"version", "1.0"},
		{"truncation", nil},
		{"padding", nil},
		{"added_tokens", added},
		{"normalizer", object{{"type", "NFC"}}},
		{"pre_tokenizer", object{
			{"type", "Sequence"},
			{"pretokenizers", []any{
				object{
					{"type", "Split"},
					{"pattern", object{{"Regex", qwenSplitPattern}}},
					{"behavior", "Isolated"},
					{"invert", false},
				},
				byteLevelStep(),
			}},
		}},
		{"post_processor", byteLevelStep()},
		{"decoder", byteLevelStep()},
		{"model", object{
			{"type", "BPE"}, {"dropout", nil}, {"unk_token", nil},
			{"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""},
			{"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
			{"vocab", vocab},
			{"merges", m.merges},
		}},
	}
	return encodeIndented(doc, "  ", false)
}

// vocabJSON returns vocab.json, the slow Qwen2Tokenizer's vocabulary: one
// line, Python's default separators, in id order, without the added
// tokens.
func vocabJSON(m *bpeModel) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for id, tok := range m.vocab {
		if id > 0 {
			buf.WriteString(", ")
		}
		k, err := encodeCompact(tok)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteString(": ")
		buf.WriteString(strconv.Itoa(id))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// mergesTxt returns merges.txt, the slow tokenizer's merge list.
func mergesTxt(m *bpeModel) []byte {
	var buf bytes.Buffer
	buf.WriteString("#version: 0.2\n")
	for _, p := range m.merges {
		fmt.Fprintf(&buf, "%s %s\n", p[0], p[1])
	}
	return buf.Bytes()
}

// tokenizerConfigJSON returns tokenizer_config.json with the given chat
// template and model_max_length, in the golden checkpoints' layout, and
// processor_class last when processorClass is set (Qwen2-VL's file has
// it).
func tokenizerConfigJSON(chatTemplate string, modelMaxLength int, processorClass string) ([]byte, error) {
	specials := specialTokens()
	var decoder object
	for i, content := range specials {
		decoder = append(decoder, member{strconv.Itoa(byteTokens + numMerges + i), object{
			{"content", content}, {"lstrip", false}, {"normalized", false},
			{"rstrip", false}, {"single_word", false}, {"special", true},
		}})
	}
	doc := object{
		{"add_bos_token", false},
		{"add_prefix_space", false},
		{"added_tokens_decoder", decoder},
		{"additional_special_tokens", specials[1:]},
		{"bos_token", nil},
		{"chat_template", chatTemplate},
		{"clean_up_tokenization_spaces", false},
		{"eos_token", "<|im_end|>"},
		{"errors", "replace"},
		{"model_max_length", modelMaxLength},
		{"pad_token", "<|endoftext|>"},
		{"split_special_tokens", false},
		{"tokenizer_class", "Qwen2Tokenizer"},
		{"unk_token", nil},
	}
	if processorClass != "" {
		doc = append(doc, member{"processor_class", processorClass})
	}
	return encodeIndented(doc, "  ", false)
}
