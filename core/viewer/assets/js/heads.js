// heads.js: small multiples of the Head_N maps of one layer, one panel per
// head (each image's grid, then the text tokens as a strip). A click opens
// that head in the image view.

import { el, fmtValue } from "./util.js";
import { describe, showTooltip, hideTooltip } from "./tooltip.js";

// headsView draws vals (heads × units); colour(x, headIndex) colours.
export function headsView(info, heads, vals, colour, opts) {
  const units = info.units;
  const nu = units.length;
  const panels = heads.map((name, hi) => {
    const row = vals.subarray(hi * nu, (hi + 1) * nu);
    let mx = -Infinity;
    for (const x of row) if (Number.isFinite(x)) mx = Math.max(mx, x);
    const parts = [];
    for (const g of info.grids) parts.push(gridCanvas(g, units, row, (x) => colour(x, hi), opts.size));
    const text = units.map((u, i) => i).filter((i) => units[i].rows === 0);
    if (text.length > 0) parts.push(stripCanvas(text, units, row, (x) => colour(x, hi), opts.size));
    const panel = el("figure", { className: "head-panel", dataset: { variant: name } },
      el("figcaption", {}, `${name.replace("AttentionWeight_Head_", "AW ").replace("Head_", "H")} · max ${fmtValue(mx)}`), parts);
    panel.addEventListener("click", () => opts.onpick(name));
    return panel;
  });
  return el("div", { className: "heads-view" },
    el("p", { className: "hint" }, `Layer ${opts.layer}: the ${heads.length} heads' maps. Click one to open it.`),
    el("div", { className: "heads-grid" }, panels));
}

function gridCanvas(g, units, row, colour, size) {
  const cell = Math.max(2, Math.floor(size / Math.max(g.rows, g.cols)));
  const c = el("canvas", { width: g.cols * cell, height: g.rows * cell, className: "head-grid" });
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#9a9a9a";
  ctx.fillRect(0, 0, c.width, c.height);
  units.forEach((u, i) => {
    if (u.img !== g.index || u.rows === 0) return;
    const col = colour(row[i]);
    if (!col) return;
    ctx.fillStyle = col;
    ctx.fillRect(u.col * cell, u.row * cell, u.cols * cell, u.rows * cell);
  });
  hover(c, (x, y) => {
    const r = Math.floor(y / cell), k = Math.floor(x / cell);
    return units.findIndex((u) => u.img === g.index && r >= u.row && r < u.row + u.rows && k >= u.col && k < u.col + u.cols);
  }, units, row);
  return c;
}

function stripCanvas(idx, units, row, colour, size) {
  const w = Math.max(1, Math.floor(size / Math.max(1, idx.length)));
  const c = el("canvas", { width: Math.max(size, w * idx.length), height: 8, className: "head-strip" });
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#9a9a9a";
  ctx.fillRect(0, 0, c.width, c.height);
  idx.forEach((i, k) => {
    const col = colour(row[i]);
    if (!col) return;
    ctx.fillStyle = col;
    ctx.fillRect(k * w, 0, w, 8);
  });
  hover(c, (x) => idx[Math.floor(x / w)] ?? -1, units, row);
  return c;
}

function hover(canvas, find, units, row) {
  canvas.addEventListener("mousemove", (evt) => {
    const r = canvas.getBoundingClientRect();
    const i = find((evt.clientX - r.left) * canvas.width / r.width, (evt.clientY - r.top) * canvas.height / r.height);
    if (i < 0) { hideTooltip(); return; }
    showTooltip(evt, describe(units[i], row[i], NaN, 0));
  });
  canvas.addEventListener("mouseleave", hideTooltip);
}
