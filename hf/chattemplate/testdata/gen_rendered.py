"""gen_rendered.py renders every (template, scenario) pair of scenarios.json
with Python's jinja2, configured the way transformers'
chat_template_utils configures it (the engine behind the golden prompts):
an ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and the
loopcontrols extension, a tojson filter that is json.dumps with
ensure_ascii=False, and the globals raise_exception and strftime_now.
transformers also adds an AssistantTracker extension for {% generation %}
blocks (LLaVA's template has one); rendering text, it only renders the
block's body, which the GenerationBlock extension below does too.

Regenerate (needs python3 with jinja2 >= 3.1):

    python3 REPO/hf/chattemplate/testdata/gen_rendered.py \
        REPO/../shared/golden/templates REPO/hf/chattemplate/testdata

It reads TESTDATA/scenarios.json and writes TESTDATA/rendered_jinja2_py.json.
"""

import json
import os
import sys
from datetime import datetime

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationBlock(jinja2.ext.Extension):
    """{% generation %}...{% endgeneration %}, rendered as its body."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols, GenerationBlock])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def load_template(templates_dir, file):
    if file.startswith("inline:"):
        return file[len("inline:"):]
    with open(os.path.join(templates_dir, file), encoding="utf-8") as f:
        text = f.read()
    return json.loads(text)["chat_template"] if file.endswith(".json") else text


def main():
    templates_dir, testdata = sys.argv[1], sys.argv[2]
    with open(os.path.join(testdata, "scenarios.json"), encoding="utf-8") as f:
        spec = json.load(f)
    env = make_environment()
    results = {}
    for scenario in spec["scenarios"]:
        for name in scenario["templates"]:
            key = f"{name}/{scenario['name']}"
            kwargs = dict(spec["kwargs"])
            kwargs.update(scenario.get("kwargs", {}))
            try:
                template = env.from_string(load_template(templates_dir, spec["templates"][name]))
                text = template.render(
                    messages=scenario["messages"],
                    tools=scenario.get("tools"),
                    documents=None,
                    add_generation_prompt=scenario["add_generation_prompt"],
                    **kwargs,
                )
                results[key] = {"text": text}
            except Exception as err:  # the template's own error is the result
                results[key] = {"error": f"{type(err).__name__}: {err}"}
    out = {"generator": f"gen_rendered.py with Python {sys.version.split()[0]} jinja2 {jinja2.__version__}", "results": results}
    with open(os.path.join(testdata, "rendered_jinja2_py.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"rendered {len(results)} cases")


if __name__ == "__main__":
    main()
