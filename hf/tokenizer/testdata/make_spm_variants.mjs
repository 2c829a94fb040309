// make_spm_variants.mjs derives three tokenizer.json variants from the tiny
// LLaVA and Gemma 3 golden tokenizers (SentencePiece-style BPE with byte
// fallback), to exercise components and options the real Llama 2 and
// Gemma 3 files do not use. gen_oracle.mjs then records the Rust
// tokenizer's output for them.
//
//   node make_spm_variants.mjs LLAVA_TOKENIZER_JSON GEMMA3_TOKENIZER_JSON OUT_DIR
//
// variant_metaspace.json (from LLaVA): no normalizer, a Metaspace
//   pre-tokenizer with prepend_scheme "first" and split false and a Metaspace
//   decoder, as transformers' non-legacy Llama conversion writes them; added
//   tokens with lstrip and rstrip.
// variant_metaspace_split.json (from LLaVA): the older Metaspace form with
//   add_prefix_space true (prepend always) and split true; a normalized
//   added token; no byte fallback, so unknown characters become one fused
//   <unk>; a post-processor Sequence of a template (<s> … </s>) and
//   ByteLevel (which adds nothing).
// variant_spm_flags.json (from Gemma 3): ignore_merges, a Split on "▁" with
//   behavior MergedWithNext and another on digits with Contiguous, a Replace
//   normalizer with a regex, a Metaspace decoder with prepend "never", a
//   Strip decoder of two leading spaces (not of trailing ones: Rust's Strip
//   panics on an empty token when stop > 0), unk not fused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [llavaSrc, gemmaSrc, outDir] = process.argv.slice(2);
if (!llavaSrc || !gemmaSrc || !outDir) {
  console.error('usage: node make_spm_variants.mjs LLAVA_TOKENIZER_JSON GEMMA3_TOKENIZER_JSON OUT_DIR');
  process.exit(2);
}
const llava = JSON.parse(readFileSync(llavaSrc, 'utf8'));
const gemma = JSON.parse(readFileSync(gemmaSrc, 'utf8'));
const token = (id, content, flags) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...flags,
});
const nextID = (base) => Math.max(...base.added_tokens.map((t) => t.id)) + 1;
const write = (name, obj) => writeFileSync(join(outDir, name), JSON.stringify(obj, null, 1) + '\n');

const metaspace = structuredClone(llava);
metaspace.normalizer = null;
metaspace.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
metaspace.decoder = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
let id = nextID(metaspace);
metaspace.added_tokens.push(
  token(id, '[MASK]', { lstrip: true, rstrip: true, special: true }),
  token(id + 1, '<L>', { lstrip: true }),
  token(id + 2, '<R>', { rstrip: true }),
);
write('variant_metaspace.json', metaspace);

const split = structuredClone(llava);
split.normalizer = null;
split.pre_tokenizer = { type: 'Metaspace', replacement: '▁', add_prefix_space: true };
split.decoder = { type: 'Metaspace', replacement: '▁', add_prefix_space: true };
split.model.byte_fallback = false;
id = nextID(split);
split.added_tokens.push(token(id, 'cat', { normalized: true }), token(id + 1, 'ab c', { normalized: true }));
split.post_processor = {
  type: 'Sequence',
  processors: [
    {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: {
        '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] },
      },
    },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  ],
};
write('variant_metaspace_split.json', split);

const flags = structuredClone(gemma);
flags.normalizer = {
  type: 'Sequence',
  normalizers: [
    { type: 'Replace', pattern: { Regex: '[ \\t]+' }, content: '▁' },
    { type: 'Prepend', prepend: '▁' },
  ],
};
flags.pre_tokenizer = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { String: '▁' }, behavior: 'MergedWithNext', invert: false },
    { type: 'Split', pattern: { Regex: '\\d' }, behavior: 'Contiguous', invert: false },
  ],
};
flags.decoder = {
  type: 'Sequence',
  decoders: [
    { type: 'ByteFallback' },
    { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true },
    { type: 'Strip', content: ' ', start: 2, stop: 0 },
  ],
};
flags.model.ignore_merges = true;
flags.model.fuse_unk = false;
write('variant_spm_flags.json', flags);
console.log(`wrote variant_metaspace.json, variant_metaspace_split.json and variant_spm_flags.json to ${outDir}`);
