// Browser helpers for the e2e stories: a headless Chromium driven by playwright-core (never a
// downloaded browser), the app served on 127.0.0.1, waits on the app's own ready signals,
// screenshots, request recording and a tiny PNG decoder for pixel checks.
//
// Waits never sleep: each waits for something the app does — the map's data-ready attribute,
// MapLibre's idle event, an element or attribute the app renders, the address bar it rewrites, a
// response from the API — and then asserts, so a slow machine makes a story slower, not red.
import type { ClientSettings } from "../../server/routes/http.js";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { errors, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { ROOT } from "../../server/config.js";
import { launchBrowser } from "./chromium.js";
import { createTestApp } from "./db.js";
import { PASSWORD, makeUser } from "./auth.js";

export const SCREENSHOT_DIR = path.join(ROOT, "test-artifacts", "screenshots");

export interface AppServer {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash) */
  url: string;
  port: number;
  /** The database behind it, for setting up and checking what a story did. */
  db: import("../../server/db/connect.js").Database;
  close(): Promise<void>;
}

/** The app (API + built web app from web/dist) over the demo-city database, on 127.0.0.1:<free port>. */
export async function startAppServer(clientConfig?: ClientSettings): Promise<AppServer> {
  const { app, db } = await createTestApp({ webDistDir: path.join(ROOT, "web/dist"), clientConfig });
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/**
 * How long one wait on the page may take. Generous: SwiftShader draws on the CPU, and on a busy
 * 2-core machine the analysis worker and the map share what is left.
 */
export const WAIT_MS = 60_000;

/**
 * A fresh browser context for a story (a new profile: no stored language, no session), added to
 * `contexts` so {@link closeContexts} closes it and reads its CSP violations.
 */
export async function newStoryContext(browser: Browser, contexts: BrowserContext[], options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(WAIT_MS);
  contexts.push(context);
  await recordCspViolations(context);
  return context;
}

/** Resolve once the map (window.__renewalMap) has rendered whatever was just changed: MapLibre's idle after a repaint. */
export function mapIdle(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__renewalMap;
        if (!map) throw new Error("window.__renewalMap is not set");
        map.once("idle", () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Distinct feature ids the map has drawn in a layer (a polygon comes back once per tile). */
export function renderedIds(page: Page, layer: string): Promise<Array<number | string>> {
  return page.evaluate((layer) => {
    const map = window.__renewalMap;
    if (!map) throw new Error("window.__renewalMap is not set");
    if (!map.getLayer(layer)) throw new Error(`the style has no layer "${layer}"`);
    const features = map.queryRenderedFeatures({ layers: [layer] });
    return [...new Set(features.map((f) => (f.id ?? f.properties.id) as number | string))];
  }, layer);
}

/**
 * Distinct feature ids drawn in a layer, once there are at least `min` (checked on every animation
 * frame: tiles and data arrive in the map's own time). Resolves with what is drawn at the timeout
 * too, so the caller's assertion reports the count.
 */
export async function waitForRenderedIds(page: Page, layer: string, min: number, timeout = WAIT_MS): Promise<Array<number | string>> {
  await tolerateTimeout(
    page.waitForFunction(
      ([layer, min]) => {
        const map = window.__renewalMap;
        if (!map?.getLayer(layer as string)) return false;
        const ids = new Set(map.queryRenderedFeatures({ layers: [layer as string] }).map((f) => f.id ?? f.properties.id));
        return ids.size >= (min as number);
      },
      [layer, min] as const,
      { timeout },
    ),
  );
  return renderedIds(page, layer);
}

/**
 * Await a wait but let its timeout pass (the assertion that follows says what was wrong, better
 * than "timeout exceeded"); any other failure is thrown.
 */
export async function tolerateTimeout(wait: Promise<unknown>): Promise<void> {
  try {
    await wait;
  } catch (e) {
    if (!(e instanceof errors.TimeoutError)) throw e;
  }
}

/**
 * Assert that `?name=` in the address bar is `value` (null: absent), waiting for it first: the app
 * rewrites the address with history.replaceState, which Playwright sees as a navigation.
 */
export async function expectParam(page: Page, name: string, value: string | null, timeout = WAIT_MS): Promise<void> {
  await tolerateTimeout(page.waitForURL((url) => url.searchParams.get(name) === value, { timeout }));
  expect(new URL(page.url()).searchParams.get(name), `?${name}= in the address bar`).toBe(value);
}

/** Assert that the trimmed text of the first `selector` is (or, for a RegExp, matches) `want`, waiting for it first. */
export async function expectText(page: Page, selector: string, want: string | RegExp, timeout = WAIT_MS): Promise<void> {
  const [exact, source, flags] = typeof want === "string" ? [want, null, null] : [null, want.source, want.flags];
  await tolerateTimeout(
    page.waitForFunction(
      ([selector, exact, source, flags]) => {
        const text = (document.querySelector(selector!)?.textContent ?? "").trim();
        return exact !== null ? text === exact : new RegExp(source!, flags!).test(text);
      },
      [selector, exact, source, flags] as const,
      { timeout },
    ),
  );
  const text = ((await page.locator(selector).first().textContent({ timeout })) ?? "").trim();
  if (typeof want === "string") expect(text, `text of ${selector}`).toBe(want);
  else expect(text, `text of ${selector}`).toMatch(want);
}

/** Assert that attribute `name` of the first `selector` is `want` (null: absent), waiting for it first. */
export async function expectAttribute(page: Page, selector: string, name: string, want: string | null, timeout = WAIT_MS): Promise<void> {
  await tolerateTimeout(
    page.waitForFunction(
      ([selector, name, want]) => {
        const el = document.querySelector(selector!);
        return el !== null && el.getAttribute(name!) === want;
      },
      [selector, name, want] as const,
      { timeout },
    ),
  );
  expect(await page.locator(selector).first().getAttribute(name, { timeout }), `${name} of ${selector}`).toBe(want);
}

/** Save a screenshot of the page to test-artifacts/screenshots/<name>.png; returns the path. */
export async function saveScreenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

export interface MissingGlyphs {
  /** the CSS font (family list) the text is set in */
  font: string;
  /** the Chinese characters tried */
  chars: string;
  /** some of the text drawn in that font */
  sample: string;
}

/**
 * Visible Chinese text that draws as empty boxes: for each font the page sets Chinese text in,
 * draw its characters on a canvas with that font; a font without the glyphs draws different
 * characters as the same box. (A system with no CJK font shows this when the app relies on it.)
 */
export function findMissingCjkGlyphs(page: Page): Promise<MissingGlyphs[]> {
  return page.evaluate(async () => {
    await document.fonts.ready;
    const groups = new Map<string, { chars: Set<string>; sample: string[] }>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode as Text;
      const el = node.parentElement;
      if (!el || !/\p{Script=Han}/u.test(node.data)) continue;
      const rect = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!rect.width || !rect.height || cs.visibility === "hidden") continue;
      const font = `${cs.fontStyle} ${cs.fontWeight} 32px ${cs.fontFamily}`;
      const g = groups.get(font) ?? { chars: new Set<string>(), sample: [] };
      for (const ch of node.data) if (/\p{Script=Han}/u.test(ch) && g.chars.size < 8) g.chars.add(ch);
      if (g.sample.length < 3) g.sample.push(node.data.trim().slice(0, 30));
      groups.set(font, g);
    }
    // (No named inner functions: tools that keep function names would inject helpers the page lacks.)
    const missing: Array<{ font: string; chars: string; sample: string }> = [];
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 48;
    const ctx = canvas.getContext("2d")!;
    for (const [font, g] of groups) {
      const chars = [...g.chars];
      if (chars.length < 2) continue;
      const images = new Set<string>();
      for (const ch of chars) {
        ctx.clearRect(0, 0, 48, 48);
        ctx.font = font;
        ctx.textBaseline = "top";
        ctx.fillText(ch, 4, 4);
        images.add(canvas.toDataURL());
      }
      if (images.size < chars.length) missing.push({ font, chars: chars.join(""), sample: g.sample.join(" | ") });
    }
    return missing;
  });
}

export interface RequestLog {
  /** Every request URL the page made since recording started, in order. */
  urls: string[];
  /** The URLs that left `origin` (data: and blob: URLs count as local). */
  foreign(origin: string): string[];
}

/** Record every request URL of the page (including workers' requests that Playwright reports). */
export function recordRequests(page: Page): RequestLog {
  const urls: string[] = [];
  page.on("request", (req) => urls.push(req.url()));
  return {
    urls,
    foreign(origin: string) {
      const base = new URL(origin).origin;
      return urls.filter((u) => {
        if (u.startsWith("data:") || u.startsWith("blob:")) return false;
        try {
          return new URL(u).origin !== base;
        } catch {
          return true;
        }
      });
    },
  };
}

// --- a minimal PNG decoder (8-bit greyscale/RGB/RGBA/grey+alpha, non-interlaced) -------------

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major */
  data: Uint8Array;
}

