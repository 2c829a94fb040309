// matrix.js: all layers of one step at once, rows = layers, columns =
// units in sequence order with each image's tokens grouped under a band;
// a click picks the layer (and the unit) and goes back to the image view.

import { el } from "./util.js";
import { describe, showTooltip, hideTooltip } from "./tooltip.js";

// matrixView draws values m (layers × units) with colour(x, layerIndex).
export function matrixView(info, layers, m, colour, opts) {
  const units = info.units;
  const nu = units.length;
  const cw = Math.max(1, Math.min(14, Math.floor(opts.width / Math.max(1, nu))));
  const ch = Math.max(6, Math.min(18, Math.floor(480 / Math.max(1, layers.length))));
  const band = 14;
  const left = 44;
  const canvas = el("canvas", {
    className: "matrix",
    width: left + nu * cw,
    height: band + layers.length * ch,
    dataset: { layers: String(layers.length), units: String(nu) },
  });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#f4f4f4";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = "10px sans-serif";
  ctx.textBaseline = "middle";
  // Image bands.
  let i = 0;
  while (i < nu) {
    const u = units[i];
    let j = i + 1;
    if (u.img >= 0) {
      while (j < nu && units[j].img === u.img) j++;
      ctx.fillStyle = "#c9d8ec";
      ctx.fillRect(left + i * cw, 0, (j - i) * cw, band - 2);
      ctx.fillStyle = "#233";
      ctx.fillText(`image ${u.img}`, left + i * cw + 2, band / 2);
    }
    i = j;
  }
  layers.forEach((layer, li) => {
    const y = band + li * ch;
    ctx.fillStyle = li === opts.layerIndex ? "#000" : "#555";
    ctx.fillText(`L${layer}`, 4, y + ch / 2);
    for (let u = 0; u < nu; u++) {
      ctx.fillStyle = "#9a9a9a";
      ctx.fillRect(left + u * cw, y, cw, ch - 1);
      const c = colour(m[li * nu + u], li);
      if (c) {
        ctx.fillStyle = c;
        ctx.fillRect(left + u * cw, y, cw, ch - 1);
      }
    }
    if (li === opts.layerIndex) {
      ctx.strokeStyle = "#06c";
      ctx.lineWidth = 2;
      ctx.strokeRect(left + 1, y, nu * cw - 2, ch - 1);
    }
  });
  const at = (evt) => {
    const r = canvas.getBoundingClientRect();
    const sx = canvas.width / r.width, sy = canvas.height / r.height;
    const u = Math.floor(((evt.clientX - r.left) * sx - left) / cw);
    const li = Math.floor(((evt.clientY - r.top) * sy - band) / ch);
    return u >= 0 && u < nu && li >= 0 && li < layers.length ? { u, li } : null;
  };
  canvas.addEventListener("mousemove", (evt) => {
    const p = at(evt);
    if (!p) { hideTooltip(); return; }
    const x = m[p.li * nu + p.u];
    showTooltip(evt, describe(units[p.u], x, NaN, 0, [["layer", String(layers[p.li])]]));
  });
  canvas.addEventListener("mouseleave", hideTooltip);
  canvas.addEventListener("click", (evt) => {
    const p = at(evt);
    if (p) opts.onpick(layers[p.li], p.u);
  });
  return el("div", { className: "matrix-view" },
    el("p", { className: "hint" }, "Rows are layers, columns the step's tokens in order (images grouped under their band). Click a cell to open that layer."),
    el("div", { className: "matrix-scroll" }, canvas));
}
