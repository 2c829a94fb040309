// imageview.js: an image with its knockout heatmap over the exact
// merged-token grid: one cell element per unit that covers cells (a token
// its own cell, a region window its rectangle), over the picture as the
// model saw it.

import { el } from "./util.js";
import { describe, showTooltip, hideTooltip } from "./tooltip.js";

// imagePanel draws image grid g (from step info) with values per unit.
//   units, values: the step's units and one value per unit
//   colour(x): CSS colour of a value
//   opts: {imageURL, title, width, rank: {rank, count}, onclick(unit), highlight}
export function imagePanel(g, units, values, colour, opts) {
  const cells = el("div", {
    className: "grid",
    dataset: { rows: String(g.rows), cols: String(g.cols), image: String(g.index) },
    style: {
      gridTemplateRows: `repeat(${g.rows}, 1fr)`,
      gridTemplateColumns: `repeat(${g.cols}, 1fr)`,
      aspectRatio: `${g.cols} / ${g.rows}`,
      width: `${fitWidth(opts.width, g.rows, g.cols)}px`,
    },
  });
  if (opts.imageURL) {
    cells.append(el("img", { className: "under", src: opts.imageURL, alt: `image ${g.index}`, draggable: false }));
  }
  units.forEach((u, i) => {
    if (u.img !== g.index || u.rows === 0) return;
    const x = values[i];
    const cell = el("div", {
      className: "cell" + (opts.highlight === i ? " highlight" : ""),
      dataset: { unit: String(i), row: String(u.row), col: String(u.col), pos: String(u.pos) },
      style: {
        gridRow: `${u.row + 1} / span ${u.rows}`,
        gridColumn: `${u.col + 1} / span ${u.cols}`,
        background: colour(x),
      },
    });
    cell.addEventListener("mousemove", (evt) => {
      showTooltip(evt, describe(u, x, opts.rank?.rank[i], opts.rank?.count, opts.extra));
    });
    cell.addEventListener("mouseleave", hideTooltip);
    if (opts.onclick) cell.addEventListener("click", () => opts.onclick(i));
    cells.append(cell);
  });
  return el("figure", { className: "image-panel", dataset: { image: String(g.index) } },
    el("figcaption", {}, opts.title || `image ${g.index} · ${g.rows} × ${g.cols} tokens`),
    cells);
}

// MAX_PANEL bounds one image panel's long side, in CSS pixels.
export const MAX_PANEL = 720;

// panelWidth is the width each of n images gets in a row of total pixels.
export function panelWidth(n, total) {
  return Math.max(160, Math.min(MAX_PANEL, Math.floor((total - 24 * (n - 1)) / Math.max(1, n))));
}

// fitWidth narrows a panel of width w so that a grid of rows × cols is at
// most MAX_PANEL tall.
export function fitWidth(w, rows, cols) {
  return Math.max(120, Math.min(w, Math.floor(MAX_PANEL * cols / Math.max(1, rows))));
}
