// main.js: the viewer app. It holds the state (file, step, layer, variant,
// value column, scale, view), draws the controls, asks the data source for
// what the current view needs and hands it to the views. Keys: ←/→ layer,
// ↑/↓ step, h heads, t text strip, m matrix, c compare, i image, space
// play/pause.

import { el, fmtValue, isHead } from "./util.js";
import { httpSource, inlineSource, NotAvailable } from "./source.js";
import { heatColour, gradientCSS, scaleOf, sinkUnits, ranks } from "./scale.js";
import { imagePanel, panelWidth } from "./imageview.js";
import { textStrip } from "./textstrip.js";
import { matrixView } from "./matrix.js";
import { headsView } from "./heads.js";
import { compareView } from "./compare.js";
import { hideTooltip } from "./tooltip.js";

const VIEWS = [["image", "Image"], ["matrix", "Layers × tokens"], ["heads", "Heads"], ["compare", "Compare"]];
const SCALES = [["layer", "per layer"], ["shared", "shared by all layers"], ["clip", "clip at 99th percentile"]];
const PLAY_MS = 900;

const state = {
  files: [], file: 0, step: 0, layer: 0, variant: "", value: "l2_distance",
  scale: "layer", hideSinks: false, view: "image", showText: true, playing: false,
  cmpFile: 0, cmpVariant: "", pick: -1,
};
let src = null;
let seq = 0;
let timer = null;
const ui = {};

function summary(i = state.file) { return state.files[i]; }

// imageURL is image k of file f, or "" when the server cannot serve it
// (the heatmap is then drawn over grey).
function imageURL(s, f, k) { return s.images_found?.[k] ? src.imageURL(f, k) : ""; }

// EFFECT are the effect columns, which only the Effect_W{k} variants (the
// propagated knockout) have.
const EFFECT = ["kl", "dlogp", "tv", "final_hidden_l2"];

function valueFor(variant, value) {
  const aw = variant.startsWith("AttentionWeight_");
  const effect = variant.startsWith("Effect_W");
  if (aw && (value === "l2_distance" || value === "cosine_distance")) return "attention_weight";
  if (effect && !EFFECT.includes(value)) return "kl";
  if (!effect && EFFECT.includes(value)) return "l2_distance";
  if (!aw && value === "attention_weight") return "l2_distance";
  return value;
}

// resetFor picks valid step, layer and variant for the current file.
function resetFor() {
  const s = summary();
  if (!s.steps.includes(state.step)) state.step = s.steps[0] ?? 0;
  if (!s.layers.includes(state.layer)) state.layer = s.layers[0] ?? 0;
  if (!s.variants.includes(state.variant)) state.variant = s.variants.includes("Full") ? "Full" : (s.variants[0] || "");
  state.value = valueFor(state.variant, s.values.includes(state.value) ? state.value : "l2_distance");
  const b = summary(state.cmpFile) || s;
  if (!b.variants.includes(state.cmpVariant)) {
    state.cmpVariant = state.cmpFile !== state.file ? state.variant : (s.variants.find((v) => v !== state.variant) || state.variant);
  }
}

function options(select, items, current) {
  select.replaceChildren(...items.map(([v, label]) => el("option", { value: String(v), textContent: label, selected: String(v) === String(current) })));
}

