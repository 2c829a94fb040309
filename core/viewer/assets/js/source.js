// source.js: where the app's data comes from. httpSource asks `vlmask
// serve`; inlineSource answers from the data `vlmask export` wrote into
// the page. Both have the same methods:
//   files()                       → [summary]
//   step(file, step)              → {step, units, grids, generated}
//   values(file, q)               → {layers, variants, units, data: Float64Array}
//                                   q = {step, layers (array or null = all), variants, value}
//                                   data[(l*variants.length + v)*units + u]
//   imageURL(file, k)             → URL of the image, or ""

export class NotAvailable extends Error {}

export function httpSource() {
  const stepCache = new Map();
  const valueCache = new Map();
  async function get(url) {
    const r = await fetch(url);
    if (!r.ok) {
      const msg = (await r.text()).trim();
      if (r.status === 404) throw new NotAvailable(msg);
      throw new Error(`${r.status}: ${msg}`);
    }
    return r;
  }
  return {
    kind: "server",
    async files() { return (await get("/api/files")).json(); },
    async step(file, step) {
      const key = `${file}/${step}`;
      if (!stepCache.has(key)) {
        stepCache.set(key, get(`/api/files/${file}/step?step=${step}`).then((r) => r.json()));
      }
      try { return await stepCache.get(key); } catch (e) { stepCache.delete(key); throw e; }
    },
    async values(file, q) {
      const layers = q.layers ? q.layers.join(",") : "all";
      const params = new URLSearchParams({ step: q.step, layers, variants: q.variants.join(","), value: q.value });
      const key = `${file}?${params}`;
      if (!valueCache.has(key)) {
        if (valueCache.size > 256) valueCache.clear();
        valueCache.set(key, get(`/api/files/${file}/values?${params}`).then(async (r) => {
          const [l, v, u] = r.headers.get("X-Vlmask-Shape").split(",").map(Number);
          const data = new Float64Array(await r.arrayBuffer());
          return { layers: l, variants: v, units: u, data };
        }));
      }
      try { return await valueCache.get(key); } catch (e) { valueCache.delete(key); throw e; }
    },
    imageURL(file, k) { return `/api/files/${file}/images/${k}`; },
  };
}

// inlineSource reads the JSON document export wrote:
//   {files: [summary], steps: {file: {step: info}}, images: {file: {k: dataURL}},
//    values: {file: {step: {"variant|value": {layers: [..], units, data: base64 float64 LE}}}}}
export function inlineSource(doc) {
  const decoded = new Map();
  function column(file, step, variant, value) {
    const key = `${file}/${step}/${variant}|${value}`;
    if (!decoded.has(key)) {
      const entry = doc.values?.[file]?.[step]?.[`${variant}|${value}`];
      if (!entry) return null;
      const bin = atob(entry.data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      decoded.set(key, { layers: entry.layers, units: entry.units, data: new Float64Array(bytes.buffer) });
    }
    return decoded.get(key);
  }
  return {
    kind: "export",
    async files() { return doc.files; },
    async step(file, step) {
      const info = doc.steps?.[file]?.[step];
      if (!info) throw new NotAvailable(`step ${step} is not in this export`);
      return info;
    },
    async values(file, q) {
      const cols = q.variants.map((v) => column(file, q.step, v, q.value));
      if (cols.some((c) => c === null)) {
        throw new NotAvailable(`${q.variants.join(", ")} · ${q.value} at step ${q.step} is not in this export`);
      }
      const all = cols[0].layers;
      const layers = q.layers || all;
      const units = cols[0].units;
      const data = new Float64Array(layers.length * q.variants.length * units).fill(NaN);
      layers.forEach((layer, li) => {
        const src = all.indexOf(layer);
        if (src < 0) throw new NotAvailable(`layer ${layer} is not in this export`);
        cols.forEach((c, vi) => {
          data.set(c.data.subarray(src * units, (src + 1) * units), (li * q.variants.length + vi) * units);
        });
      });
      return { layers: layers.length, variants: q.variants.length, units, data };
    },
    imageURL(file, k) { return doc.images?.[file]?.[k] || ""; },
  };
}
