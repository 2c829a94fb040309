// util.js: small DOM and formatting helpers shared by the views.

// el creates an element: props are assigned as properties (className,
// textContent, onclick, ...), except "dataset", merged into el.dataset, and
// "style", merged into el.style. Children may be nodes, strings or nulls.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "style") Object.assign(node.style, v);
    else node[k] = v;
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// fmtValue shows a value with 6 significant digits; NaN as "–".
export function fmtValue(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(5);
  return String(Number(x.toPrecision(6)));
}

// tokenText makes a token's text visible: line breaks as ↵, tabs as ⇥,
// a leading space as ␣, an empty text as ∅.
export function tokenText(s) {
  if (s === "") return "∅";
  let out = s.replace(/\r?\n/g, "↵").replace(/\t/g, "⇥");
  if (out.startsWith(" ")) out = "␣" + out.slice(1);
  return out;
}

// isHead tells Head_N variants.
export function isHead(v) { return /^Head_\d+$/.test(v); }

// clamp limits x to [lo, hi].
export function clamp(x, lo, hi) { return Math.min(hi, Math.max(lo, x)); }
