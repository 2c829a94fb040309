// Package chattemplate renders a checkpoint's Jinja chat template the way
// Hugging Face transformers' apply_chat_template does, so that vlmask
// builds exactly the prompt text the model was trained on.
//
// It uses github.com/nikolalohinski/gonja/v2 with a private environment set
// up like transformers' ImmutableSandboxedEnvironment: trim_blocks and
// lstrip_blocks on, a tojson filter that is a clone of Python's
// json.dumps(ensure_ascii=False) (", " and ": " separators, insertion
// order, Python escapes), and the globals raise_exception and
// strftime_now. Messages are decoded into gonja's ordered dictionaries, so
// templates can test 'image' in item, read item.type or item['text'], and
// tojson keeps the caller's key order. gonja's package-level defaults are
// never modified.
//
// Where gonja departs from Python's jinja2 and a fix fits outside gonja, the
// package restores jinja2's behaviour: lstrip_blocks is applied to the
// source (gonja also strips spaces that follow an expression on the same
// line), str.replace takes an optional count, dict items/keys/values keep
// insertion order, a list used as text fails the render as Python's
// str + list does, a conditional expression inside brackets ("'a' + (x if
// c else y)", which gonja only parses as a whole output tag) is rewritten
// into an if block around two copies of its output or set tag, and
// transformers' {% generation %} block renders its body. Known remaining
// differences, none of which the Qwen, LLaVA or Gemma 3 templates meet: a variable set to None counts as undefined, None prints
// as an empty string, ** always gives a float, and an undefined value added
// to a string is not an error.
//
// The template source is chosen as transformers' processors choose it:
// chat_template.jinja, then chat_template.json, then tokenizer_config.json's
// chat_template (a string, or a list of named templates of which "default"
// is used). The special-token strings of tokenizer_config.json (bos_token,
// eos_token, pad_token...) are passed to the template as transformers
// passes them.
//
// Calls go one way: the front end and the CLI call LoadDir (or Parse) once
// and Render per prompt; this package calls no other vlmask package. A
// *Template is immutable after loading and safe for concurrent use.
package chattemplate