function buildUI(app) {
  ui.file = el("select", { id: "file", title: "results file", onchange: () => { state.file = Number(ui.file.value); state.pick = -1; resetFor(); update(); } });
  ui.info = el("span", { className: "run-info" });
  ui.banner = el("div", { id: "banner", className: "banner", role: "alert", hidden: true });
  ui.note = el("div", { id: "note", className: "note", hidden: true });
  ui.tabs = el("nav", { className: "tabs" }, VIEWS.map(([v, label]) => el("button", {
    type: "button", textContent: label, dataset: { view: v }, onclick: () => { state.view = v; update(); },
  })), el("label", { className: "toggle" }, ui.text = el("input", {
    type: "checkbox", id: "show-text", checked: true, onchange: () => { state.showText = ui.text.checked; update(); },
  }), " text strip (t)"));
  ui.play = el("button", { id: "play", type: "button", textContent: "▶", title: "play / pause the steps (space)", onclick: () => togglePlay() });
  ui.step = el("input", { type: "range", id: "step-slider", min: 0, step: 1, oninput: () => { state.step = summary().steps[Number(ui.step.value)]; update(); } });
  ui.stepLabel = el("output", { id: "step-label" });
  ui.layer = el("input", { type: "range", id: "layer-slider", min: 0, step: 1, oninput: () => { state.layer = summary().layers[Number(ui.layer.value)]; update(); } });
  ui.layerLabel = el("output", { id: "layer-label" });
  ui.variant = el("select", { id: "variant", onchange: () => { state.variant = ui.variant.value; state.value = valueFor(state.variant, state.value); update(); } });
  ui.value = el("select", { id: "value", onchange: () => { state.value = ui.value.value; update(); } });
  ui.scale = el("select", { id: "scale", onchange: () => { state.scale = ui.scale.value; update(); } });
  ui.sinks = el("input", { type: "checkbox", id: "hide-sinks", onchange: () => { state.hideSinks = ui.sinks.checked; update(); } });
  ui.cmpFile = el("select", { id: "cmp-file", onchange: () => { state.cmpFile = Number(ui.cmpFile.value); resetFor(); update(); } });
  ui.cmpVariant = el("select", { id: "cmp-variant", onchange: () => { state.cmpVariant = ui.cmpVariant.value; update(); } });
  ui.cmp = el("span", { className: "cmp-controls" }, el("label", {}, "B: ", ui.cmpFile), " ", el("label", {}, "variant ", ui.cmpVariant));
  ui.bar = el("div", { id: "colourbar", className: "colourbar" });
  ui.view = el("section", { id: "view", className: "view" });
  ui.strip = el("section", { id: "strip", className: "strip" });
  app.replaceChildren(
    el("header", { className: "top" }, el("h1", {}, "vlmask"), ui.file, ui.info),
    ui.banner, ui.note, ui.tabs,
    el("section", { className: "controls" },
      el("span", { className: "ctl" }, ui.play, " ", el("label", { htmlFor: "step-slider" }, "step "), ui.step, ui.stepLabel),
      el("span", { className: "ctl" }, el("label", { htmlFor: "layer-slider" }, "layer "), ui.layer, ui.layerLabel),
      el("span", { className: "ctl" }, el("label", {}, "variant ", ui.variant)),
      el("span", { className: "ctl" }, el("label", {}, "value ", ui.value)),
      el("span", { className: "ctl" }, el("label", {}, "scale ", ui.scale), " ", el("label", { title: "position 0 and each image's first token" }, ui.sinks, " hide attention sinks from the scale")),
      ui.cmp),
    ui.bar, ui.view, ui.strip,
    el("footer", { className: "keys" }, "Keys: ←/→ layer · ↑/↓ step · h heads · t text strip · m matrix · c compare · i image · space play"));
}

function syncControls() {
  const s = summary();
  options(ui.file, state.files.map((f, i) => [i, f.name + (f.complete ? "" : " (incomplete)")]), state.file);
  ui.info.textContent = [s.model_type, s.model, s.mask_mode && `mask ${s.mask_mode}`, s.plugins, `${s.rows.toLocaleString("en")} rows`]
    .filter(Boolean).join(" · ");
  ui.step.max = String(Math.max(0, s.steps.length - 1));
  ui.step.value = String(s.steps.indexOf(state.step));
  ui.stepLabel.textContent = `${state.step} (${s.steps.indexOf(state.step) + 1}/${s.steps.length})`;
  ui.stepLabel.dataset.step = String(state.step);
  ui.layer.max = String(Math.max(0, s.layers.length - 1));
  ui.layer.value = String(s.layers.indexOf(state.layer));
  ui.layerLabel.textContent = `${state.layer} (${s.layers.indexOf(state.layer) + 1}/${s.layers.length})`;
  ui.layerLabel.dataset.layer = String(state.layer);
  options(ui.variant, s.variants.map((v) => [v, v]), state.variant);
  options(ui.value, s.values.map((v) => [v, s.metrics.includes(v) ? `${v} (plugin metric)` : v]), state.value);
  options(ui.scale, SCALES, state.scale);
  ui.sinks.checked = state.hideSinks;
  ui.text.checked = state.showText;
  options(ui.cmpFile, state.files.map((f, i) => [i, f.name]), state.cmpFile);
  options(ui.cmpVariant, (summary(state.cmpFile) || s).variants.map((v) => [v, v]), state.cmpVariant);
  ui.cmp.hidden = state.view !== "compare";
  ui.play.textContent = state.playing ? "⏸" : "▶";
  for (const b of ui.tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.view === state.view);
  if (!s.complete) {
    ui.banner.hidden = false;
    ui.banner.className = "banner incomplete";
    ui.banner.textContent = `Incomplete run: ${s.name} holds the ${s.steps_finished} finished step(s)` +
      (s.steps_requested ? ` of the ${s.steps_requested} asked for` : "") +
      " — the run was interrupted, so later steps are missing.";
  } else {
    ui.banner.hidden = true;
  }
  if (s.complete && s.steps_requested > s.steps.length) {
    ui.note.hidden = false;
    ui.note.textContent = `The model ended its answer after ${s.steps.length} of the ${s.steps_requested} steps asked for.`;
  } else if (src.kind === "export") {
    ui.note.hidden = false;
    ui.note.textContent = "Exported view: only the steps, variants and value columns chosen at export are included.";
  } else {
    ui.note.hidden = true;
  }
}

