// Package tokenizer encodes text to token ids and decodes ids back to text
// with a Hugging Face BPE tokenizer read from tokenizer.json. It reproduces
// Hugging Face's Rust tokenizers exactly for two flavours:
//
//   - byte-level BPE, as Qwen2, Qwen2.5, Qwen3 and their vision-language
//     variants ship it: NFC, a Split regex (run with
//     github.com/dlclark/regexp2 as written in the file), the GPT-2
//     byte-level alphabet and a ByteLevel decoder;
//   - SentencePiece-style BPE, as Llama 2 (LLaVA-1.5) and Gemma 3 ship it:
//     spaces written as "▁" by a Prepend/Replace normalizer or a Metaspace
//     pre-tokenizer, characters outside the vocabulary as "<0xNN>" byte
//     tokens (byte_fallback) or <unk>, and a decoder chain (Replace,
//     ByteFallback, Fuse, Strip, Metaspace) that undoes it.
//
// Encoding runs Hugging Face's pipeline:
//
//  1. added tokens (specials such as <|im_start|> or <start_of_turn>, and
//     plain added tokens such as <think>) are cut out of the raw text first,
//     by leftmost-longest match over a byte trie, honouring their lstrip,
//     rstrip and single_word flags;
//  2. each remaining segment is normalized (NFC for Qwen; "▁" prepended and
//     spaces replaced for Llama), and added tokens marked normalized are
//     matched in the normalized text;
//  3. the pre-tokenizer splits each segment into words (none for Llama and
//     Gemma: the whole segment is one word);
//  4. every word is merged by BPE merge rank into vocabulary ids.
//
// EncodeSpecial adds the post-processor's special tokens
// (TemplateProcessing's <s> or <bos>), as encode(add_special_tokens=True).
// Decoding passes every token, added tokens as their content, through the
// file's decoder (skip_special_tokens=false).
//
// Loading reads the vocabulary and merges with a small scanner of its own
// (encoding/json reads the rest), because Gemma 3's 33 MB file takes about
// a second through encoding/json alone.
//
// Calls go one way: the front end and the CLI call Load or LoadDir once and
// then Encode, EncodeSpecial, Decode, DecodeToken and the lookups; this
// package calls no other vlmask package. A *Tokenizer is immutable after
// loading and safe for concurrent use; its only internal mutable part is a
// bounded, locked cache of BPE results per word.
//
// Components outside that set (other models, normalizers, pre-tokenizers or
// decoders, BPE dropout, subword prefixes) are refused at load time with an
// error naming the file and the component, wrapping ErrUnsupported. A
// post-processor other than TemplateProcessing and ByteLevel loads, but
// EncodeSpecial then fails with ErrUnsupported.
package tokenizer
