import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectParam, expectText, mapIdle, renderedIds, saveScreenshot, setUpAppInBrowser, waitForRenderedIds, WAIT_MS } from "../helpers/browser.js";

// The coverage map answers "where are the kindergartens?" (issue 15, points 3 and 4), in headless
// Chromium: choosing 幼儿园 leaves only the kindergartens on the map, a click on one says what it
// is, gates wait for street zoom, the legend speaks metres and minutes, and a reload keeps the
// category (it is in the URL).

const app = setUpAppInBrowser();

const tid = (id: string) => `[data-testid=${id}]`;
const READY = `${tid("coverage-panel")}[data-status=ready][data-computing=false]`;

interface Amenity {
  id: number;
  name: string | null;
  category: string;
  lonLat: [number, number];
}

const getJson = async (path: string) => (await fetch(`${app.url}${path}`)).json();

async function amenities(): Promise<Amenity[]> {
  const fc = await getJson("/api/amenities");
  return fc.features.map((f: { properties: { id: number; name: string | null; category: string }; geometry: { coordinates: [number, number] } }) => ({
    id: f.properties.id,
    name: f.properties.name,
    category: f.properties.category,
    lonLat: f.geometry.coordinates,
  }));
}

/** Categories of the facilities drawn (markers), by the rendered features' own properties. */
const renderedCategories = (page: Page) =>
  page.evaluate(() => {
    const map = window.__renewalMap!;
    return [...new Set(map.queryRenderedFeatures({ layers: ["amenities-circle"] }).map((f) => String(f.properties.category)))];
  });

/** Where each facility is on the map canvas (pixels), and the canvas size. */
const onScreen = (page: Page, list: Amenity[]) =>
  page.evaluate((list) => {
    const map = window.__renewalMap!;
    const canvas = map.getCanvas();
    return {
      width: canvas.clientWidth,
      height: canvas.clientHeight,
      points: list.map((a) => {
        const p = map.project(a.lonLat);
        return { id: a.id, x: p.x, y: p.y };
      }),
    };
  }, list);

/** Move the map and wait until it has drawn there. */
async function jumpTo(page: Page, opts: { center?: [number, number]; zoom?: number; bounds?: [number, number, number, number] }) {
  await page.evaluate((o) => {
    const map = window.__renewalMap!;
    if (o.bounds)
      map.fitBounds(
        [
          [o.bounds[0], o.bounds[1]],
          [o.bounds[2], o.bounds[3]],
        ],
        { padding: 60, duration: 0 },
      );
    else map.jumpTo({ center: o.center, zoom: o.zoom });
  }, opts);
  await mapIdle(page);
}

/** The kindergarten's walking limit and the profile's walking speed, as /api/standards gives them. */
async function kindergartenLimit() {
  const standards = await getJson("/api/standards");
  const limitM: number = standards.categories.find((c: { code: string }) => c.code === "kindergarten").limitM;
  const speed: number = standards.walkSpeedsMps.default;
  return { limitM, minutes: (m: number) => Math.round(m / speed / 60) };
}

/** The legend reads in metres and minutes: covered or not, then the four distance bands. */
async function checkLegend(page: Page) {
  const { limitM, minutes } = await kindergartenLimit();
  await expectText(page, tid("coverage-legend-band"), `已覆盖：≤ ${limitM} m（约 ${minutes(limitM)} 分钟）`);
  await page.click(tid("mode-distance"));
  await page.waitForSelector(READY);
  const bands = await page.$$eval("[data-testid=coverage-legend-band]", (li) => li.map((l) => (l.textContent ?? "").trim()));
  expect(bands).toEqual([
    `≤ ${limitM} m（约 ${minutes(limitM)} 分钟）`,
    `≤ ${limitM * 1.5} m（约 ${minutes(limitM * 1.5)} 分钟）`,
    `≤ ${limitM * 2} m（约 ${minutes(limitM * 2)} 分钟）`,
    `> ${limitM * 2} m 或不可达`,
  ]);
}

/**
 * Click a kindergarten away from the others (and from the map's edges): its popup names it, with
 * its category and walking limit, and the compound beneath is not selected instead.
 */
