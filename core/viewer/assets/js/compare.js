// compare.js: two runs, or two variants of one run, side by side on one
// shared colour scale, and their difference (A − B, blue where B is
// larger, red where A is). Units are matched by image cell for image
// tokens and by position for the rest.

import { el, fmtValue } from "./util.js";
import { imagePanel, panelWidth } from "./imageview.js";
import { textStrip } from "./textstrip.js";
import { divergingColour } from "./scale.js";

function unitKey(u) {
  return u.rows > 0 ? `i${u.img}r${u.row}c${u.col}/${u.rows}x${u.cols}` : `p${u.pos}/${u.label}`;
}

// compareView draws sides a and b: {title, info, values, imageURL(k)}.
export function compareView(a, b, colour, opts) {
  const byKey = new Map();
  b.info.units.forEach((u, i) => byKey.set(unitKey(u), i));
  const diff = new Float64Array(a.info.units.length).fill(NaN);
  let m = 0;
  let matched = 0;
  a.info.units.forEach((u, i) => {
    const j = byKey.get(unitKey(u));
    if (j === undefined) return;
    const d = a.values[i] - b.values[j];
    if (Number.isFinite(d)) {
      diff[i] = d;
      m = Math.max(m, Math.abs(d));
      matched++;
    }
  });
  const width = panelWidth(Math.max(a.info.grids.length, b.info.grids.length), Math.floor(opts.width / 3) - 24);
  const side = (s, vals, col, title, cls) => el("section", { className: `compare-panel ${cls}` },
    el("h3", {}, title),
    s.info.grids.map((g) => imagePanel(g, s.info.units, vals, col, { imageURL: s.imageURL(g.index), width })),
    s.info.grids.length === 0 || opts.showText ? textStrip({ ...s.info, generated: cls === "diff" ? null : s.info.generated }, vals, col, {}) : null);
  return el("div", { className: "compare-view" },
    el("p", { className: "hint" },
      `Shared scale for A and B; the difference spans ±${fmtValue(m)} over ${matched} matched tokens.`),
    el("div", { className: "compare-row" },
      side(a, a.values, colour, `A: ${a.title}`, "a"),
      side(b, b.values, colour, `B: ${b.title}`, "b"),
      side(a, diff, (x) => divergingColour(x, m), "A − B", "diff")));
}
