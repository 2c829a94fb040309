#!/usr/bin/env node
// drive.mjs runs a plan of browser actions in the system Chromium through
// playwright-core and prints what it observed as one JSON document on
// stdout. vlmask's Go tests write the plan and check the observations; the
// script itself asserts nothing.
//
// Usage: node drive.mjs PLAN.json
//
// Plan: {"chromium": "/usr/bin/chromium", "screenshots": "DIR",
//        "viewport": {"width": 1280, "height": 900},
//        "pages": [{"url": "http://127.0.0.1:PORT/" | "file:///…", "actions": [...]}]}
// Actions (each may carry "name", under which its result is recorded):
//   {"do": "wait", "selector": S, "state": "visible"|"attached", "timeout": ms}
//   {"do": "waitAttr", "selector": S, "attr": A, "value": V, "timeout": ms}
//   {"do": "press", "key": "ArrowRight"}
//   {"do": "hover", "selector": S}          (the element's centre)
//   {"do": "click", "selector": S}
//   {"do": "select", "selector": S, "value": V}
//   {"do": "read", "selector": S, "attrs": [..], "text": true}  → {count, attrs: {..}, text} of the first match
//   {"do": "readAll", "selector": S, "attrs": [..]}             → [{attrs}, ...] of every match
//   {"do": "style", "selector": S, "props": [..]}               → computed style values of the first match
//   {"do": "screenshot", "file": "name.png", "selector": S?}    (the whole page, or one element)
// Observations: {"pages": [{"results": {name: value}, "console_errors": [...],
//                "page_errors": [...], "offsite_requests": [...], "failed_requests": [...]}]}

import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const plan = JSON.parse(await readFile(process.argv[2], "utf8"));
const browser = await chromium.launch({
  executablePath: plan.chromium,
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
  ],
});
const out = { pages: [] };
try {
  for (const p of plan.pages) {
    out.pages.push(await runPage(p));
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

async function runPage(p) {
  const context = await browser.newContext({ viewport: plan.viewport || { width: 1280, height: 900 } });
  const page = await context.newPage();
  const obs = { url: p.url, results: {}, console_errors: [], page_errors: [], offsite_requests: [], failed_requests: [] };
  const origin = p.url.startsWith("http") ? new URL(p.url).origin : null;
  page.on("console", (m) => { if (m.type() === "error") obs.console_errors.push(m.text()); });
  page.on("pageerror", (e) => obs.page_errors.push(String(e)));
  page.on("request", (r) => {
    const u = r.url();
    if (u.startsWith("data:") || u.startsWith("blob:") || u.startsWith("file:")) return;
    if (origin && new URL(u).origin === origin) return;
    obs.offsite_requests.push(u);
  });
  page.on("requestfailed", (r) => obs.failed_requests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) obs.failed_requests.push(`${r.url()}: ${r.status()}`); });
  try {
    await page.goto(p.url, { waitUntil: "load" });
    for (const a of p.actions) {
      const v = await act(page, a);
      if (a.name) obs.results[a.name] = v;
    }
  } catch (e) {
    obs.error = String(e && e.stack ? e.stack : e);
  }
  await context.close();
  return obs;
}

async function act(page, a) {
  const timeout = a.timeout || 15000;
  switch (a.do) {
    case "wait":
      await page.locator(a.selector).first().waitFor({ state: a.state || "visible", timeout });
      return true;
    case "waitAttr":
      await page.waitForFunction(([s, attr, v]) => {
        const e = document.querySelector(s);
        return e && e.getAttribute(attr) === v;
      }, [a.selector, a.attr, a.value], { timeout });
      return true;
    case "press":
      await page.keyboard.press(a.key);
      return true;
    case "hover":
      await page.locator(a.selector).first().hover({ timeout });
      return true;
    case "click":
      await page.locator(a.selector).first().click({ timeout });
      return true;
    case "select":
      await page.locator(a.selector).first().selectOption(a.value, { timeout });
      return true;
    case "read":
      return page.evaluate(([s, attrs, text]) => {
        const all = document.querySelectorAll(s);
        const e = all[0];
        if (!e) return { count: 0 };
        const out = { count: all.length, attrs: {} };
        for (const k of attrs || []) out.attrs[k] = e.getAttribute(k);
        if (text) out.text = e.textContent;
        out.hidden = e.hidden || getComputedStyle(e).display === "none";
        return out;
      }, [a.selector, a.attrs, a.text]);
    case "readAll":
      return page.evaluate(([s, attrs]) => [...document.querySelectorAll(s)].map((e) => {
        const o = {};
        for (const k of attrs || []) o[k] = e.getAttribute(k);
        return o;
      }), [a.selector, a.attrs]);
    case "style":
      return page.evaluate(([s, props]) => {
        const e = document.querySelector(s);
        if (!e) return null;
        const cs = getComputedStyle(e);
        const o = {};
        for (const k of props) o[k] = cs.getPropertyValue(k);
        return o;
      }, [a.selector, a.props]);
    case "screenshot": {
      const file = path.join(plan.screenshots, a.file);
      if (a.selector) await page.locator(a.selector).first().screenshot({ path: file, timeout });
      else await page.screenshot({ path: file, fullPage: true });
      return file;
    }
    default:
      throw new Error(`unknown action ${a.do}`);
  }
}