async function clickAKindergarten(page: Page, kindergartens: Amenity[]) {
  const { limitM, minutes } = await kindergartenLimit();
  await jumpTo(page, { center: kindergartens[0].lonLat, zoom: 16 });
  const close = await onScreen(page, kindergartens);
  const target = close.points.find(
    (p) =>
      p.x > 80 &&
      p.y > 80 &&
      p.x < close.width - 80 &&
      p.y < close.height - 80 &&
      close.points.every((q) => q.id === p.id || Math.hypot(q.x - p.x, q.y - p.y) > 30),
  );
  expect(target, "a kindergarten clear of the others").toBeDefined();
  await waitForRenderedIds(page, "amenities-circle", 1);
  const box = (await page.locator(`${tid("map")} canvas`).boundingBox())!;
  await page.mouse.click(box.x + target!.x, box.y + target!.y);
  await page.waitForSelector(tid("amenity-popup"));
  const facility = kindergartens.find((k) => k.id === target!.id)!;
  expect(await page.getAttribute(tid("amenity-popup"), "data-id")).toBe(String(facility.id));
  await expectText(page, tid("amenity-popup-name"), facility.name ?? "幼儿园");
  await expectText(page, tid("amenity-popup"), new RegExp(`幼儿园[\\s\\S]*步行限值 ${limitM} m（约 ${minutes(limitM)} 分钟）`));
  expect(new URL(page.url()).searchParams.get("compound"), "no compound selected by the click").toBeNull();
  // Who it serves, from the analysis worker (the numbers are checked in the engine's unit tests).
  await page.waitForSelector(`${tid("amenity-popup-serves")}[data-ready=true]`);
  await expectText(page, tid("amenity-popup-serves"), new RegExp(`^现状：步行 ${limitM} 米内(服务 [\\d,]+ 个小区、[\\d,]+ 户|没有小区)`));
  await saveScreenshot(page, "coverage-map-popup");
}

/** Gates: none at district zoom (14), drawn at street zoom (17). */
async function checkGates(page: Page) {
  const gates = await getJson("/api/gates");
  const gate: [number, number] = gates.features[Math.floor(gates.features.length / 2)].geometry.coordinates;
  await jumpTo(page, { center: gate, zoom: 14 });
  await waitForRenderedIds(page, "compounds-fill", 5);
  expect(await renderedIds(page, "gates-circle"), "gates drawn at zoom 14").toEqual([]);
  await saveScreenshot(page, "coverage-map-zoom14");
  await jumpTo(page, { center: gate, zoom: 17 });
  expect((await waitForRenderedIds(page, "gates-circle", 1)).length, "gates drawn at zoom 17").toBeGreaterThanOrEqual(1);
  await saveScreenshot(page, "coverage-map-zoom17");
}

describe("the coverage map for one category", () => {
  it("shows only the kindergartens when 幼儿园 is chosen, says what one is on a click, and keeps the category on reload", async () => {
    const errors: string[] = [];
    const page = await app.openPage("/?view=coverage", { prepare: (p) => p.on("pageerror", (e) => errors.push(String(e))) });
    await page.waitForSelector(READY, { timeout: 2 * WAIT_MS });
    const all = await amenities();
    const kindergartens = all.filter((a) => a.category === "kindergarten");
    expect(kindergartens.length).toBeGreaterThan(2);
    expect(all.length).toBeGreaterThan(kindergartens.length);

    // The whole district in view: every facility category is drawn.
    const lons = all.map((a) => a.lonLat[0]);
    const lats = all.map((a) => a.lonLat[1]);
    const district: [number, number, number, number] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    await jumpTo(page, { bounds: district });
    await waitForRenderedIds(page, "amenities-circle", 20);
    expect((await renderedCategories(page)).length, "categories drawn before choosing one").toBeGreaterThan(5);

    // Choose 幼儿园: the URL says so, and the map draws the kindergartens alone, every one in view.
    await page.selectOption(tid("focus-category"), "kindergarten");
    await expectParam(page, "category", "kindergarten");
    await page.waitForSelector(READY);
    await mapIdle(page);
    const view = await onScreen(page, kindergartens);
    const inView = view.points.filter((p) => p.x >= 0 && p.y >= 0 && p.x <= view.width && p.y <= view.height);
    expect(inView.length, "kindergartens in view per /api/amenities").toBe(kindergartens.length);
    const drawn = await waitForRenderedIds(page, "amenities-circle", inView.length);
    expect(await renderedCategories(page)).toEqual(["kindergarten"]);
    expect(new Set(drawn)).toEqual(new Set(inView.map((p) => p.id)));
    await saveScreenshot(page, "coverage-map-kindergartens");

    await checkLegend(page);
    await saveScreenshot(page, "coverage-map-kindergarten-bands");
    await clickAKindergarten(page, kindergartens);
    await checkGates(page);

    // Reload (in the district view, which the URL keeps too): the category is still chosen, and
    // still the only one on the map.
    await jumpTo(page, { bounds: district });
    await page.waitForFunction(() => Number((new URLSearchParams(location.search).get("map") ?? "99/").split("/")[0]) < 16);
    await expectParam(page, "category", "kindergarten");
    await page.reload();
    await page.waitForSelector(READY, { timeout: 2 * WAIT_MS });
    expect(await page.inputValue(tid("focus-category"))).toBe("kindergarten");
    await expectParam(page, "category", "kindergarten");
    await mapIdle(page);
    await waitForRenderedIds(page, "amenities-circle", 1);
    expect(await renderedCategories(page)).toEqual(["kindergarten"]);

    // Back to all categories: every category returns and the URL forgets the category.
    await page.selectOption(tid("focus-category"), "");
    await expectParam(page, "category", null);
    await mapIdle(page);
    expect((await renderedCategories(page)).length).toBeGreaterThan(1);
    expect(errors).toEqual([]);
  }, 240_000);
});
