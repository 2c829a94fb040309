// scale.js: colour ramps and colour scales, the same ramp the PNG heatmaps
// use (dark red → yellow, more opaque the larger the value).

import { clamp } from "./util.js";

export const MAX_ALPHA = 0.85;

// hot maps t in [0,1] to [r, g, b].
export function hot(t) {
  const ch = (x) => Math.round(255 * clamp(x, 0, 1));
  return [ch(2 * t), ch(2 * t - 1), 0];
}

// heatColour is the CSS colour of a value on a scale, or "" for none.
export function heatColour(x, sc) {
  if (!Number.isFinite(x) || !(sc.hi > sc.lo)) return "";
  const t = clamp((x - sc.lo) / (sc.hi - sc.lo), 0, 1);
  const [r, g, b] = hot(t);
  return `rgba(${r}, ${g}, ${b}, ${(0.12 + (MAX_ALPHA - 0.12) * t).toFixed(3)})`;
}

// divergingColour maps a difference to blue (negative) or red (positive).
export function divergingColour(x, m) {
  if (!Number.isFinite(x) || !(m > 0)) return "";
  const t = clamp(x / m, -1, 1);
  const a = (0.1 + 0.75 * Math.abs(t)).toFixed(3);
  return t >= 0 ? `rgba(220, 40, 30, ${a})` : `rgba(30, 90, 220, ${a})`;
}

// gradientCSS is the CSS gradient of the ramp, for the colour bar.
export function gradientCSS() {
  const stops = [];
  for (let i = 0; i <= 10; i++) {
    const t = i / 10;
    const [r, g, b] = hot(t);
    stops.push(`rgba(${r}, ${g}, ${b}, ${(0.12 + (MAX_ALPHA - 0.12) * t).toFixed(3)}) ${i * 10}%`);
  }
  return `linear-gradient(to right, ${stops.join(", ")}), #888`;
}

// sinkUnits returns the units an attention sink is likely to be and the
// scale leaves out when asked: position 0 and each image's first token.
export function sinkUnits(units) {
  const out = new Set();
  const seen = new Set();
  units.forEach((u, i) => {
    if (u.pos === 0) out.add(i);
    if (u.img >= 0 && !seen.has(u.img)) { seen.add(u.img); out.add(i); }
  });
  return out;
}

// scaleOf computes a colour scale {lo, hi, label} over arrays of values
// laid out unit after unit (index i is unit i % units): mode "layer" and
// "shared" span 0..max, "clip" spans 0..the 99th percentile. skip holds
// unit indices left out (attention sinks), or is null.
export function scaleOf(arrays, mode, skip, units) {
  const vals = [];
  for (const arr of arrays) {
    for (let i = 0; i < arr.length; i++) {
      if (skip && skip.has(i % units)) continue;
      const x = arr[i];
      if (Number.isFinite(x)) vals.push(x);
    }
  }
  if (vals.length === 0) return { lo: 0, hi: 0, label: "no values" };
  let hi;
  if (mode === "clip") {
    vals.sort((a, b) => a - b);
    hi = vals[Math.min(vals.length - 1, Math.floor(0.99 * (vals.length - 1)))];
  } else {
    hi = vals.reduce((m, x) => Math.max(m, x), -Infinity);
  }
  const lo = Math.min(0, vals.reduce((m, x) => Math.min(m, x), Infinity));
  return { lo, hi: hi > lo ? hi : lo + 1e-12, label: mode };
}

// ranks returns each unit's rank by value, 1 = the largest; NaN for none.
export function ranks(values) {
  const idx = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) idx.push(i);
  idx.sort((a, b) => values[b] - values[a]);
  const out = new Float64Array(values.length).fill(NaN);
  idx.forEach((u, r) => { out[u] = r + 1; });
  return { rank: out, count: idx.length };
}
