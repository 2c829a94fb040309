// tooltip.js: the hover box. It shows a unit's token text, position,
// modality, grid cell, value and rank, and mirrors them in data-*
// attributes (data-value is the exact value) for tests and tools.

import { el, fmtValue, tokenText } from "./util.js";

// describe builds the tooltip's fields for unit u with value x.
export function describe(u, x, rank, count, extra) {
  const cell = u.rows > 0
    ? (u.rows === 1 && u.cols === 1 ? `row ${u.row}, col ${u.col}` : `rows ${u.row}–${u.row + u.rows - 1}, cols ${u.col}–${u.col + u.cols - 1}`)
    : "";
  const fields = [
    ["token", tokenText(u.text)],
    ["position", u.size > 1 ? `${u.pos} (+${u.size - 1} more)` : String(u.pos)],
    ["modality", u.img >= 0 ? `${u.mod} · image ${u.img}` : u.mod],
  ];
  if (u.size > 1 && u.label !== u.text) fields.push(["group", u.label]);
  if (cell) fields.push(["grid", cell]);
  fields.push(["value", fmtValue(x)]);
  fields.push(["rank", Number.isFinite(rank) ? `${rank} of ${count}` : "–"]);
  for (const f of extra || []) fields.push(f);
  return {
    fields,
    data: { text: u.text, pos: String(u.pos), mod: u.mod, row: String(u.row), col: String(u.col),
      value: Number.isFinite(x) ? String(x) : "NaN", rank: Number.isFinite(rank) ? String(rank) : "" },
  };
}

export function showTooltip(evt, info) {
  const tip = document.getElementById("tooltip");
  tip.replaceChildren(el("dl", {}, info.fields.map(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v })])));
  for (const k of Object.keys(tip.dataset)) delete tip.dataset[k];
  Object.assign(tip.dataset, info.data);
  tip.hidden = false;
  const pad = 14;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  let x = evt.clientX + pad, y = evt.clientY + pad;
  if (x + w > window.innerWidth) x = Math.max(0, evt.clientX - w - pad);
  if (y + h > window.innerHeight) y = Math.max(0, evt.clientY - h - pad);
  tip.style.left = `${x}px`;
  tip.style.top = `${y}px`;
}

export function hideTooltip() {
  document.getElementById("tooltip").hidden = true;
}
