// textstrip.js: the step's sequence as chips coloured by the same values
// and scale as the image: text tokens one chip each, each image as one
// chip holding a miniature of its heatmap, groups by their label; at the
// end, marked, the token this step generated ("which tokens trigger this
// word").

import { el, tokenText } from "./util.js";
import { describe, showTooltip, hideTooltip } from "./tooltip.js";

export function textStrip(info, values, colour, opts) {
  const chips = [];
  const units = info.units;
  let i = 0;
  while (i < units.length) {
    const u = units[i];
    if (u.img >= 0 && u.rows > 0) {
      let j = i;
      while (j < units.length && units[j].img === u.img && units[j].rows > 0) j++;
      chips.push(imageChip(info.grids[u.img], units, values, colour, i, j, opts));
      i = j;
      continue;
    }
    const x = values[i];
    const k = i;
    const chip = el("span", {
      className: "chip" + (u.size > 1 ? " group" : "") + (opts.highlight === i ? " highlight" : ""),
      textContent: u.size > 1 ? u.label : tokenText(u.text),
      dataset: { unit: String(i), pos: String(u.pos) },
      style: { background: colour(x) },
    });
    chip.addEventListener("mousemove", (evt) => showTooltip(evt, describe(u, x, opts.rank?.rank[k], opts.rank?.count)));
    chip.addEventListener("mouseleave", hideTooltip);
    if (opts.onclick) chip.addEventListener("click", () => opts.onclick(k));
    chips.push(chip);
    i++;
  }
  const gen = info.generated;
  if (gen) {
    chips.push(el("span", { className: "arrow", textContent: "→" }));
    chips.push(el("span", {
      className: "chip generated",
      title: `the token generated at step ${info.step} (id ${gen.id})`,
      textContent: gen.known ? tokenText(gen.text) : `#${gen.id}`,
      dataset: { id: String(gen.id), text: gen.text, step: String(info.step) },
    }));
  }
  return el("div", { className: "text-strip", dataset: { step: String(info.step) } },
    el("div", { className: "strip-title" }, `Step ${info.step} sequence`, gen ? " → generated token" : ""),
    el("div", { className: "chips" }, chips));
}

// imageChip draws units [from, to) of one image as a miniature heatmap.
function imageChip(g, units, values, colour, from, to, opts) {
  const cell = Math.max(2, Math.min(8, Math.floor(96 / Math.max(g.rows, g.cols))));
  const canvas = el("canvas", { width: g.cols * cell, height: g.rows * cell, className: "mini" });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#9a9a9a";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = from; i < to; i++) {
    const u = units[i];
    const c = colour(values[i]);
    if (!c) continue;
    ctx.fillStyle = c;
    ctx.fillRect(u.col * cell, u.row * cell, u.cols * cell, u.rows * cell);
  }
  canvas.addEventListener("mousemove", (evt) => {
    const r = canvas.getBoundingClientRect();
    const col = Math.floor((evt.clientX - r.left) / cell), row = Math.floor((evt.clientY - r.top) / cell);
    for (let i = from; i < to; i++) {
      const u = units[i];
      if (row >= u.row && row < u.row + u.rows && col >= u.col && col < u.col + u.cols) {
        showTooltip(evt, describe(u, values[i], opts.rank?.rank[i], opts.rank?.count));
        return;
      }
    }
  });
  canvas.addEventListener("mouseleave", hideTooltip);
  return el("span", { className: "chip image-chip", dataset: { image: String(g.index) } },
    el("span", { className: "image-chip-label", textContent: `image ${g.index} · ${g.rows}×${g.cols}` }), canvas);
}
