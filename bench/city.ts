// npm run bench (part): a big city opened as a user opens it. The generated --scale 10 and
// --scale 40 cities are seeded into embedded databases of the bench's own (.tmp/bench/), the app
// runs as its own process on each, and then:
//   - the API: p50/p95 of a district's compounds (the 1,000 nearest the centre, by bbox) and of
//     one compounds tile, each with 50 concurrent clients on loopback for 10 s;
//   - the browser (Chromium, playwright-core): from page load to the first coloured coverage map,
//     and from a click on the coverage tab (the map already open) to coloured compounds.
// These are absolute times, printed with the machine they ran on; nothing is asserted.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import type { Page } from "playwright-core";
import { ensureWebBuild } from "../server/web-build.js";
import { launchBrowser } from "../tests/helpers/chromium.js";
import { startApp } from "./readers.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLIENTS = 50;
const SECONDS = 10;

/** The machine, for absolute figures. */
export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, load ${os.loadavg()[0].toFixed(1)}`;

/** Seed `cityDir` into a data folder of its own, once per generated city (a marker holds the city's meta). */
async function seeded(cityDir: string, dataDir: string): Promise<number> {
  const meta = fs.readFileSync(path.join(cityDir, "meta.json"), "utf8");
  const marker = path.join(dataDir, ".bench-city");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === meta) return 0;
  fs.rmSync(dataDir, { recursive: true, force: true });
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/seed.ts"), "--reset", "--city", cityDir], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err = (err + d).slice(-4000);
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${cityDir} failed (${code}):\n${err}`))));
  });
  fs.writeFileSync(marker, meta);
  return performance.now() - t0;
}

async function latency(url: string): Promise<{ p50: number; p95: number; rps: number; errors: number }> {
  const times: number[] = [];
  const instance: autocannon.Instance & PromiseLike<autocannon.Result> = autocannon({
    url,
    connections: CLIENTS,
    duration: SECONDS,
    timeout: 20,
    headers: { "accept-encoding": "br, gzip" },
  }) as never;
  instance.on("response", (_c: unknown, _s: number, _b: number, ms: number) => {
    times.push(ms);
  });
  const r = await instance;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? Number.NaN;
  return { p50: q(0.5), p95: q(0.95), rps: r.requests.average, errors: r.errors + r.timeouts + r.non2xx };
}

/** The bbox of the `n` compounds nearest the city's centre, and the z14 tile at the centre. */
async function districtOf(base: string, n: number) {
  // Every compound, page by page (links.next), as the web app loads them.
  const fc: { features: Array<{ geometry: { coordinates: unknown } }> } = { features: [] };
  for (let url: string | undefined = `${base}/api/compounds?limit=5000`; url; ) {
    const page = (await (await fetch(url)).json()) as { features: typeof fc.features; links?: { next?: string } };
    fc.features.push(...page.features);
    const next = page.links?.next;
    url = next ? new URL(next, base).toString() : undefined;
  }
  const centroids = fc.features.map((f) => {
    const pts: number[][] = [];
    const walk = (c: unknown) => (typeof (c as unknown[])[0] === "number" ? pts.push(c as number[]) : (c as unknown[]).forEach(walk));
    walk(f.geometry.coordinates);
    return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
  });
  const cx = centroids.reduce((s, c) => s + c[0], 0) / centroids.length;
  const cy = centroids.reduce((s, c) => s + c[1], 0) / centroids.length;
  const near = centroids.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy)).slice(0, n);
  const bbox = [Math.min(...near.map((c) => c[0])), Math.min(...near.map((c) => c[1])), Math.max(...near.map((c) => c[0])), Math.max(...near.map((c) => c[1]))];
  const z = 14;
  const x = Math.floor(((cx + 180) / 360) * 2 ** z);
  const y = Math.floor(((1 - Math.log(Math.tan((cy * Math.PI) / 180) + 1 / Math.cos((cy * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
  return { bbox: bbox.map((v) => v.toFixed(6)).join(","), tile: `/api/tiles/compounds/${z}/${x}/${y}.mvt`, total: fc.features.length };
}

/** Resolves once nearly every compound drawn on the map has its coverage colour (feature state). */
const coloured = (page: Page) =>
  page.waitForFunction(
    () => {
      const map = window.__renewalMap;
      if (!map?.getLayer("compounds-fill")) return false;
      const fs = map.queryRenderedFeatures({ layers: ["compounds-fill"] });
      return fs.length > 0 && fs.filter((f) => f.state?.cov).length >= 0.95 * fs.length;
    },
    undefined,
    { polling: 100, timeout: 600_000 },
  );

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function browserTimes(base: string, runs: number) {
  const browser = await launchBrowser();
  try {
    const load: number[] = [];
    const tab: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${base}/?view=coverage`);
      await coloured(page);
      load.push(await page.evaluate(() => performance.now()));
      await page.goto(`${base}/`);
      await page.waitForSelector("[data-testid=map][data-ready=true]", { timeout: 600_000 });
      const t0 = await page.evaluate(() => performance.now());
      await page.click("[data-testid=tab-coverage]");
      await coloured(page);
      tab.push((await page.evaluate(() => performance.now())) - t0);
      await context.close();
    }
    return { load: median(load), tab: median(tab) };
  } finally {
    await browser.close();
  }
}

/** The figures for each generated city folder (written by run.ts from the cities it generated). */
export async function benchCity(cities: Array<{ scale: number; dir: string }>) {
  console.log(`Big cities opened as a user opens them (embedded database; absolute times on ${machine()})`);
  await ensureWebBuild();
  for (const { scale, dir } of cities) {
    const dataDir = path.join(ROOT, ".tmp", "bench", `db-scale${scale}`);
    const seedMs = await seeded(dir, dataDir);
    const app = await startApp({ DATA_DIR: dataDir, DATABASE_URL: "" });
    try {
      const d = await districtOf(app.url, 1000);
      console.log(`  scale ${scale}: ${d.total} compounds${seedMs ? `, seeded in ${(seedMs / 1000).toFixed(0)} s` : " (seeded before)"}`);
      const compoundsUrl = `${app.url}/api/compounds?bbox=${d.bbox}&limit=5000`;
      await fetch(compoundsUrl);
      await fetch(app.url + d.tile);
      const district = await latency(compoundsUrl);
      const tile = await latency(app.url + d.tile);
      const fmt = (r: typeof district) => `p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms (${r.rps.toFixed(0)} req/s, ${r.errors} errors)`;
      console.log(`    API, ${CLIENTS} clients for ${SECONDS} s: a district's compounds (the 1,000 nearest the centre): ${fmt(district)}`);
      console.log(`    API, ${CLIENTS} clients for ${SECONDS} s: one compounds tile (${d.tile}): ${fmt(tile)}`);
      const b = await browserTimes(app.url, scale >= 40 ? 1 : 3);
      console.log(
        `    Chromium: page load → first coloured coverage map ${(b.load / 1000).toFixed(1)} s; coverage tab clicked → coloured compounds ${(b.tab / 1000).toFixed(1)} s`,
      );
    } finally {
      await app.stop();
    }
  }
}