function update() {
  hideTooltip();
  syncControls();
  render().catch(showError);
}

function showError(e) {
  ui.view.dataset.state = "error";
  ui.view.replaceChildren(el("p", { className: e instanceof NotAvailable ? "unavailable" : "error" }, String(e.message || e)));
  ui.bar.replaceChildren();
  ui.strip.replaceChildren();
}

function colourBar(sc, what) {
  ui.bar.replaceChildren(
    el("span", { className: "bar-lo", textContent: fmtValue(sc.lo) }),
    el("span", { className: "bar", style: { background: gradientCSS() } }),
    el("span", { className: "bar-hi", textContent: fmtValue(sc.hi) }),
    el("span", { className: "bar-what", textContent: what + (state.hideSinks ? " · attention sinks left out of the scale" : "") }));
  Object.assign(ui.bar.dataset, { lo: String(sc.lo), hi: String(sc.hi), mode: state.scale });
}

async function render() {
  const my = ++seq;
  const f = state.file;
  const s = summary();
  const info = await src.step(f, state.step);
  const width = Math.max(320, Math.min(1400, ui.view.clientWidth || window.innerWidth - 48));
  const skip = state.hideSinks ? sinkUnits(info.units) : null;
  const nu = info.units.length;
  let body;
  let stripValues = null;
  let stripColour = null;
  const q = { step: state.step, variants: [state.variant], value: state.value };
  if (state.view === "image" || state.view === "matrix") {
    const slice = (await src.values(f, { ...q, layers: [state.layer] })).data;
    let m = null;
    if (state.view === "matrix" || state.scale === "shared") m = (await src.values(f, { ...q, layers: null })).data;
    if (my !== seq) return;
    const layers = s.layers;
    const li = layers.indexOf(state.layer);
    const rowScale = (arr) => scaleOf([arr], state.scale === "clip" ? "clip" : "layer", skip, nu);
    const shared = m ? scaleOf([m], state.scale === "clip" ? "clip" : "shared", skip, nu) : null;
    const sc = state.scale === "shared" ? shared : rowScale(slice);
    const colour = (x) => heatColour(x, sc);
    const rk = ranks(slice);
    stripValues = slice;
    stripColour = colour;
    if (state.view === "image") {
      const w = panelWidth(info.grids.length, width);
      body = info.grids.length === 0
        ? el("p", { className: "hint" }, "No image tokens at this step: the text strip below shows every token.")
        : el("div", { className: "image-row" }, info.grids.map((g) => imagePanel(g, info.units, slice, colour, {
          imageURL: imageURL(s, f, g.index), width: w, rank: rk, highlight: state.pick,
          title: `image ${g.index} · ${g.rows} × ${g.cols} tokens · layer ${state.layer} · ${state.variant} · ${state.value}`,
          onclick: (i) => { state.pick = i; update(); },
        })));
      colourBar(sc, `${SCALES.find(([k]) => k === state.scale)[1]} · step ${state.step} · layer ${state.layer}`);
    } else {
      const rowScales = layers.map((_, i) => rowScale(m.subarray(i * nu, (i + 1) * nu)));
      body = matrixView(info, layers, m, (x, i) => heatColour(x, state.scale === "shared" ? shared : rowScales[i]), {
        width, layerIndex: li, onpick: (layer, u) => { state.layer = layer; state.pick = u; state.view = "image"; update(); },
      });
      colourBar(state.scale === "shared" ? shared : sc, state.scale === "shared" ? "shared by all layers" : "each row on its own scale (the bar shows the current layer's)");
    }
  } else if (state.view === "heads") {
    // The attention weights' heads when an attention-weight variant is
    // chosen, else the heads' output changes.
    const aw = state.variant.startsWith("AttentionWeight_");
    const heads = s.variants.filter((v) => (aw ? /^AttentionWeight_Head_\d+$/.test(v) : isHead(v)));
    if (heads.length === 0) {
      body = el("p", { className: "unavailable" }, "This file has no per-head rows (the run used --skip-per-head).");
      ui.bar.replaceChildren();
    } else {
      const hv = (await src.values(f, { step: state.step, layers: [state.layer], variants: heads, value: valueFor(heads[0], state.value) })).data;
      if (my !== seq) return;
      const shared = scaleOf([hv], state.scale === "clip" ? "clip" : "shared", skip, nu);
      const per = heads.map((_, h) => scaleOf([hv.subarray(h * nu, (h + 1) * nu)], state.scale === "clip" ? "clip" : "layer", skip, nu));
      body = headsView(info, heads, hv, (x, h) => heatColour(x, state.scale === "shared" ? shared : per[h]), {
        size: 96, layer: state.layer, onpick: (v) => { state.variant = v; state.view = "image"; update(); },
      });
      colourBar(shared, state.scale === "shared" ? "shared by all heads" : "each head on its own scale (the bar spans them all)");
    }
  } else {
    const b = state.cmpFile;
    const infoB = await src.step(b, state.step).catch(() => null);
    if (!infoB) {
      body = el("p", { className: "unavailable" }, `${summary(b).name} has no step ${state.step}.`);
    } else {
      const va = (await src.values(f, { ...q, layers: [state.layer] })).data;
      const vb = (await src.values(b, { step: state.step, layers: [state.layer], variants: [state.cmpVariant], value: valueFor(state.cmpVariant, state.value) })).data;
      if (my !== seq) return;
      const sc = scaleOf([va, vb], state.scale === "clip" ? "clip" : "shared", null, nu);
      const colour = (x) => heatColour(x, sc);
      body = compareView(
        { title: `${s.name} · ${state.variant}`, info, values: va, imageURL: (k) => imageURL(s, f, k) },
        { title: `${summary(b).name} · ${state.cmpVariant}`, info: infoB, values: vb, imageURL: (k) => imageURL(summary(b), b, k) },
        colour, { width, showText: state.showText });
      colourBar(sc, `shared by A and B · step ${state.step} · layer ${state.layer}`);
    }
  }
  if (my !== seq) return;
  ui.view.replaceChildren(body);
  Object.assign(ui.view.dataset, {
    state: "ready", view: state.view, step: String(state.step), layer: String(state.layer), variant: state.variant,
    value: state.value, file: String(f), cmp: `${state.cmpFile}/${state.cmpVariant}`,
  });
  if (state.showText && state.view !== "compare") {
    if (!stripValues) {
      stripValues = (await src.values(f, { ...q, layers: [state.layer] })).data;
      const sc = scaleOf([stripValues], state.scale === "clip" ? "clip" : "layer", skip, nu);
      stripColour = (x) => heatColour(x, sc);
      if (my !== seq) return;
    }
    ui.strip.replaceChildren(textStrip(info, stripValues, stripColour, {
      rank: ranks(stripValues), highlight: state.pick, onclick: (i) => { state.pick = i; update(); },
    }));
  } else {
    ui.strip.replaceChildren();
  }
}

