import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import { createEntity, BUILDING, COMPOUND } from "../../server/services/editing.js";
import { loadReferenceData } from "../../server/db/reference.js";
import { mapIdle, saveScreenshot, waitForRenderedIds, setUpAppInBrowser, WAIT_MS } from "../helpers/browser.js";
import { PASSWORD, makeUser } from "../helpers/auth.js";
import { readCityFile } from "../helpers/db.js";
import { rectangle } from "../helpers/geometry.js";

// Planners and admins at work in the browser: sign in, edit a compound, place a charger on the
// map, meet a concurrent edit, and import an inventory file.

const imported = ["粮食局二号院", "棉纺厂东区", "教育局家属院"];
const costs = loadReferenceData(path.join(ROOT, "geodata")).costs;
const meta = readCityFile<{ bbox: [number, number, number, number] }>("meta.json");
let compoundId = 0;
const [x0, y0] = [meta.bbox[0] + 0.0008, meta.bbox[1] + 0.0008];
const d = 0.0008;

const app = setUpAppInBrowser({
  // A compound of this test's own, so the shared demo data stays as it is.
  before: async ({ db }) => {
    compoundId = await createEntity(
      db.knex,
      { id: null, name: "cli:test" },
      COMPOUND,
      { name: "编辑测试小区", households: 200, buildYear: 1992, geometry: rectangle(x0, y0, x0 + d, y0 + d) },
      { costs },
    );
    // One six-storey building of three units, without an elevator: a retrofit candidate.
    await createEntity(
      db.knex,
      { id: null, name: "cli:test" },
      BUILDING,
      { name: "试验1号楼", floors: 6, units: 3, geometry: rectangle(x0 + d * 0.55, y0 + d * 0.6, x0 + d * 0.9, y0 + d * 0.75) },
      { parentId: compoundId, costs },
    );
  },
  after: async ({ db }) => {
    await db
      .knex("compounds")
      .whereIn("name", [...imported, "编辑测试小区"])
      .del();
  },
});

const tid = (id: string) => `[data-testid=${id}]`;

const signedInPage = (role: "planner" | "admin", pathAndQuery: string): Promise<Page> => app.openPage(pathAndQuery, { role });

