import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  colourStats,
  decodePng,
  expectAttribute,
  expectParam,
  expectText,
  findMissingCjkGlyphs,
  mapIdle,
  recordRequests,
  renderedIds,
  saveScreenshot,
  tolerateTimeout,
  waitForRenderedIds,
  WAIT_MS,
  type RequestLog,
  setUpAppInBrowser,
  MAP_READY,
} from "../helpers/browser.js";

// The web app as its users meet it, in a real headless Chromium (WebGL2 through SwiftShader):
// the public progress map, search and the compound card, links that reproduce a view, the two
// languages, the analysis views, failures shown to the user, and a phone-sized screen.
// Every story saves a screenshot to test-artifacts/screenshots/ — look at them.

// One browser and one app server for every story; each story's pages (and their WebGL maps) go
// when the story ends, and none of them may have broken the Content Security Policy.
const app = setUpAppInBrowser();

const tid = (id: string) => `[data-testid=${id}]`;

interface Opened {
  page: Page;
  requests: RequestLog;
  /** Uncaught exceptions in the page (console errors are kept apart in `consoleErrors`). */
  pageErrors: string[];
  consoleErrors: string[];
}

/** A fresh browser context (no stored language) and a page at `path` of the app. */
async function open(
  path = "/",
  opts: { width?: number; height?: number; waitForMap?: boolean; prepare?: (page: Page) => Promise<void> } = {},
): Promise<Opened> {
  const page = await app.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, deviceScaleFactor: 1 });
  const requests = recordRequests(page);
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await opts.prepare?.(page);
  await page.goto(app.url + path);
  if (opts.waitForMap !== false) await waitForMap(page, consoleErrors);
  return { page, requests, pageErrors, consoleErrors };
}

async function waitForMap(page: Page, consoleErrors: string[] = []) {
  try {
    await page.waitForSelector(MAP_READY, { timeout: WAIT_MS });
  } catch (e) {
    throw new Error(`the map never became ready ([data-testid=map][data-ready=true]); console errors: ${consoleErrors.join(" | ") || "none"}\n${e}`);
  }
}