function move(what, delta) {
  const s = summary();
  if (what === "layer") {
    const i = Math.min(s.layers.length - 1, Math.max(0, s.layers.indexOf(state.layer) + delta));
    state.layer = s.layers[i];
  } else {
    const i = Math.min(s.steps.length - 1, Math.max(0, s.steps.indexOf(state.step) + delta));
    state.step = s.steps[i];
  }
  update();
}

function togglePlay() {
  state.playing = !state.playing;
  clearInterval(timer);
  if (state.playing) {
    timer = setInterval(() => {
      const st = summary().steps;
      state.step = st[(st.indexOf(state.step) + 1) % st.length];
      update();
    }, PLAY_MS);
  }
  syncControls();
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t instanceof HTMLInputElement && t.type === "text") return;
  const keys = {
    ArrowLeft: () => move("layer", -1), ArrowRight: () => move("layer", 1),
    ArrowUp: () => move("step", 1), ArrowDown: () => move("step", -1),
    h: () => { state.view = state.view === "heads" ? "image" : "heads"; update(); },
    t: () => { state.showText = !state.showText; update(); },
    m: () => { state.view = "matrix"; update(); },
    c: () => { state.view = "compare"; update(); },
    i: () => { state.view = "image"; update(); },
    " ": () => togglePlay(),
  };
  const fn = keys[e.key];
  if (!fn) return;
  e.preventDefault();
  fn();
}

async function main() {
  const app = document.getElementById("app");
  const inline = document.getElementById("vlmask-data");
  src = inline ? inlineSource(JSON.parse(inline.textContent)) : httpSource();
  try {
    state.files = await src.files();
  } catch (e) {
    app.replaceChildren(el("p", { className: "error" }, `Cannot load the results: ${e.message || e}`));
    return;
  }
  if (state.files.length === 0) {
    app.replaceChildren(el("p", { className: "error" }, "No results files."));
    return;
  }
  state.cmpFile = state.files.length > 1 ? 1 : 0;
  buildUI(app);
  resetFor();
  window.addEventListener("keydown", onKey);
  window.addEventListener("resize", () => update());
  update();
}

main();
