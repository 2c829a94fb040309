// gen_oracle.mjs writes reference token ids for random tricky strings,
// produced by Hugging Face's own Rust tokenizer through its Node binding
// (npm tokenizers@0.23.2). oracle_test.go checks the Go tokenizer against
// the output; it needs neither npm nor this script at run time.
//
// Regenerate (from any scratch directory outside the repository; SHARED is
// the directory holding golden/ and golden-next/):
//
//   cd "$(mktemp -d)" && npm init -y >/dev/null &&
//   npm install --ignore-scripts tokenizers@0.23.2 &&
//   T=REPO/hf/tokenizer/testdata &&
//   node $T/gen_oracle.mjs SHARED/golden/tokenizer_qwen3/tokenizer.json $T/oracle_qwen3.json 3000 20250301 &&
//   node $T/gen_oracle.mjs SHARED/golden/qwen3_vl_basic/checkpoint/tokenizer.json $T/oracle_tiny.json 1000 20250302 &&
//   node $T/make_variants.mjs SHARED/golden/qwen3_vl_basic/checkpoint/tokenizer.json $T &&
//   for v in flags gpt2; do node $T/gen_oracle.mjs $T/variant_$v.json $T/oracle_$v.json 1000 20250303; done &&
//   node $T/gen_oracle.mjs SHARED/golden-next/tokenizer_llama2/tokenizer.json $T/oracle_llama2.json 2000 20250401 spm &&
//   node $T/gen_oracle.mjs SHARED/golden-next/tokenizer_gemma3/tokenizer.json.gz $T/oracle_gemma3.json 2000 20250402 spm &&
//   node $T/gen_oracle.mjs SHARED/golden-next/llava_basic/checkpoint/tokenizer.json $T/oracle_llava_tiny.json 1000 20250403 spm &&
//   node $T/gen_oracle.mjs SHARED/golden-next/gemma3_basic/checkpoint/tokenizer.json $T/oracle_gemma3_tiny.json 1000 20250404 spm &&
//   node $T/make_spm_variants.mjs SHARED/golden-next/llava_basic/checkpoint/tokenizer.json \
//     SHARED/golden-next/gemma3_basic/checkpoint/tokenizer.json $T &&
//   for v in metaspace metaspace_split spm_flags; do
//     node $T/gen_oracle.mjs $T/variant_$v.json $T/oracle_$v.json 1000 20250405 spm; done
//
// Arguments: tokenizer.json (a .json.gz is unpacked to a temporary file
// first), output file, number of strings, seed, and optionally "spm" to
// add fragments for SentencePiece-style tokenizers (Llama, Gemma) to the
// default ones and to record the ids with special tokens too. The module is
// resolved from the current directory's node_modules.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [tokenizerPath, outPath, countArg = '3000', seedArg = '20250301', setArg = ''] = process.argv.slice(2);
if (!tokenizerPath || !outPath) {
  console.error('usage: node gen_oracle.mjs TOKENIZER_JSON OUT_JSON [COUNT] [SEED] [spm]');
  process.exit(2);
}
const spm = setArg === 'spm';
const require = createRequire(join(process.cwd(), 'noop.js'));
const { Tokenizer } = require('tokenizers');
const tokenizersVersion = require('tokenizers/package.json').version;

