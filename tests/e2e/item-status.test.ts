import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import { loadReferenceData } from "../../server/db/reference.js";
import { COMPOUND, createEntity } from "../../server/services/editing.js";
import { mapIdle, saveScreenshot, setUpAppInBrowser, signInThroughPage, waitForRenderedIds } from "../helpers/browser.js";
import { readCityFile } from "../helpers/db.js";
import { rectangle } from "../helpers/geometry.js";

// The item workflow in the browser: a planner places three chargers, starts one, starts the rest
// at once, completes the compound and takes up the offer to complete its items; the public map
// then draws them. Every step is checked in the database.

const NAME = "e2e状态小区";
const costs = loadReferenceData(path.join(ROOT, "geodata")).costs;
const meta = readCityFile<{ bbox: [number, number, number, number] }>("meta.json");
// A square of its own near the north-west corner (editing.test.ts works in the south-west one).
const d = 0.0008;
const [x0, y0] = [meta.bbox[0] + 0.0008, meta.bbox[3] - 0.0008 - d];
const spots: Array<[number, number]> = [
  [x0 + d * 0.25, y0 + d * 0.5],
  [x0 + d * 0.5, y0 + d * 0.5],
  [x0 + d * 0.75, y0 + d * 0.5],
];
const centre = `${(y0 + d / 2).toFixed(6)}/${(x0 + d / 2).toFixed(6)}`;
let compoundId = 0;

const app = setUpAppInBrowser({
  before: async ({ db }) => {
    await db.knex("compounds").where({ name: NAME }).del();
    compoundId = await createEntity(
      db.knex,
      { id: null, name: "cli:test" },
      COMPOUND,
      { name: NAME, households: 150, buildYear: 1990, geometry: rectangle(x0, y0, x0 + d, y0 + d) },
      { costs },
    );
    await db.knex("compounds").where({ id: compoundId }).update({ status: "started", plan_year: 2026, started_on: "2026-03-01" });
  },
  after: async ({ db }) => {
    await db.knex("compounds").where({ name: NAME }).del();
  },
});

