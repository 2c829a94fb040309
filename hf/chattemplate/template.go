package chattemplate

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/parser"
)

// Template is a parsed chat template, ready to render. It is immutable and
// safe for concurrent use.
type Template struct {
	// Source names where the template came from: the file LoadDir read it
	// from, or the name given to Parse.
	Source string
	// Text is the template source code.
	Text string
	// specialTokens are the special-token strings passed to every render
	// (bos_token, eos_token, ...).
	specialTokens map[string]any
	tpl           *exec.Template
}

// Parse parses a chat template. name identifies it in errors (a file path
// or any label).
func Parse(source, name string) (t *Template, err error) {
	// gonja is third-party code; a panic on odd input becomes an error.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("parse chat template %q: %s: %w", name, oneLine(fmt.Sprint(r)), ErrSyntax)
		}
	}()
	cfg := config.New()
	cfg.TrimBlocks = true // as transformers' environment
	// transformers also sets lstrip_blocks; gonja's version strips more
	// than jinja2's, so applyLStripBlocks does it on the source instead.
	cfg.LeftStripBlocks = false
	env := &exec.Environment{
		Context:           exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables),
		Filters:           exec.NewFilterSet(map[string]exec.FilterFunction{}).Update(builtins.Filters),
		Tests:             builtins.Tests,
		ControlStructures: controlStructures(),
		Methods:           newMethods(),
	}
	for filter, fn := range map[string]exec.FilterFunction{"tojson": filterToJSON, "items": filterItems} {
		if err := env.Filters.Replace(filter, fn); err != nil {
			return nil, fmt.Errorf("set up chat template %q: %w", name, err)
		}
	}
	tpl, err := exec.NewTemplate(name, cfg, &sourceLoader{name: name, source: applyLStripBlocks(rewriteInlineIfs(source))}, env)
	if err != nil {
		return nil, fmt.Errorf("parse chat template %q: %w", name, syntaxError(err))
	}
	return &Template{Source: name, Text: source, tpl: tpl}, nil
}

// syntaxError turns gonja's parse error, whose text quotes the whole
// template, into a one-line error with the line and column.
func syntaxError(err error) error {
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		if se.Line > 0 {
			return fmt.Errorf("line %d column %d near %q: %s: %w", se.Line, se.Column, se.Raw, oneLine(se.Message), ErrSyntax)
		}
		return fmt.Errorf("%s: %w", oneLine(se.Message), ErrSyntax)
	}
	if inner := errors.Unwrap(err); inner != nil {
		err = inner
	}
	return fmt.Errorf("%s: %w", oneLine(err.Error()), ErrSyntax)
}

// SpecialToken returns a special-token string of tokenizer_config.json
// that renders pass to the template ("bos_token", "eos_token", ...), or ""
// when the file has none.
func (t *Template) SpecialToken(name string) string {
	s, _ := t.specialTokens[name].(string)
	return s
}

// Options are the arguments of a render besides the messages, as
// apply_chat_template takes them.
type Options struct {
	// AddGenerationPrompt appends the assistant header that starts the
	// model's reply.
	AddGenerationPrompt bool
	// Tools is a JSON list of tool (function) schemas, or nil. Its key
	// order is kept.
	Tools []byte
	// Extra holds further template variables, such as enable_thinking or
	// add_vision_id. Values are strings, bools, numbers, nil, []any,
	// map[string]any (keys sorted) or json.RawMessage (key order kept).
	Extra map[string]any
	// Now is the time strftime_now formats; zero means the current time.
	Now time.Time
}

// Render renders messages, as apply_chat_template(messages, tokenize=False,
// ...) does.
func (t *Template) Render(msgs []Message, opts Options) (string, error) {
	list := make(pyList, len(msgs))
	for i, m := range msgs {
		v, err := m.toValue()
		if err != nil {
			return "", fmt.Errorf("render chat template %q: message %d: %w", t.Source, i, err)
		}
		list[i] = v
	}
	return t.render(list, opts)
}

// RenderJSON renders messages given as JSON (a list of objects with role
// and content, exactly as passed to apply_chat_template), keeping their
// key order.
func (t *Template) RenderJSON(messages []byte, opts Options) (string, error) {
	v, err := decodeJSON(messages)
	if err != nil {
		return "", fmt.Errorf("render chat template %q: messages: %w: %v", t.Source, ErrMalformed, err)
	}
	list, ok := v.(pyList)
	if !ok {
		return "", fmt.Errorf("render chat template %q: messages are not a JSON list: %w", t.Source, ErrMalformed)
	}
	for i, m := range list {
		if _, ok := m.(*exec.Dict); !ok {
			return "", fmt.Errorf("render chat template %q: message %d is not a JSON object: %w", t.Source, i, ErrMalformed)
		}
	}
	return t.render(list, opts)
}

// render runs the template on decoded messages.
func (t *Template) render(messages pyList, opts Options) (string, error) {
	data := map[string]any{}
	for k, v := range t.specialTokens {
		data[k] = v
	}
	for k, v := range opts.Extra {
		c, err := toTemplateValue(v)
		if err != nil {
			return "", fmt.Errorf("render chat template %q: option %q: %w: %v", t.Source, k, ErrMalformed, err)
		}
		data[k] = c
	}
	var tools any
	if opts.Tools != nil {
		var err error
		if tools, err = decodeJSON(opts.Tools); err != nil {
			return "", fmt.Errorf("render chat template %q: tools: %w: %v", t.Source, ErrMalformed, err)
		}
		if _, ok := tools.(pyList); !ok {
			return "", fmt.Errorf("render chat template %q: tools are not a JSON list: %w", t.Source, ErrMalformed)
		}
	}
	data["messages"] = messages
	data["tools"] = tools
	data["documents"] = nil
	data["add_generation_prompt"] = opts.AddGenerationPrompt
	g := newGlobals(opts.Now)
	data["raise_exception"] = g.raiseException
	data["strftime_now"] = g.strftimeNow

	out, err := t.execute(exec.NewContext(data))
	if g.raised != nil {
		return "", fmt.Errorf("render chat template %q: raise_exception: %s: %w", t.Source, oneLine(*g.raised), ErrRender)
	}
	if err != nil {
		msg := strings.ReplaceAll(oneLine(err.Error()), listAsTextMarker, "list object")
		return "", fmt.Errorf("render chat template %q: %s: %w", t.Source, msg, ErrRender)
	}
	if strings.Contains(out, listAsTextMarker) {
		return "", fmt.Errorf("render chat template %q: the template uses a list (e.g. a message's content parts) as text, which Python rejects (can only concatenate str (not \"list\") to str): %w", t.Source, ErrRender)
	}
	return out, nil
}

// execute runs the template, turning a panic inside gonja into an error.
func (t *Template) execute(data *exec.Context) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("%v", r)
		}
	}()
	return t.tpl.ExecuteToString(data)
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// sourceLoader serves the one template being parsed; a template that tries
// to include or import another gets an error.
type sourceLoader struct {
	name, source string
}

func (l *sourceLoader) Read(path string) (io.Reader, error) {
	if path != l.name {
		return nil, fmt.Errorf("chat templates cannot load other templates (%q)", path)
	}
	return strings.NewReader(l.source), nil
}

func (l *sourceLoader) Resolve(path string) (string, error) { return path, nil }

func (l *sourceLoader) Inherit(string) (loaders.Loader, error) { return l, nil }