// mulberry32: a small seeded PRNG, so the strings are reproducible.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments = [
  // spaces and line breaks
  ' ', '  ', '   ', '    ', '\t', '\t\t', ' \t ', '\n', '\n\n', '\n\n\n', '\r\n', '\r', '\r\n\r\n',
  ' \n', '\n ', ' \n \n', '  \n', '\n\t', '\r\r\n', '          ',
  // digits and numbers
  '1', '12', '123', '2024', '1,000,000', '3.14', '-42', '٣٤', '½', '²', '１２３', 'Ⅷ', '0x1F', '1e-05',
  // words, contractions in mixed case
  'hello', 'Hello', ' world', 'The', ' the', 'naïve', 'café', 'über', "IT'S", "it's", "He'LL", "we'Ve",
  "I'M", "'s", "'S", "'ll", "'D", "'re", "'ſ", "'K", "don't", "o'clock", "'", "''", 'HeLLo', 'WORLD',
  'CamelCase', 'snake_case', 'abc123', 'x2', 'v1.2.3', 'ſ', 'K', 'ß', 'İ', 'ǅ', 'ﬁ', 'ﬆ',
  // other scripts
  '你好', '世界', '日本語', 'こんにちは', 'カタカナ', '한국어', '中文，标点。', 'مرحبا', 'नमस्ते', 'שלום',
  'สวัสดี', 'Привет', 'αβγ', 'Ελληνικά', 'ⅰⅱ', 'ｱｲｳ',
  // emoji
  '😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇺🇸', '❤️', '✨', '🤖🧠',
  // normalization forms
  'e\u0301', 'A\u030a', 'n\u0303', '\u0301', '\u212b', '\u1100\u1161', '\u2126', 'o\u0308\u0304', '\u0344',
  // unicode spaces and invisibles
  '\u00a0', '\u3000', '\u2028', '\u2029', '\u0085', '\u2009', '\u200b', '\u202f', '\ufeff', '\u00ad',
  '\u180e', '\u200d', '\u2060', '\u1680', '\ufffd',
  // control characters
  '\u0000', '\u0001', '\u001b', '\u007f', '\u000b', '\u000c', '\u001c', '\u001f',
  // special and added tokens: complete, partial, spaced, glued
  '<|im_start|>', '<|im_end|>', '<|endoftext|>', '<|image_pad|>', '<|vision_start|>', '<|vision_end|>',
  '<think>', '</think>', '<tool_call>', '</tool_call>', '<|fim_prefix|>', '<tool_response>',
  '<|im_start|', '<|im_', '|>', '<|', 'im_end|>', '<think', '</', '<<|im_end|>>',
  '<|im_start|><|im_start|>', ' <|im_end|> ', ' <think> ', '<|im_start|>user\n', '<|im_start|>assistant\n',
  // code and punctuation
  'def f(x):', '    return x', '{"a": 1}', '!!!', '...', '?!', '--', '==>', '#', '@user',
  'http://example.com/a?b=c', 'a_b', '__init__', '$100', '%', 'C++', 'x+=1;', '()', '[]', '<', '>', '|',
  // added tokens of the variants made by make_variants.mjs
  '[MASK]', ' [MASK] ', '<L>', '  <L>', '<R>', '<R>  ', 'cat', ' cat ', 'cats', 'cat.', '_cat', 'ﬁx', 'fix', 'Fix',
  '<|im_start|>user',
  // long repeats
  'aaaaaaaaaaaaaaaaaaaa', 'ababababab', '!!!!!!!!!!!!!!!!', '\n\n\n\n\n\n', '0000000000',
];
if (spm) {
  fragments.push(
    // the SentencePiece space and byte-token spellings, literally
    '▁', '▁▁', ' ▁', '▁ ', '<0x0A>', '<0x20>', '<0xE2>', '<0x41>', '<0xZZ>',
    // Llama and LLaVA specials
    '<s>', '</s>', '<unk>', '<image>', '<pad>', ' <image> ', '<image>\n', '<image><image>', '<s> ', ' </s>',
    'USER: ', ' ASSISTANT:', 'USER: <image>\nWhat is this? ASSISTANT:', '[INST]', '[/INST]', '<<SYS>>',
    // Gemma specials
    '<bos>', '<eos>', '<start_of_turn>', '<end_of_turn>', '<start_of_turn>user\n', '<start_of_turn>model\n',
    '<start_of_image>', '<end_of_image>', '<image_soft_token>', '<mask>', '[multimodal]', '<unused0>', '<unused99>',
    '\n\n<start_of_image>', '<end_of_image>\n\n', '<bo', 'of_turn>',
    // runs the Gemma vocabulary has as added tokens
    '\t\t\t', '\n\n\n\n\n\n\n\n\n\n\n\n', '                                ',
    // words and spaces around tokens
    ' a', 'a ', ' cat', 'The cat', ' sat on the mat.', 'What is this?', 'Describe the lines.',
  );
}

const rand = mulberry32(Number(seedArg));
const pick = (list) => list[Math.floor(rand() * list.length)];
const count = Number(countArg);
// Tokenizer.fromFile needs the plain JSON; a .gz is unpacked first.
let loadPath = tokenizerPath;
if (tokenizerPath.endsWith('.gz')) {
  loadPath = join(mkdtempSync(join(tmpdir(), 'gen-oracle-')), 'tokenizer.json');
  writeFileSync(loadPath, gunzipSync(readFileSync(tokenizerPath)));
}
const tok = Tokenizer.fromFile(loadPath);
const cases = [];
for (let i = 0; i < count; i++) {
  const n = 1 + Math.floor(rand() * 12);
  let text = '';
  for (let j = 0; j < n; j++) {
    text += pick(fragments);
  }
  const enc = await tok.encode(text, null, { addSpecialTokens: false });
  const ids = Array.from(enc.getIds());
  const decoded = await tok.decode(ids, false);
  const item = { text, ids, decoded };
  if (spm) {
    const withSpecial = await tok.encode(text, null, { addSpecialTokens: true });
    item.ids_special = Array.from(withSpecial.getIds());
  }
  cases.push(item);
}

const sha256 = createHash('sha256').update(readFileSync(tokenizerPath)).digest('hex');
const out = {
  generator: `${basename(import.meta.url)} with npm tokenizers@${tokenizersVersion}`,
  tokenizer: tokenizerPath.includes('/golden/')
    ? tokenizerPath.replace(/^.*\/golden\//, 'golden/')
    : tokenizerPath.includes('/golden-next/')
      ? tokenizerPath.replace(/^.*\/golden-next\//, 'golden-next/')
      : `testdata/${basename(tokenizerPath)}`,
  tokenizer_sha256: sha256,
  seed: Number(seedArg),
  cases,
};
writeFileSync(outPath, JSON.stringify(out) + '\n');
console.log(`wrote ${cases.length} cases to ${outPath}`);