const tid = (id: string) => `[data-testid=${id}]`;
const items = () => app.db.knex("renovation_items").where({ compound_id: compoundId }).orderBy("id").select("id", "status", "started_on", "completed_on");
const iso = (d: unknown) => (d instanceof Date ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}` : d);

/** Where a point [lon, lat] is on the screen, once the map has stopped moving and drawn. */
async function screenPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
  await mapIdle(page);
  const px = await page.evaluate(([lon, lat]) => window.__renewalMap!.project([lon, lat]), lonLat);
  const box = (await page.locator(tid("map")).boundingBox())!;
  return { x: box.x + px.x, y: box.y + px.y };
}

/** Wait until the map has drawn every one of `ids` in `layer`, with the given status in its properties. */
async function waitForDrawn(page: Page, layer: string, ids: number[], status?: Record<number, string>) {
  await page.waitForFunction(
    ([layer, ids, status]) => {
      const fs = window.__renewalMap!.queryRenderedFeatures({ layers: [layer as string] });
      return (ids as number[]).every((id) => fs.some((f) => f.id === id && (!status || f.properties.status === (status as Record<number, string>)[id])));
    },
    [layer, ids, status ?? null] as const,
  );
}

describe("renovation items from planned to completed", () => {
  it("a planner places three chargers, moves them to 已完工, and the public map shows them", async () => {
    const page = await app.openPage(`/?view=planner&compound=${compoundId}&map=17.6/${centre}`, { role: "planner" });
    await page.waitForSelector(tid("compound-editor"));
    // Three chargers, one row each, each placed on the map.
    for (let n = 1; n <= 3; n++) {
      await page.selectOption(`${tid("add-item")} select[name=kind]`, "charging_pile");
      await page.fill(`${tid("add-item")} input[name=quantity]`, "1");
      await page.click(`${tid("add-item")} button`);
      await page
        .locator(tid("item-row"))
        .nth(n - 1)
        .waitFor();
    }
    const ids = (await items()).map((r) => r.id as number);
    expect(ids).toHaveLength(3);
    for (const [n, id] of ids.entries()) {
      const row = page.locator(`${tid("item-row")}[data-item-id="${id}"]`);
      await row.getByRole("button", { name: "在地图上放置" }).click();
      await page.waitForSelector(tid("pick-banner"));
      const at = await screenPoint(page, spots[n]);
      await page.mouse.click(at.x, at.y);
      await page.waitForSelector(tid("pick-banner"), { state: "detached" });
      await row.getByRole("button", { name: "移动" }).waitFor();
    }
    const placed = await app.db.knex.raw("SELECT count(*)::int AS n FROM renovation_items WHERE compound_id = ? AND geom IS NOT NULL", [compoundId]);
    expect(placed.rows[0].n).toBe(3);
    // Planned items are the planner's: not on the public map.
    const publicIds = async () => (await (await fetch(`${app.url}/api/items`)).json()).features.map((f: { id: number }) => f.id);
    expect((await publicIds()).filter((id: number) => ids.includes(id))).toEqual([]);

    // One row offers only the moves the rule allows from planned: start or cancel.
    const first = page.locator(`${tid("item-row")}[data-item-id="${ids[0]}"]`);
    expect(
      await first.locator("[data-testid^=item-move-]:not([data-testid=item-move-on])").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-testid"))),
    ).toEqual(["item-move-started", "item-move-cancelled"]);
    await first.locator(tid("item-move-on")).fill("2026-04-01");
    await first.locator(tid("item-move-started")).click();
    await page.waitForSelector(`${tid("item-row")}[data-item-id="${ids[0]}"][data-status=started]`);
    expect((await items()).map((r) => [r.status, iso(r.started_on)])).toEqual([
      ["started", "2026-04-01"],
      ["planned", null],
      ["planned", null],
    ]);
    // The planner's map: a tinted started charger beside two hollow planned ones, each ringed as the selected compound's, and the legend for them.
    await waitForDrawn(page, "items-circle", ids, { [ids[0]]: "started", [ids[1]]: "planned", [ids[2]]: "planned" });
    await page.waitForSelector(tid("item-legend-status"));
    await saveScreenshot(page, "30-items-planned-started");

    // All the rest → 施工中 in one write.
    await page.locator(tid("items-bulk-on")).fill("2026-04-15");
    await page.click(tid("items-all-started"));
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=item-row][data-status=started]").length === 3);
    expect((await items()).map((r) => [r.status, iso(r.started_on)])).toEqual([
      ["started", "2026-04-01"],
      ["started", "2026-04-15"],
      ["started", "2026-04-15"],
    ]);

    // The compound is completed (by another planner, meanwhile): the card offers to complete its items, dated as the compound.
    await app.db.knex("compounds").where({ id: compoundId }).update({ status: "completed", completed_on: "2026-09-30" });
    await page.reload();
    await page.waitForSelector(tid("complete-items-offer"));
    await page.click(tid("complete-items"));
    await page.waitForSelector(tid("complete-items-offer"), { state: "detached" });
    expect((await items()).map((r) => [r.status, iso(r.completed_on)])).toEqual([
      ["completed", "2026-09-30"],
      ["completed", "2026-09-30"],
      ["completed", "2026-09-30"],
    ]);
    await waitForDrawn(page, "items-circle", ids, { [ids[0]]: "completed", [ids[1]]: "completed", [ids[2]]: "completed" });
    await saveScreenshot(page, "31-items-completed-planner");

    // The public map draws the three completed chargers.
    expect((await publicIds()).filter((id: number) => ids.includes(id))).toEqual(ids);
    const pub = await app.openPage(`/?map=17.6/${centre}`, { context: { viewport: { width: 1000, height: 700 } } });
    const drawn = await waitForRenderedIds(pub, "items-circle", 3);
    expect(drawn).toEqual(expect.arrayContaining(ids));
    await waitForDrawn(pub, "items-label", ids);
    await saveScreenshot(pub, "32-public-completed-chargers");
  }, 240_000);
});

describe("the item list follows the reader", () => {
  it("signing in and out in the page swaps the public item list for the reader's, without a reload", async () => {
    // An unfinished item of the demo city with a place on the map: planners see it, the public not.
    const item = readCityFile("renovation-items.geojson").features.find((f) => f.geometry && f.properties.status === "planned")!;
    const [lon, lat] = item.geometry.coordinates as [number, number];
    const page = await app.openPage(`/?map=18/${lat.toFixed(6)}/${lon.toFixed(6)}`);
    const drawnIds = () => page.evaluate(() => window.__renewalMap!.queryRenderedFeatures({ layers: ["items-circle"] }).map((f) => f.id));
    await mapIdle(page);
    expect(await drawnIds()).not.toContain(item.properties.id);
    const loads: string[] = [];
    page.on("request", (r) => loads.push(new URL(r.url()).pathname));
    await signInThroughPage(page, app.db.knex, "staff");
    await waitForDrawn(page, "items-circle", [item.properties.id]);
    expect(loads).not.toContain("/"); // the page itself was not loaded again
    await page.click(tid("sign-out"));
    await page.waitForSelector(tid("sign-in"));
    await page.waitForFunction((id) => !window.__renewalMap!.queryRenderedFeatures({ layers: ["items-circle"] }).some((f) => f.id === id), item.properties.id);
  }, 120_000);
});
