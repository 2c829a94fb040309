// gen_rendered.mjs renders every (template, scenario) pair of
// scenarios.json with @huggingface/jinja, the JavaScript Jinja engine of
// transformers.js, an implementation independent of both gonja and Python's
// jinja2. scenarios_test.go compares the Go renderer with its output (and
// with gen_rendered.py's, from Python jinja2, the engine transformers uses).
//
// Regenerate (from any scratch directory outside the repository):
//
//   cd "$(mktemp -d)" && npm init -y >/dev/null &&
//   npm install --ignore-scripts @huggingface/jinja@0.5.11 &&
//   node REPO/hf/chattemplate/testdata/gen_rendered.mjs \
//     REPO/../shared/golden/templates REPO/hf/chattemplate/testdata
//
// It reads TESTDATA/scenarios.json and writes TESTDATA/rendered_jinja_js.json.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [templatesDir, testdata] = process.argv.slice(2);
if (!templatesDir || !testdata) {
  console.error('usage: node gen_rendered.mjs GOLDEN_TEMPLATES_DIR TESTDATA_DIR');
  process.exit(2);
}
const require = createRequire(join(process.cwd(), 'noop.js'));
const { Template } = require('@huggingface/jinja');
const version = JSON.parse(
  readFileSync(join(process.cwd(), 'node_modules', '@huggingface', 'jinja', 'package.json'), 'utf8'),
).version;

const input = JSON.parse(readFileSync(join(testdata, 'scenarios.json'), 'utf8'));

// loadTemplate reads a template file: a chat_template.json's string, or
// the text of a .jinja file; "inline:<text>" is the template itself.
function loadTemplate(file) {
  if (file.startsWith('inline:')) return file.slice('inline:'.length);
  const text = readFileSync(join(templatesDir, file), 'utf8');
  return file.endsWith('.json') ? JSON.parse(text).chat_template : text;
}

const results = {};
for (const scenario of input.scenarios) {
  for (const name of scenario.templates) {
    const key = `${name}/${scenario.name}`;
    try {
      // @huggingface/jinja defines raise_exception itself.
      const template = new Template(loadTemplate(input.templates[name]));
      const text = template.render({
        messages: scenario.messages,
        tools: scenario.tools ?? null,
        documents: null,
        add_generation_prompt: scenario.add_generation_prompt,
        ...input.kwargs,
        ...(scenario.kwargs ?? {}),
      });
      results[key] = { text };
    } catch (err) {
      results[key] = { error: String(err.message ?? err) };
    }
  }
}
writeFileSync(
  join(testdata, 'rendered_jinja_js.json'),
  JSON.stringify({ generator: `gen_rendered.mjs with @huggingface/jinja@${version}`, results }, null, 1) + '\n',
);
console.log(`rendered ${Object.keys(results).length} cases`);