async function getJson<T = any>(path: string): Promise<T> {
  const res = await fetch(app.url + path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

function searchParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? "").trim();
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: eight browser cases sharing one server and browser
describe("the web app", () => {
  it("opens on the progress map in Chinese, drawing the compounds from its own origin only", async () => {
    const { page, requests, pageErrors } = await open("/");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    expect(await text(page, tid("app-title"))).toContain("老旧小区");
    expect(await page.getAttribute(tid("tab-progress"), "aria-selected")).toBe("true");

    // Chinese is drawn with a real font everywhere, not as empty boxes.
    expect(await findMissingCjkGlyphs(page), "Chinese text drawn as boxes").toEqual([]);

    // The compounds are on the map (deduplicated over tiles).
    const ids = await renderedIds(page, "compounds-fill");
    expect(ids.length).toBeGreaterThanOrEqual(50);

    // And by pixels: the map is not blank, and the compound layer accounts for a good share of them.
    const map = page.locator(tid("map"));
    const withCompounds = decodePng(await map.screenshot());
    const stats = colourStats(withCompounds);
    expect(stats.distinctColours).toBeGreaterThanOrEqual(16);
    expect(stats.nonBackgroundShare).toBeGreaterThan(0.1);
    await page.evaluate(() => (window as any).__renewalMap.setLayoutProperty("compounds-fill", "visibility", "none"));
    await mapIdle(page);
    const without = decodePng(await map.screenshot());
    await page.evaluate(() => (window as any).__renewalMap.setLayoutProperty("compounds-fill", "visibility", "visible"));
    await mapIdle(page);
    expect(without.width).toBe(withCompounds.width);
    let changed = 0;
    for (let i = 0; i < withCompounds.data.length; i += 4) {
      const d =
        Math.abs(withCompounds.data[i] - without.data[i]) +
        Math.abs(withCompounds.data[i + 1] - without.data[i + 1]) +
        Math.abs(withCompounds.data[i + 2] - without.data[i + 2]);
      if (d > 30) changed++;
    }
    expect(changed / (withCompounds.width * withCompounds.height), "share of map pixels painted by compounds-fill").toBeGreaterThan(0.03);

    await saveScreenshot(page, "01-progress-zh");
    expect(requests.urls.length).toBeGreaterThan(3);
    expect(requests.foreign(app.url), "requests that left the app's origin").toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("finds 电力小区 by search, opens its card and puts it in the URL; the URL reopens it", async () => {
    const list = await getJson("/api/compounds?limit=5000");
    const target = list.features.find((f: any) => f.properties.name === "电力小区");
    expect(target, "电力小区 in /api/compounds").toBeTruthy();
    const id: number = target.id;
    const detail = await getJson(`/api/compounds/${id}`);
    const items: Array<{ properties: { nameZh: string; quantity: number } }> = detail.renovationItems;
    expect(items.length).toBeGreaterThan(0);

    const { page, requests } = await open("/");
    await page.fill(tid("search"), "电力");
    const result = page.locator(tid("search-result"), { hasText: "电力小区" }).first();
    await result.waitFor();
    await result.click();

    await expectParam(page, "compound", String(id));
    const checkCard = async (page: Page) => {
      await page.waitForSelector(tid("compound-card"));
      await expectText(page, tid("compound-name"), "电力小区");
      expect(await text(page, tid("compound-tier"))).not.toBe("");
      expect(await page.isVisible(tid("status-timeline"))).toBe(true);
      await page.waitForSelector(`${tid("compound-items")} li`);
      const lis = (await page.locator(`${tid("compound-items")} li`).allTextContents()).map((s) => s.replace(/(?<=\d)[,\s\u202f\u00a0](?=\d{3})/g, ""));
      expect(lis.length).toBe(items.length);
      const unused = new Set(lis.map((_, i) => i));
      for (const {
        properties: { nameZh, quantity },
      } of items) {
        const q = new RegExp(`(^|[^\\d.])${String(quantity).replace(".", "\\.")}($|[^\\d])`);
        const hit = [...unused].find((i) => lis[i].includes(nameZh) && q.test(lis[i]));
        expect(hit, `an item line with "${nameZh}" and quantity ${quantity} among:\n${lis.join("\n")}`).toBeDefined();
        unused.delete(hit!);
      }
    };
    await checkCard(page);

    // The map flew there: the compound's footprint holds the map centre, close up.
    const [minX, minY, maxX, maxY] = bounds(target.geometry);
    // (Checked on every frame until the flight ends there, then asserted.)
    const isCentred = ([a, b, c, d]: number[]) => {
      const map = window.__renewalMap!;
      const { lng, lat } = map.getCenter();
      const pad = 0.002;
      return !map.isMoving() && map.getZoom() >= 15 && lng >= a - pad && lng <= c + pad && lat >= b - pad && lat <= d + pad;
    };
    const expectCentred = async () => {
      await tolerateTimeout(page.waitForFunction(isCentred, [minX, minY, maxX, maxY]));
      expect(await page.evaluate(isCentred, [minX, minY, maxX, maxY]), "the map centred on the compound, close up").toBe(true);
    };
    await expectCentred();
    await mapIdle(page);
    expect(await renderedIds(page, "compounds-fill")).toContain(id);
    expect(await findMissingCjkGlyphs(page), "Chinese text drawn as boxes").toEqual([]);
    await saveScreenshot(page, "02-search-card");

    // The URL reproduces the view: reload, and a fresh browser given the same link.
    const link = page.url();
    expect(new URL(link).searchParams.get("map")).toMatch(/^\d+(\.\d+)?\/-?\d+(\.\d+)?\/-?\d+(\.\d+)?$/);
    await page.reload();
    await waitForMap(page);
    await checkCard(page);
    await expectCentred();
    const fresh = await open(new URL(link).pathname + new URL(link).search);
    await checkCard(fresh.page);
    await saveScreenshot(fresh.page, "02-search-card-from-link");

    // Enter picks the first result.
    const postal = list.features.find((f: any) => f.properties.name === "邮政小区");
    expect(postal, "邮政小区 in /api/compounds").toBeTruthy();
    await fresh.page.fill(tid("search"), "邮政小区");
    await fresh.page.locator(tid("search-result"), { hasText: "邮政小区" }).first().waitFor();
    await fresh.page.press(tid("search"), "Enter");
    await expectParam(fresh.page, "compound", String(postal.id));
    await expectText(fresh.page, tid("compound-name"), "邮政小区");
    expect(requests.foreign(app.url)).toEqual([]);
  });

  it("opens a compound's card when the compound is clicked on the map", async () => {
    const { page } = await open("/");
    // Find a spot on the map canvas (not under a control) where a compound is drawn.
    const spot = await page.evaluate(() => {
      const map = (window as any).__renewalMap;
      const canvas: HTMLCanvasElement = map.getCanvas();
      const r = canvas.getBoundingClientRect();
      for (let y = r.height * 0.2; y < r.height * 0.8; y += 12) {
        for (let x = r.width * 0.2; x < r.width * 0.8; x += 12) {
          const hit = map.queryRenderedFeatures([x, y], { layers: ["compounds-fill"] })[0];
          if (hit && document.elementFromPoint(r.left + x, r.top + y) === canvas) {
            return { x: r.left + x, y: r.top + y, id: hit.id as number };
          }
        }
      }
      return null;
    });
    expect(spot, "a compound drawn somewhere on the map").not.toBeNull();
    const { properties } = await getJson(`/api/compounds/${spot!.id}`);
    await page.mouse.click(spot!.x, spot!.y);
    await page.waitForSelector(tid("compound-card"));
    await expectText(page, tid("compound-name"), properties.name);
    await expectParam(page, "compound", String(spot!.id));
    await saveScreenshot(page, "03-map-click-card");
  });

  it("switches the interface to English and back", async () => {
    const { page } = await open("/");
    const zhTitle = await text(page, tid("app-title"));
    const zhTab = await text(page, tid("tab-progress"));
    expect(zhTitle).toContain("老旧小区");
    expect(zhTab).toMatch(/\p{Script=Han}/u);

    await page.click(tid("lang-switch"));
    await expectAttribute(page, "html", "lang", "en");
    await expectText(page, tid("app-title"), /Renovation/);
    const enTab = await text(page, tid("tab-progress"));
    expect(enTab).not.toBe(zhTab);
    expect(enTab).toMatch(/[A-Za-z]/);
    expect(enTab).not.toMatch(/\p{Script=Han}/u);
    expect(await text(page, tid("tab-coverage"))).toMatch(/[A-Za-z]/);
    await saveScreenshot(page, "04-english");

    await page.click(tid("lang-switch"));
    await expectAttribute(page, "html", "lang", "zh-CN");
    await expectText(page, tid("app-title"), zhTitle);
    expect(await text(page, tid("tab-progress"))).toBe(zhTab);
  });

  it("filters the progress figures by plan year, matching /api/stats/progress, and keeps the year in the URL", async () => {
    const progress = await getJson("/api/stats/progress");
    const { page } = await open("/");
    const readFigures = (ids: string[]) =>
      Object.fromEntries(
        ids.map((id) => {
          const v = document.querySelector(`[data-testid=${id}]`)?.getAttribute("data-value");
          return [id, v == null ? null : Number(v)];
        }),
      );
    const FIGURES = ["stat-planned", "stat-start-rate", "stat-completion-rate", "stat-households", "stat-investment"];
    const figures = () => page.evaluate(readFigures, FIGURES);
    /** Wait until the panel shows `want` (checked on every frame), then assert it. */
    const expectFigures = async (want: Record<string, number | null>) => {
      await tolerateTimeout(
        page.waitForFunction(
          (want) =>
            Object.entries(want).every(([id, v]) => {
              const got = document.querySelector(`[data-testid=${id}]`)?.getAttribute("data-value");
              return got == null ? v === null : Number(got) === v;
            }),
          want,
        ),
      );
      expect(await figures()).toEqual(want);
    };
    const expected = (row: any) => ({
      "stat-planned": row.planned,
      "stat-start-rate": row.startRate,
      "stat-completion-rate": row.completionRate,
      "stat-households": row.householdsBenefited,
      "stat-investment": row.investmentWan,
    });

    await page.waitForSelector(tid("stat-planned"));
    await expectFigures(expected(progress.total));
    expect(await page.locator(tid("year-bar")).count()).toBe(progress.years.length);
    // The filter offers exactly the plan years the data has: every bar can be selected.
    const options = await page.locator(`${tid("year-filter")} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options).toEqual(progress.years.map((y: any) => String(y.planYear)));
    expect(await page.isVisible(tid("legend"))).toBe(true);
    expect(await text(page, tid("legend"))).not.toBe("");

    for (const year of [2019, 2020]) {
      await page.selectOption(tid("year-filter"), String(year));
      const row = progress.years.find((y: any) => y.planYear === year);
      expect(row, `year ${year} in /api/stats/progress`).toBeTruthy();
      await expectFigures(expected(row));
      await expectParam(page, "year", String(year));
      await saveScreenshot(page, `05-year-${year}`);
    }
    // The seeds' headline figures: 2019 completion above 90 %.
    expect(progress.years.find((y: any) => y.planYear === 2019).completionRate).toBeGreaterThan(0.9);

    await page.selectOption(tid("year-filter"), "");
    await expectFigures(expected(progress.total));
    await expectParam(page, "year", null);

    // A link with a year and a map position opens on that year, looking there.
    const [lon, lat] = [114.6451, 33.6187];
    const linked = await open(`/?year=2020&map=15.5/${lat}/${lon}`);
    expect(await linked.page.inputValue(tid("year-filter"))).toBe("2020");
    const view = await linked.page.evaluate(() => {
      const map = (window as any).__renewalMap;
      return { zoom: map.getZoom(), lon: map.getCenter().lng, lat: map.getCenter().lat };
    });
    expect(view.zoom).toBeCloseTo(15.5, 2);
    expect(view.lon).toBeCloseTo(lon, 4);
    expect(view.lat).toBeCloseTo(lat, 4);
    await linked.page.waitForSelector(tid("stat-planned"));
    const row2020 = progress.years.find((y: any) => y.planYear === 2020);
    await expectAttribute(linked.page, tid("stat-planned"), "data-value", String(row2020.planned));
  });

  it("shows the coverage and planner views with the category legend, amenities and compounds on the map", async () => {
    const standards = await getJson("/api/standards");
    const categories = standards.categories.length;
    expect(categories).toBeGreaterThan(5);

    const checkView = async (page: Page, view: "coverage" | "planner") => {
      await expectAttribute(page, tid(`tab-${view}`), "aria-selected", "true");
      expect(await page.getAttribute(tid("tab-progress"), "aria-selected")).not.toBe("true");
      await page.waitForSelector(tid(`${view}-panel`));
      // The coverage view keeps the facility legend folded under its analysis.
      if (view === "coverage") await page.click(tid("facility-legend-toggle"));
      await page.waitForSelector(`${tid("category-legend")} ${tid("category-legend-item")}`);
      expect(await page.locator(`${tid(`${view}-panel`)} ${tid("category-legend-item")}`).count()).toBe(categories);
      for (const layer of ["amenities-circle", "gates-circle", "buildings-fill"]) {
        const visibility = await page.evaluate((l) => (window as any).__renewalMap.getLayoutProperty(l, "visibility"), layer);
        expect(visibility ?? "visible", `${layer} visibility in the ${view} view`).toBe("visible");
      }
      expect((await waitForRenderedIds(page, "amenities-circle", 10)).length).toBeGreaterThanOrEqual(10);
      expect((await renderedIds(page, "compounds-fill")).length).toBeGreaterThanOrEqual(20);
      expect(await findMissingCjkGlyphs(page), "Chinese text drawn as boxes").toEqual([]);
    };

    // By the tabs.
    const { page, requests } = await open("/");
    await page.click(tid("tab-coverage"));
    await expectParam(page, "view", "coverage");
    await checkView(page, "coverage");
    await saveScreenshot(page, "06-coverage-tab");
    await page.click(tid("tab-planner"));
    await expectParam(page, "view", "planner");
    await checkView(page, "planner");
    await saveScreenshot(page, "06-planner-tab");
    // And back to the progress view.
    await page.click(tid("tab-progress"));
    await expectAttribute(page, tid("tab-progress"), "aria-selected", "true");
    await tolerateTimeout(page.waitForURL((u) => (u.searchParams.get("view") ?? "progress") === "progress"));
    expect(searchParam(page, "view") ?? "progress").toBe("progress");
    await page.waitForSelector(tid("year-filter"));
    expect(requests.foreign(app.url)).toEqual([]);

    // By links.
    for (const view of ["coverage", "planner"] as const) {
      const linked = await open(`/?view=${view}`);
      await checkView(linked.page, view);
      await saveScreenshot(linked.page, `06-${view}-link`);
    }

    // Close up (a link with a map position), the planner draws the buildings and the gates.
    const first = await getJson("/api/compounds?limit=1");
    const [x0, y0, x1, y1] = bounds(first.features[0].geometry);
    const close = await open(`/?view=planner&map=16/${(y0 + y1) / 2}/${(x0 + x1) / 2}`);
    await close.page.waitForSelector(tid("planner-panel"));
    await mapIdle(close.page);
    expect((await waitForRenderedIds(close.page, "buildings-fill", 5)).length, "buildings drawn at zoom 16").toBeGreaterThanOrEqual(5);
    expect((await waitForRenderedIds(close.page, "gates-circle", 1)).length, "gates drawn at zoom 16").toBeGreaterThanOrEqual(1);
    await saveScreenshot(close.page, "06-planner-zoom16");
  }, 300_000);

  it("tells the user when the API fails instead of showing an empty panel", async () => {
    const detail = "统计服务暂时不可用 (test)";
    const { page } = await open("/", {
      waitForMap: false,
      prepare: async (p) => {
        await p.route("**/api/stats/progress*", (route) =>
          route.fulfill({
            status: 500,
            contentType: "application/problem+json",
            body: JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500, detail }),
          }),
        );
      },
    });
    const error = page.locator(tid("error")).first();
    await error.waitFor({ state: "visible" });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright Locator.innerText(), not a DOM node; the test checks the rendered text
    const message = ((await error.innerText()) ?? "").trim();
    expect(message.length).toBeGreaterThan(4);
    expect(await page.locator(tid("stat-planned")).count()).toBe(0);
    // The rest of the app still works: the map draws the compounds.
    await waitForMap(page);
    expect((await renderedIds(page, "compounds-fill")).length).toBeGreaterThanOrEqual(50);
    await saveScreenshot(page, "07-api-error");
  });

  it("works on a phone-sized screen (390×844)", async () => {
    const { page, requests } = await open("/", { width: 390, height: 844 });
    const box = await page.locator(tid("map")).boundingBox();
    expect(box, "map box").not.toBeNull();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(200);
    expect(box!.width).toBeLessThanOrEqual(391);
    expect((await renderedIds(page, "compounds-fill")).length).toBeGreaterThanOrEqual(10);
    await page.waitForSelector(tid("stat-planned"), { state: "visible" });
    for (const id of ["stat-planned", "stat-start-rate", "stat-completion-rate", "tab-progress", "lang-switch", "search"]) {
      expect(await page.isVisible(tid(id)), `${id} visible`).toBe(true);
    }
    const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(overflow.scroll, "horizontal overflow").toBeLessThanOrEqual(390 + 1);
    expect(await findMissingCjkGlyphs(page), "Chinese text drawn as boxes").toEqual([]);
    await saveScreenshot(page, "08-phone");
    // The rest of the panel is reachable by scrolling (whichever element scrolls).
    await page.locator(tid("year-chart")).scrollIntoViewIfNeeded();
    const chart = await page.locator(tid("year-chart")).boundingBox();
    expect(chart!.y).toBeGreaterThanOrEqual(0);
    expect(chart!.y + chart!.height).toBeLessThanOrEqual(844 + 1);
    await saveScreenshot(page, "08-phone-scrolled");
    expect(requests.foreign(app.url)).toEqual([]);
  });
});

function bounds(geometry: { coordinates: unknown }): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1] as number);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1] as number);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}
