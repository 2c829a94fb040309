package chattemplate

import (
	"strings"
	"testing"
)

// FuzzParseRender checks that arbitrary template sources never panic:
// they parse and render, or give an error.
func FuzzParseRender(f *testing.F) {
	for _, s := range []string{
		"", "{", "{%", "{{", "{#", "{% raw %}", "{{ '", "{% if %}", "{{ x }} {% endif %}",
		"  {%+ if true %}x{% endif %}\r\n{# c #}", "{% for m in messages %}{{ m.role }}{% endfor %}",
		"{{ messages[0].content | tojson(indent=2) }}", "{% set ns = namespace(a=1) %}{{ ns.a ** 2 }}",
		"{{ raise_exception('x') }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1) + m(2) }}",
		"{{ 'a' + (b if c else d) }}", "{%- set x = f(a, k=(1 if c else 2)) -%}", "{{ [(a if (b if c else d) else e)] }}",
		"{% generation %}x{% endgeneration %}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, source string) {
		if strings.Contains(source, "range(") {
			return // range() over huge bounds is slow, not wrong
		}
		tpl, err := Parse(source, "fuzz")
		if err != nil {
			return
		}
		_, _ = tpl.RenderJSON([]byte(`[{"role": "user", "content": [{"type": "text", "text": "hi"}]}]`), Options{})
	})
}