// The compound as a signed-in reader sees it: the public card gives unfinished items no place on the map.
let readerCookie = "";
const compound = async () => {
  if (!readerCookie) {
    const reader = await makeUser(app.db.knex, "staff");
    const res = await fetch(`${app.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: reader.name, password: PASSWORD }),
    });
    readerCookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  }
  return await (await fetch(`${app.url}/api/compounds/${compoundId}`, { headers: { cookie: readerCookie } })).json();
};

/** Where a point [lon, lat] is on the screen, once the map has stopped moving and drawn. */
async function screenPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
  await mapIdle(page);
  const px = await page.evaluate(([lon, lat]) => window.__renewalMap!.project([lon, lat]), lonLat);
  const box = (await page.locator(tid("map")).boundingBox())!;
  return { x: box.x + px.x, y: box.y + px.y };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: four planner-editing browser cases sharing one server
describe("editing in the planner view", () => {
  it("a planner edits attributes and places three chargers on the map", async () => {
    const page = await signedInPage("planner", `/?view=planner&compound=${compoundId}`);
    await page.waitForSelector(tid("compound-editor"));
    const engine = `${tid("planner-panel")}[data-analysis=ready]`;
    await page.waitForSelector(`${engine}[data-analysis-generation="1"]`, { timeout: 2 * WAIT_MS });
    await page.click(tid("edit-attributes"));
    await page.fill(`${tid("attributes-form")} input[name=households]`, "216");
    await page.click(tid("save-attributes"));
    await page.waitForFunction(() => document.querySelector("[data-testid=attributes-form]") === null);
    expect((await compound()).properties.households).toBe(216);
    // Households are what the engine reads: it starts again, once.
    await page.waitForSelector(`${engine}[data-analysis-generation="2"]`, { timeout: 2 * WAIT_MS });

    // From here on, item edits: the items layer and the card reload, nothing else, and the engine keeps running.
    const requested: string[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith("/api/")) requested.push(`${r.method()} ${u.pathname}${u.search}`);
    });

    await page.selectOption(`${tid("add-item")} select`, "charging_pile");
    await page.fill(`${tid("add-item")} input[name=quantity]`, "3");
    await page.click(`${tid("add-item")} button`);
    const row = page.locator(`${tid("editable-items")} li`, { hasText: "充电桩" });
    await row.waitFor();
    await row.getByRole("button", { name: "在地图上放置" }).click();
    await page.waitForSelector(tid("pick-banner"));
    // Click the point 1/3 into the compound, wherever the map put it on screen.
    const target: [number, number] = [x0 + d / 3, y0 + d / 3];
    const at = await screenPoint(page, target);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector(tid("pick-banner"), { state: "detached" });
    // The charger's own row offers to move it once the app has saved its place and reloaded the
    // card (another story's elevator, placed on its unit, has a Move button too).
    await row.getByRole("button", { name: "移动" }).waitFor();
    const item = (await compound()).renovationItems.find((i: any) => i.properties.kind === "charging_pile");
    expect(item.properties).toMatchObject({ quantity: 3, costYuan: 3 * costs.items.find((i) => i.kind === "charging_pile")!.unitCostYuan });
    const [lon, lat] = item.geometry.coordinates;
    expect(Math.abs(lon - target[0]) * 92_700).toBeLessThan(3);
    expect(Math.abs(lat - target[1]) * 110_900).toBeLessThan(3);
    // The placed charger is drawn on the map.
    expect((await waitForRenderedIds(page, "selection-points", 1)).length).toBeGreaterThanOrEqual(1);
    const reads = requested.filter((r) => r.startsWith("GET "));
    expect(
      reads.some((r) => r.startsWith("GET /api/items")),
      reads.join("\n"),
    ).toBe(true);
    expect(
      reads.some((r) => r.startsWith(`GET /api/compounds/${compoundId}`)),
      reads.join("\n"),
    ).toBe(true);
    expect(
      reads.filter((r) => /^GET \/api\/(compounds\?|gates|buildings|progress|network)/.test(r)),
      "an item edit reloads no other layer",
    ).toEqual([]);
    expect(await page.getAttribute(tid("planner-panel"), "data-analysis-generation")).toBe("2");
    await saveScreenshot(page, "20-planner-edit-charger");
  }, 120_000);

  it("a planner puts an elevator on a building unit; once completed the public map shows it", async () => {
    const page = await signedInPage("planner", `/?view=planner&compound=${compoundId}&map=18/${y0 + d * 0.5}/${x0 + d * 0.5}`);
    await page.waitForSelector(tid("compound-editor"));
    // The building wears its name (楼号) on the map; a click on it points the form at an elevator there.
    expect((await waitForRenderedIds(page, "buildings-label", 1)).length).toBeGreaterThanOrEqual(1);
    const building = (await app.db.knex("buildings").where({ compound_id: compoundId, name: "试验1号楼" }).first("id"))!.id;
    const at = await screenPoint(page, [x0 + d * 0.72, y0 + d * 0.675]);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector(tid("item-building"));
    expect(await page.inputValue(`${tid("add-item")} select[name=kind]`)).toBe("elevator");
    expect(await page.inputValue(tid("item-building"))).toBe(String(building));
    await page.waitForFunction((id) => window.__renewalMap!.getFeatureState({ source: "buildings", id }).picked === true, building);
    await mapIdle(page);
    await saveScreenshot(page, "20-planner-building-picked");
    await page.selectOption(tid("item-unit"), "2");
    await page.click(`${tid("add-item")} button`);
    await page.waitForSelector(tid("item-on-unit"));
    expect(await page.textContent(tid("item-on-unit"))).toContain("试验1号楼 2单元");
    const el = (await compound()).renovationItems.find((i: any) => i.properties.kind === "elevator");
    expect(el.properties).toMatchObject({ buildingUnit: 2, status: "planned" });
    expect(el.geometry.type).toBe("Point");
    // Not public while planned; completed, it is on the public map with the elevator mark.
    const publicItems = async () => (await (await fetch(`${app.url}/api/items`)).json()).features.map((f: any) => f.id);
    expect(await publicItems()).not.toContain(el.id);
    // The planner moves it on in its row: 施工中, then 已完工.
    const row = page.locator(`${tid("item-row")}[data-item-id="${el.id}"]`);
    for (const to of ["started", "completed"]) {
      await row.locator(tid(`item-move-${to}`)).click();
      await page.waitForSelector(`${tid("item-row")}[data-item-id="${el.id}"][data-status=${to}]`);
    }
    expect((await app.db.knex("renovation_items").where({ id: el.id }).first("status")).status).toBe("completed");
    expect(await publicItems()).toContain(el.id);
    const [lon, lat] = el.geometry.coordinates;
    const pub = await app.openPage(`/?map=17.5/${lat}/${lon}`, { context: { viewport: { width: 1000, height: 700 } } });
    await pub.waitForFunction((id) => window.__renewalMap!.queryRenderedFeatures({ layers: ["items-circle"] }).some((f) => f.id === id), el.id);
    await saveScreenshot(pub, "21-public-elevator");
  }, 120_000);

  it("a planner draws a parking lot as an area with its count of spaces", async () => {
    const page = await signedInPage("planner", `/?view=planner&compound=${compoundId}`);
    await page.waitForSelector(tid("compound-editor"));
    await page.selectOption(`${tid("add-item")} select[name=kind]`, "parking_space");
    await page.fill(`${tid("add-item")} input[name=quantity]`, "24");
    await page.click(`${tid("add-item")} button`);
    const row = page.locator(`${tid("editable-items")} li`, { hasText: "× 24" });
    await row.waitFor();
    await row.locator(tid("draw-area")).click();
    // Four corners in the compound's south-west quarter, then Cancel closes the area. The banner
    // asks for each corner by number: click one only once the app asks for it.
    const corners: Array<[number, number]> = [
      [x0 + d * 0.1, y0 + d * 0.1],
      [x0 + d * 0.4, y0 + d * 0.1],
      [x0 + d * 0.4, y0 + d * 0.3],
      [x0 + d * 0.1, y0 + d * 0.3],
    ];
    const askingFor = (n: number) => page.locator(tid("pick-banner"), { hasText: new RegExp(`第 ${n} 个角点|corner ${n} of`) }).waitFor();
    for (const [i, c] of corners.entries()) {
      await askingFor(i + 1);
      const at = await screenPoint(page, c);
      await page.mouse.click(at.x, at.y);
    }
    await askingFor(corners.length + 1);
    // Cancel sends the area: wait for the app's PATCH of the item to be answered.
    const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && /\/api\/items\/\d+$/.test(new URL(r.url()).pathname));
    await page.locator(tid("pick-banner")).getByRole("button").click();
    expect((await saved).status(), "PATCH /api/items/:id").toBe(200);
    expect((await compound()).renovationItems.find((i: any) => i.properties.kind === "parking_space")?.geometry?.type).toBe("Polygon");
    const lot = (await compound()).renovationItems.find((i: any) => i.properties.kind === "parking_space");
    expect(lot.properties.quantity).toBe(24);
    // PostGIS: the area is about 0.3d × 0.2d and lies in the compound.
    const {
      rows: [g],
    } = await app.db.knex.raw(
      `SELECT ST_Area(i.geom::geography) AS area, ST_Covers(c.geom, i.geom) AS inside
      FROM renovation_items i JOIN compounds c ON c.id = i.compound_id WHERE i.id = ?`,
      [lot.id],
    );
    const expected = 0.3 * d * 92_700 * (0.2 * d * 110_900);
    expect(Math.abs(g.area - expected) / expected).toBeLessThan(0.1);
    expect(g.inside).toBe(true);
    expect((await waitForRenderedIds(page, "selection-fill", 1)).length).toBeGreaterThanOrEqual(1);
    await saveScreenshot(page, "22-planner-parking-area");
  }, 120_000);

  it("a stale edit answers 409 and the card offers to reload", async () => {
    const page = await signedInPage("planner", `/?view=planner&compound=${compoundId}`);
    await page.waitForSelector(tid("compound-editor"));
    // Someone else saves first.
    const current = (await compound()).properties;
    await app.db
      .knex("compounds")
      .where({ id: compoundId })
      .update({ households: 230, version: app.db.knex.raw("version + 1") });
    await page.click(tid("edit-attributes"));
    await page.fill(`${tid("attributes-form")} input[name=households]`, "999");
    await page.click(tid("save-attributes"));
    await page.waitForSelector(`${tid("compound-editor")} ${tid("reload")}`);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright Locator.innerText(), not a DOM node; the test checks the rendered text
    expect(await page.locator(`${tid("compound-editor")} [role=alert]`).innerText()).toMatch(/已被他人修改/);
    expect((await compound()).properties.households).toBe(230);
    await saveScreenshot(page, "21-planner-conflict");
    await page.click(tid("reload"));
    await page.waitForFunction(() => document.querySelector("[data-testid=compound-card]")?.textContent?.includes("230"));
    expect(current.households).not.toBe(230);
  }, 120_000);
});

describe("importing as an admin", () => {
  it("a file with a bad row is refused naming the row; the fixed file imports and shows on the map", async () => {
    const page = await signedInPage("admin", "/?view=admin");
    await page.waitForSelector(tid("admin-import"));
    const before = await app.db.knex("compounds").count({ n: "*" });
    await page.setInputFiles(tid("import-file"), path.join(ROOT, "tests/fixtures/inventory/inventory-broken.csv"));
    await page.click(tid("import-submit"));
    const error = page.locator(`${tid("admin-import")} [data-testid=error]`);
    await error.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright Locator.innerText(), not a DOM node; the test checks the rendered text
    const text = await error.innerText();
    // The row, the column and the rule in Chinese, not the server's English.
    expect(text).toMatch(/第 3 行 · 户数：“[^”]+”不是 0 到 100000 之间的整数/);
    expect(text).not.toMatch(/row 3|whole number/);
    expect(await app.db.knex("compounds").count({ n: "*" })).toEqual(before);
    await saveScreenshot(page, "22-admin-import-broken");

    await page.setInputFiles(tid("import-file"), path.join(ROOT, "tests/fixtures/inventory/inventory-wgs84.csv"));
    await page.click(tid("import-submit"));
    await page.waitForSelector(tid("import-result"));
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright Locator.innerText(), not a DOM node; the test checks the rendered text
    expect(await page.locator(tid("import-result")).innerText()).toMatch(/新增 3/);
    const ids: number[] = (await app.db.knex("compounds").whereIn("name", imported).select("id")).map((r: { id: number }) => r.id);
    expect(ids.length).toBe(3);
    // The map reloads and draws them.
    await page.evaluate(([lon, lat]) => window.__renewalMap!.jumpTo({ center: [lon, lat], zoom: 16 }), [114.6203, 33.6023]);
    await page.waitForFunction((want) => {
      const map = window.__renewalMap!;
      const got = new Set(map.queryRenderedFeatures({ layers: ["compounds-fill"] }).map((f) => f.id));
      return want.every((id: number) => got.has(id));
    }, ids);
    await saveScreenshot(page, "23-admin-import-on-map");
    expect(fs.existsSync(path.join(ROOT, "test-artifacts/screenshots/23-admin-import-on-map.png"))).toBe(true);
  }, 120_000);
});
