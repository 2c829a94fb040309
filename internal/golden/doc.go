// Package golden gives tests access to the golden reference data the
// repository carries in testdata/golden (a byte-for-byte copy of the
// project's reference set): the cases' directories, their tolerance rule,
// their expected tensors, knockout tables and propagated-knockout (effect)
// tables. The reference set's
// golden-next tokenizer fixtures (the real Llama 2 and Gemma 3 tokenizers)
// live in testdata/golden-next (NextDir); its LLaVA-1.5 and Gemma 3 cases
// sit in testdata/golden with the others (FromNext). Missing data fails a
// test rather than skipping it.
package golden