export function decodePng(png: Buffer): DecodedImage {
  const SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 8 || !png.subarray(0, 8).equals(SIG)) throw new Error("not a PNG");
  let width = 0,
    height = 0,
    bitDepth = 0,
    colorType = 0,
    interlace = 0;
  const idat: Buffer[] = [];
  let palette: Buffer | undefined;
  for (let off = 8; off + 8 <= png.length; ) {
    const len = png.readUInt32BE(off);
    const type = png.toString("ascii", off + 4, off + 8);
    const body = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8];
      colorType = body[9];
      interlace = body[12];
    } else if (type === "PLTE") palette = body;
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (bitDepth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[dst + x - channels] : 0;
      const b = y > 0 ? pixels[dst - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[dst - stride + x - channels] : 0;
      let v = raw[src + x];
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c,
            pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} in row ${y}`);
      }
      pixels[dst + x] = v & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    let r: number,
      g: number,
      b: number,
      al = 255;
    if (colorType === 0) r = g = b = pixels[s];
    else if (colorType === 4) {
      r = g = b = pixels[s];
      al = pixels[s + 1];
    } else if (colorType === 3) {
      const p = pixels[s] * 3;
      r = palette![p];
      g = palette![p + 1];
      b = palette![p + 2];
    } else {
      r = pixels[s];
      g = pixels[s + 1];
      b = pixels[s + 2];
      if (colorType === 6) al = pixels[s + 3];
    }
    data.set([r, g, b, al], i * 4);
  }
  return { width, height, data };
}

export interface ColourStats {
  pixels: number;
  /** distinct colours after quantising each channel to 32 levels */
  distinctColours: number;
  /** share (0–1) of pixels that differ from the most common colour by more than `tolerance` */
  nonBackgroundShare: number;
  /** the most common colour [r, g, b] */
  background: [number, number, number];
}

/** Colour statistics of an image, to tell a drawn map from a blank or single-colour canvas. */
export function colourStats(img: DecodedImage, tolerance = 24): ColourStats {
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const k = ((img.data[i * 4] >> 3) << 10) | ((img.data[i * 4 + 1] >> 3) << 5) | (img.data[i * 4 + 2] >> 3);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let bgKey = 0,
    bgCount = -1;
  for (const [k, c] of counts)
    if (c > bgCount) {
      bgKey = k;
      bgCount = c;
    }
  const background: [number, number, number] = [((bgKey >> 10) & 31) * 8 + 4, ((bgKey >> 5) & 31) * 8 + 4, (bgKey & 31) * 8 + 4];
  let other = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.max(Math.abs(img.data[i * 4] - background[0]), Math.abs(img.data[i * 4 + 1] - background[1]), Math.abs(img.data[i * 4 + 2] - background[2]));
    if (d > tolerance) other++;
  }
  return { pixels: n, distinctColours: counts.size, nonBackgroundShare: n ? other / n : 0, background };
}

/** Number of pixels within `tolerance` (max channel difference) of the colour [r, g, b]. */
export function countColour(img: DecodedImage, [r, g, b]: number[], tolerance = 12): number {
  let count = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    if (Math.abs(img.data[i * 4] - r) <= tolerance && Math.abs(img.data[i * 4 + 1] - g) <= tolerance && Math.abs(img.data[i * 4 + 2] - b) <= tolerance) count++;
  }
  return count;
}

/** Sign in through the page's own form as a new user of `role`; resolves once the session shows. */
export async function signInThroughPage(page: Page, knex: import("knex").Knex, role: "admin" | "planner" | "staff"): Promise<void> {
  const user = await makeUser(knex, role);
  await page.click("[data-testid=sign-in]");
  await page.fill("[data-testid=sign-in-name]", user.name);
  await page.fill("[data-testid=sign-in-password]", PASSWORD);
  await page.click("[data-testid=sign-in-form] button[type=submit]");
  await page.waitForSelector("[data-testid=session]");
}

/** Record every Content-Security-Policy violation in the context's pages (read with {@link closeContexts}). */
export async function recordCspViolations(context: import("playwright-core").BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const list: string[] = [];
    (window as any).__cspViolations = list;
    document.addEventListener("securitypolicyviolation", (e) => list.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

/**
 * Close a story's browser contexts (and their WebGL maps); returns the CSP violations their pages
 * recorded, which a story must not have (the offline app needs nothing beyond its own origin).
 */
export async function closeContexts(contexts: Array<import("playwright-core").BrowserContext>): Promise<string[]> {
  const violations: string[] = [];
  for (const c of contexts) {
    for (const p of c.pages()) violations.push(...(await p.evaluate(() => (window as any).__cspViolations ?? []).catch(() => [])));
  }
  for (const c of contexts.splice(0)) await c.close().catch(() => {});
  return violations;
}

/** The map's ready signal: its element carries data-ready=true once the style and data are in. */
export const MAP_READY = "[data-testid=map][data-ready=true]";

/** What {@link setUpAppInBrowser} gives a file of browser stories. */
export interface AppInBrowser {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash) */
  readonly url: string;
  /** The database behind the app, for setting up and checking what a story did. */
  readonly db: AppServer["db"];
  /** A page in a fresh context of the file's one browser ({@link newStoryContext}), closed when the story ends. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /**
   * A page at `path` of the app once the map is ready ({@link MAP_READY}), signed in through the
   * page's own form as a new user of `role` when given. The viewport is 1400 × 1000 unless
   * `context` says otherwise; `prepare` runs before the page loads (to listen to it from the start).
   */
  openPage(path: string, opts?: { role?: "admin" | "planner" | "staff"; context?: BrowserContextOptions; prepare?: (page: Page) => void }): Promise<Page>;
}

/**
 * The hooks of a file of browser stories: one browser and one app server for all of them,
 * started before the stories (then `before`, e.g. to add the file's own rows); after each story,
 * its contexts closed, none of whose pages may have broken the Content Security Policy the server
 * sends (the offline app needs nothing beyond its own origin); after the stories, `after` (to
 * remove what the file added), then the browser and the server closed. Call it at the top of the
 * file and read `url` and `db` in hooks and stories.
 */
export function setUpAppInBrowser(
  opts: { before?: (app: AppInBrowser) => Promise<void>; after?: (app: AppInBrowser) => Promise<void>; clientConfig?: ClientSettings } = {},
): AppInBrowser {
  let browser: Browser | undefined;
  let server: AppServer | undefined;
  const contexts: BrowserContext[] = [];
  const started = () => {
    if (!browser || !server) throw new Error("setUpAppInBrowser: the browser and the app start in a beforeAll hook; use them in a hook or a story");
    return { browser, server };
  };
  const app: AppInBrowser = {
    get url() {
      return started().server.url;
    },
    get db() {
      return started().server.db;
    },
    async newPage(options = {}) {
      const context = await newStoryContext(started().browser, contexts, options);
      return context.newPage();
    },
    async openPage(path, { role, context = {}, prepare } = {}) {
      const page = await app.newPage({ viewport: { width: 1400, height: 1000 }, ...context });
      prepare?.(page);
      await page.goto(app.url + path);
      await page.waitForSelector(MAP_READY);
      if (role) await signInThroughPage(page, app.db.knex, role);
      return page;
    },
  };
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startAppServer(opts.clientConfig)]);
    await opts.before?.(app);
  }, 180_000);
  afterEach(async () => {
    expect(await closeContexts(contexts), "Content-Security-Policy violations").toEqual([]);
  });
  afterAll(async () => {
    if (server) await opts.after?.(app);
    await browser?.close();
    await server?.close();
  });
  return app;
}
