// Package tokenizer encodes text to token ids and decodes ids back to text
// with a Hugging Face byte-level BPE tokenizer read from tokenizer.json, the
// format Qwen2, Qwen2.5, Qwen3 and their vision-language variants ship. It
// reproduces Hugging Face's Rust tokenizers exactly for those files:
//
//  1. added tokens (specials such as <|im_start|> and plain added tokens such
//     as <think>) are cut out of the raw text first, by leftmost-longest
//     match, honouring their lstrip, rstrip and single_word flags;
//  2. the remaining segments are normalized (NFC for Qwen), and added tokens
//     marked normalized are matched in the normalized text;
//  3. the pre-tokenizer splits each segment into words (Qwen's Split regex,
//     run with github.com/dlclark/regexp2 as written in the file) and maps
//     their bytes to the GPT-2 byte-level alphabet;
//  4. every word is merged by BPE merge rank into vocabulary ids.
//
// Decoding joins the tokens' byte-level bytes and reads them as UTF-8,
// replacing each maximal invalid subsequence with one U+FFFD, as Python's
// errors="replace" and Rust's from_utf8_lossy do. Special tokens decode to
// their content (skip_special_tokens=false).
//
// Calls go one way: the front end and the CLI call Load or LoadDir once and
// then Encode, Decode, DecodeToken and the lookups; this package calls no
// other vlmask package. A *Tokenizer is immutable after loading and safe for
// concurrent use; its only internal mutable part is a bounded, locked cache
// of BPE results per word.
//
// Components outside that set (other models, normalizers, pre-tokenizers or
// decoders, BPE dropout, subword prefixes) are refused at load time with an
// error naming the file and the component, wrapping ErrUnsupported.
package tokenizer
