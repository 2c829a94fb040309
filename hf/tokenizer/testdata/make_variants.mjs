// make_variants.mjs derives two small tokenizer.json variants from the tiny
// golden checkpoint's tokenizer, to exercise options the Qwen files do not
// use. gen_oracle.mjs then records the Rust tokenizer's output for them.
//
//   node make_variants.mjs GOLDEN/qwen3_vl_basic/checkpoint/tokenizer.json OUT_DIR
//
// variant_flags.json: NFKC normalizer (as a Sequence) and added tokens with
//   lstrip, rstrip, single_word and normalized=true;
// variant_gpt2.json: plain ByteLevel pre-tokenizer with its own GPT-2 regex
//   and add_prefix_space=true, merges written as "a b" strings.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, outDir] = process.argv.slice(2);
if (!src || !outDir) {
  console.error('usage: node make_variants.mjs TOKENIZER_JSON OUT_DIR');
  process.exit(2);
}
const base = JSON.parse(readFileSync(src, 'utf8'));
const nextID = Math.max(...base.added_tokens.map((t) => t.id)) + 1;
const token = (id, content, flags) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...flags,
});

const flags = structuredClone(base);
flags.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFKC' }] };
flags.added_tokens.push(
  token(nextID, '[MASK]', { lstrip: true, rstrip: true, special: true }),
  token(nextID + 1, '<L>', { lstrip: true }),
  token(nextID + 2, '<R>', { rstrip: true }),
  token(nextID + 3, 'cat', { single_word: true }),
  token(nextID + 4, 'ﬁx', { normalized: true }),
  token(nextID + 5, '<|im_start|>user', { special: true }),
);
writeFileSync(join(outDir, 'variant_flags.json'), JSON.stringify(flags, null, 1) + '\n');

const gpt2 = structuredClone(base);
gpt2.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
gpt2.model.merges = gpt2.model.merges.map(([a, b]) => `${a} ${b}`);
writeFileSync(join(outDir, 'variant_gpt2.json'), JSON.stringify(gpt2, null, 1) + '\n');
console.log(`wrote variant_flags.json and variant_gpt2.json to ${outDir}`);
