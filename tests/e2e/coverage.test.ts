import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  colourStats,
  countColour,
  decodePng,
  expectText,
  mapIdle,
  saveScreenshot,
  waitForRenderedIds,
  WAIT_MS,
  setUpAppInBrowser,
  type AppInBrowser,
} from "../helpers/browser.js";
import { CHANGE_COLORS } from "../../web/src/map/palette.js";
import { scoreColor } from "../../web/src/views/coverage/model.js";

// Bureau staff at work in the coverage view, in headless Chromium: the engine runs in a Web
// Worker over the walk graph the API serves. The done-when story of the coverage issue: a
// compound missing a kindergarten within 300 m, its households, a suggested site that closes the
// gap, and the compound covered once that site is proposed; saved as a scenario and reloaded.

// Against a server the database outlives a run: a scenario left by one cut short would match twice.
const dropE2eScenarios = async ({ db }: AppInBrowser) => {
  await db.knex("scenarios").where("name", "like", "e2e%").del();
};
const app = setUpAppInBrowser({ before: dropE2eScenarios, after: dropE2eScenarios });

const tid = (id: string) => `[data-testid=${id}]`;
const READY = `${tid("coverage-panel")}[data-status=ready][data-computing=false]`;

async function openCoverage(opts: { signIn?: boolean; path?: string } = {}): Promise<{ page: Page; errors: string[] }> {
  const errors: string[] = [];
  const page = await app.openPage(opts.path ?? "/?view=coverage", {
    role: opts.signIn ? "staff" : undefined,
    context: { acceptDownloads: true },
    prepare: (p) => p.on("pageerror", (e) => errors.push(String(e))),
  });
  await page.waitForSelector(READY, { timeout: 2 * WAIT_MS });
  return { page, errors };
}

/** The worker has answered and nothing is being recomputed. */
const settle = (page: Page) => page.waitForSelector(READY);

/**
 * The coverage colours are on the map: the app puts them in the compounds' feature state (`cov`)
 * once the worker has answered; then the map has drawn them.
 */
async function colouredIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const map = window.__renewalMap;
    const f = map?.querySourceFeatures("compounds")[0];
    return f?.id !== undefined && map!.getFeatureState({ source: "compounds", id: f.id }).cov != null;
  });
  await mapIdle(page);
}

/** The gap table's totals (all rows, not only those shown). */
const gapTotals = async (page: Page) => ({
  compounds: Number(await page.getAttribute(tid("gap-summary"), "data-compounds")),
  households: Number(await page.getAttribute(tid("gap-summary"), "data-households")),
});

/** Gap rows shown for the focused category: [compound id, households]. */
const gapRows = (page: Page) =>
  page.$$eval("[data-testid=gap-row]", (rows) =>
    rows.map((r) => [Number(r.getAttribute("data-id")), Number(r.children[2].textContent!.replace(/[^0-9]/g, ""))]),
  );

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: four browser cases sharing one server and signed-in pages
describe("the coverage view", () => {
  it("colours compounds by score, lists the gaps and rolls them up by subdistrict", async () => {
    const { page, errors } = await openCoverage();
    await colouredIdle(page);
    // Compounds drawn in the score colours: red (0–50%) … green (100%) fill a good part of the map.
    const shot = decodePng(await page.locator(tid("map")).screenshot());
    // Fills are drawn at 62% opacity over the background (#f3efe6).
    const scoreColours = [
      [0xd7, 0x30, 0x27],
      [0xfc, 0x8d, 0x59],
      [0xfe, 0xe0, 0x8b],
      [0x91, 0xcf, 0x60],
      [0x1a, 0x98, 0x50],
    ].map((c) => c.map((v, i) => Math.round(v * 0.62 + [0xf3, 0xef, 0xe6][i] * 0.38)));
    const coloured = scoreColours.reduce((s, c) => s + countColour(shot, c, 10), 0);
    expect(coloured / (shot.width * shot.height), "share of the map in score colours").toBeGreaterThan(0.03);
    await saveScreenshot(page, "coverage-score");

    // Every category of the profile has a household-weighted share.
    const standards = await (await fetch(`${app.url}/api/standards`)).json();
    const rows = await page.$$eval("[data-testid=category-row]", (rs) => rs.map((r) => [r.getAttribute("data-code"), Number(r.getAttribute("data-share"))]));
    expect(rows.map((r) => r[0])).toEqual(standards.categories.map((c: { code: string }) => c.code));
    for (const [, share] of rows) expect(share as number).toBeGreaterThanOrEqual(0);
    // With no category chosen, each gap row names what its compound lacks (not "9 类").
    const names = new Set(standards.categories.map((c: { nameZh: string }) => c.nameZh));
    const missingCells = await page.$$eval("[data-testid=gap-row] td:nth-child(2)", (tds) => tds.slice(0, 20).map((td) => td.textContent ?? ""));
    expect(missingCells.length).toBeGreaterThan(0);
    for (const cell of missingCells) {
      expect(cell).not.toMatch(/^\d+ 类$/);
      expect(names.has(cell.split(/、| 等 /)[0]), `"${cell}" starts with a category name`).toBe(true);
    }

    // Focus the kindergarten (300 m): the gap table lists compounds missing one, with households
    // and a walking distance over 300 m, largest households first.
    await page.selectOption(tid("focus-category"), "kindergarten");
    await page.click(tid("mode-distance"));
    const gaps = await gapRows(page);
    expect(gaps.length).toBeGreaterThan(0);
    const households = gaps.map((g) => g[1]);
    expect(households).toEqual([...households].sort((a, b) => b - a));
    const distances = await page.$$eval("[data-testid=gap-row] td:nth-child(4)", (tds) => tds.map((td) => td.textContent ?? ""));
    for (const d of distances.slice(0, 10)) expect(d === "不可达" || Number(d.replace(/[^0-9.]/g, "")) > 300, d).toBe(true);
    // Sorting by households ascending, and filtering by name, change the rows.
    await page.click(tid("gap-sort-households"));
    const asc = (await gapRows(page)).map((g) => g[1]);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const firstName = await page
      .locator(`${tid("gap-row")} td`)
      .first()
      .evaluate((td) => td.firstChild!.textContent!);
    await page.fill(tid("gap-filter"), firstName);
    expect((await gapRows(page)).length).toBeGreaterThanOrEqual(1);
    await page.fill(tid("gap-filter"), "");

    // A row zooms to its compound (the URL says which).
    const [id] = (await gapRows(page))[0];
    await page.click(`${tid("gap-row")}[data-id="${id}"]`);
    await page.waitForFunction((cid) => new URLSearchParams(location.search).get("compound") === String(cid), id);

    // The CSV export holds the same rows (UTF-8 with BOM for Excel).
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(tid("gap-export-csv"))]);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const totals = await gapTotals(page);
    expect(totals.compounds).toBeGreaterThanOrEqual(gaps.length);
    expect(csv.trim().split("\r\n")).toHaveLength(totals.compounds + 1);
    const [geo] = await Promise.all([page.waitForEvent("download"), page.click(tid("gap-export-geojson"))]);
    const fc = JSON.parse(fs.readFileSync((await geo.path())!, "utf8"));
    expect(fc.features).toHaveLength(totals.compounds);
    const exported = new Set(fc.features.map((f: { id: number }) => f.id));
    for (const [gid] of gaps) expect(exported.has(gid)).toBe(true);
    expect(fc.features.reduce((s: number, f: { properties: { households: number } }) => s + f.properties.households, 0)).toBe(totals.households);

    // Roll-ups list every subdistrict of the city, also those at 0%.
    const subdistricts = await (await fetch(`${app.url}/api/subdistricts`)).json();
    const rollup = await page.$$eval("[data-testid=rollup-row]", (rs) => rs.map((r) => Number(r.getAttribute("data-share"))));
    expect(rollup.length).toBeGreaterThanOrEqual(subdistricts.features.length);
    expect(rollup).toEqual([...rollup].sort((a, b) => a - b));
    await page.click(tid("rollup-community"));
    const communities = await (await fetch(`${app.url}/api/communities`)).json();
    expect(await page.locator(tid("rollup-row")).count()).toBeGreaterThanOrEqual(communities.features.length);
    await saveScreenshot(page, "coverage-kindergarten-distance");
    expect(errors).toEqual([]);
  }, 120_000);

  it("draws subdistrict and community boundaries, and colours the areas by the roll-up on request", async () => {
    const { page, errors } = await openCoverage({ path: "/?view=coverage&category=kindergarten" });
    await colouredIdle(page);
    const subdistricts = (await (await fetch(`${app.url}/api/subdistricts`)).json()).features.length;
    expect(subdistricts).toBeGreaterThan(1);
    // The whole district is in view: every subdistrict's boundary is drawn, and their names.
    expect((await waitForRenderedIds(page, "subdistricts-line", subdistricts)).length).toBe(subdistricts);
    expect((await waitForRenderedIds(page, "subdistricts-label", 1)).length).toBeGreaterThan(0);

    // On the map: each community in the colour of its share of households with a kindergarten.
    await page.click(tid("rollup-community"));
    await page.check(tid("rollup-map"));
    await page.waitForSelector(tid("rollup-legend"));
    await waitForRenderedIds(page, "communities-fill", 2);
    await mapIdle(page);
    const rows = await page.$$eval("[data-testid=rollup-row]", (rs) =>
      rs.filter((r) => r.getAttribute("data-id")).map((r) => [Number(r.getAttribute("data-id")), Number(r.getAttribute("data-share"))] as const),
    );
    expect(rows.length).toBeGreaterThan(1);
    const drawn = await page.evaluate(
      (ids) => ids.map((id) => window.__renewalMap!.getFeatureState({ source: "communities", id }).roll as string | undefined),
      rows.map((r) => r[0]),
    );
    expect(drawn).toEqual(rows.map(([, share]) => scoreColor(share)));
    expect(new Set(drawn).size, "the shares differ, and so do the colours").toBeGreaterThan(1);
    // The compounds' own fills give way (their outlines stay), and come back when it is off.
    expect(await page.evaluate(() => window.__renewalMap!.getPaintProperty("compounds-fill", "fill-opacity"))).toBe(0);
    await saveScreenshot(page, "coverage-rollup-map");
    await page.uncheck(tid("rollup-map"));
    await page.waitForFunction(() => window.__renewalMap!.getLayoutProperty("communities-fill", "visibility") === "none");
    expect(await page.evaluate(() => window.__renewalMap!.getPaintProperty("compounds-fill", "fill-opacity"))).not.toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it("says in Chinese when the engine cannot start, with the technical detail folded away", async () => {
    const page = await app.openPage("/?view=coverage", {
      // The walk network fails to download: the engine never starts.
      prepare: (p) => void p.route("**/api/network/walk*", (r) => r.fulfill({ status: 500, contentType: "text/plain", body: "boom" })),
    });
    await page.waitForSelector(`${tid("coverage-panel")}[data-status=error]`);
    const alert = page.locator(`${tid("coverage-panel")} [role=alert]`);
    await expectText(page, `${tid("coverage-panel")} [role=alert] p`, "分析引擎出错，结果无法显示；请重新加载页面后再试。");
    expect(await alert.locator("details").evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await alert.locator("details code").textContent()).toMatch(/HTTP 500/);
  }, 120_000);

  it("draws isochrones of a compound that follow the streets", async () => {
    const compounds = await (await fetch(`${app.url}/api/compounds?limit=5000`)).json();
    const pick = compounds.features[Math.floor(compounds.features.length / 2)];
    const { page } = await openCoverage({ path: `/?view=coverage&compound=${pick.id}` });
    // The selected compound's gaps: each missing category with its distance over the limit and
    // the nearest facility of that category (an amenity the API serves, of that category).
    await page.waitForSelector(`${tid("compound-gaps")}[data-id="${pick.id}"][data-ready=true]`);
    const standards = await (await fetch(`${app.url}/api/standards`)).json();
    const amenities = await (await fetch(`${app.url}/api/amenities`)).json();
    const categoryOf = new Map(amenities.features.map((a: any) => [a.properties.id, a.properties.category]));
    const compoundGaps = await page.$$eval("[data-testid=compound-gap]", (rs) =>
      rs.map((r) => ({ code: r.getAttribute("data-code")!, distance: r.getAttribute("data-distance")!, facility: r.getAttribute("data-facility")! })),
    );
    expect(compoundGaps.length).toBe(Number(await page.getAttribute(tid("compound-gaps"), "data-missing")));
    for (const g of compoundGaps) {
      const limit = standards.categories.find((c: any) => c.code === g.code).limitM;
      if (g.distance !== "unreachable") expect(Number(g.distance), g.code).toBeGreaterThan(limit - 1);
      if (g.facility) expect(categoryOf.get(Number(g.facility)), `nearest ${g.code}`).toBe(g.code);
    }
    await page.click(tid("iso-compound"));
    await page.waitForSelector(tid("isochrone-band"));
    // All three bands come in one answer from the worker.
    const bands = await page.$$eval("[data-testid=isochrone-band]", (rs) =>
      rs.map((r) => [Number(r.getAttribute("data-households")), Number(r.getAttribute("data-area"))]),
    );
    expect(bands).toHaveLength(3);
    // Larger bands reach more; the 15-minute band is far smaller than a 900 m disc (network, not circle).
    expect(bands[0][1]).toBeLessThan(bands[1][1]);
    expect(bands[1][1]).toBeLessThan(bands[2][1]);
    expect(bands[0][0]).toBeGreaterThanOrEqual(pick.properties.households);
    expect(bands[2][1]).toBeLessThan(Math.PI * 900 * 900);
    // The bands reach the map through the analysis overlay: drawn once the map has them.
    await mapIdle(page);
    const drawn = (await waitForRenderedIds(page, "analysis-iso-fill", 1)).length;
    expect(drawn).toBeGreaterThan(0);
    await saveScreenshot(page, "coverage-isochrone");
  }, 120_000);

  it("a suggested kindergarten site closes gaps once proposed; the scenario is saved and reloaded", async () => {
    const { page, errors } = await openCoverage({ signIn: true });
    await page.selectOption(tid("focus-category"), "kindergarten");
    const before = await gapTotals(page);
    expect(before.compounds).toBeGreaterThan(0);

    await page.selectOption(tid("site-category"), "kindergarten");
    await page.fill(tid("site-k"), "1");
    await page.click(tid("site-run"));
    await page.waitForSelector(tid("site-proposal"));
    const gain = Number(await page.getAttribute(tid("site-proposal"), "data-gain"));
    expect(gain).toBeGreaterThan(0);
    await page.click(tid("site-add"));
    await page.waitForSelector(`${tid("whatif-gain")}[data-code=kindergarten]`);
    await settle(page);
    expect(Number(await page.getAttribute(`${tid("whatif-gain")}[data-code=kindergarten]`, "data-households"))).toBe(gain);
    // The gap table lost exactly the newly covered households.
    const after = await gapTotals(page);
    expect(before.households - after.households).toBe(gain);
    expect(after.compounds).toBeLessThan(before.compounds);
    await mapIdle(page);
    await saveScreenshot(page, "coverage-whatif-site");
    // Before → after for the category, and the map against the baseline: the compounds drawn as
    // newly covered hold exactly the households the engine says gained.
    const shareEl = `${tid("whatif-gain")}[data-code=kindergarten] ${tid("whatif-share")}`;
    expect(Number(await page.getAttribute(shareEl, "data-after"))).toBeGreaterThan(Number(await page.getAttribute(shareEl, "data-before")));
    await page.check(tid("mode-change"));
    await page.waitForURL((u) => u.searchParams.get("colour") === "change");
    const compounds = (await (await fetch(`${app.url}/api/compounds?limit=5000`)).json()).features as Array<{ id: number; properties: { households: number } }>;
    const gainedColour = CHANGE_COLORS.gained;
    await page.waitForFunction(([ids, colour]) => ids.some((id) => window.__renewalMap!.getFeatureState({ source: "compounds", id }).cov === colour), [
      compounds.map((c) => c.id),
      gainedColour,
    ] as const);
    const drawnGained = await page.evaluate(
      ([ids, colour]) => ids.filter((id) => window.__renewalMap!.getFeatureState({ source: "compounds", id }).cov === colour),
      [compounds.map((c) => c.id), gainedColour] as const,
    );
    const byId = new Map(compounds.map((c) => [c.id, c.properties.households]));
    expect(drawnGained.reduce((s, id) => s + byId.get(id)!, 0)).toBe(gain);
    await expectText(page, tid("coverage-legend"), /新覆盖幼儿园[\s\S]*无变化/);
    await mapIdle(page);
    await saveScreenshot(page, "coverage-whatif-change");

    // Save: the link now names the scenario, with the category and the colour mode chosen.
    await page.check(tid("mode-distance"));
    await page.fill(tid("scenario-name"), "e2e 幼儿园补点");
    await page.click(tid("scenario-save"));
    await page.waitForSelector(tid("scenario-current"));
    const saved = (await app.db.knex("scenarios").where({ name: "e2e 幼儿园补点" }).first("id"))!.id;
    await page.waitForURL((u) => u.searchParams.get("scenario") === String(saved));
    const link = new URL(page.url()).searchParams;
    expect([link.get("category"), link.get("colour")]).toEqual(["kindergarten", "distance"]);
    // Reloading the link opens the same scenario by itself: the same result, the same colours.
    await page.reload();
    await page.waitForSelector(tid("session"));
    await page.waitForSelector(`${tid("whatif-gain")}[data-code=kindergarten]`, { timeout: 2 * WAIT_MS });
    await settle(page);
    expect(Number(await page.getAttribute(`${tid("whatif-gain")}[data-code=kindergarten]`, "data-households"))).toBe(gain);
    await expectText(page, tid("scenario-current"), /e2e 幼儿园补点/);
    expect(await page.isChecked(tid("mode-distance"))).toBe(true);
    // Back to the baseline and to it again from the list: the link follows.
    await page.click(tid("whatif-clear"));
    await page.waitForURL((u) => !u.searchParams.has("scenario"));
    await page.locator(tid("scenario-item"), { hasText: "e2e 幼儿园补点" }).locator(tid("scenario-load")).click();
    await page.waitForURL((u) => u.searchParams.get("scenario") === String(saved));
    await page.waitForSelector(`${tid("whatif-gain")}[data-code=kindergarten]`);
    // A report printed now says it includes the scenario, by name, with its change.
    await page.locator(tid("report-open")).first().click();
    await page.waitForSelector(tid("coverage-report"));
    expect(await page.getAttribute(tid("report-scenario"), "data-scenario")).toBe("scenario");
    await expectText(page, tid("report-scenario"), /e2e 幼儿园补点[\s\S]*新增幼儿园/);
    // Its legend is the map's: the kindergarten's distance bands in metres, not the score.
    await expectText(page, tid("report-legend"), /≤ 300 m[\s\S]*> 600 m/);
    await saveScreenshot(page, "coverage-report-scenario", { fullPage: false });
    await page.click(tid("report-close"));
    // And delete it.
    page.once("dialog", (d) => d.accept());
    await page.locator(tid("scenario-item"), { hasText: "e2e 幼儿园补点" }).locator(tid("scenario-delete")).click();
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-testid=scenario-item]")].some((e) => e.textContent!.includes("e2e 幼儿园补点")));
    expect(Number((await app.db.knex("scenarios").where({ name: "e2e 幼儿园补点" }).count({ n: "*" }).first())!.n)).toBe(0);
    await page.waitForURL((u) => !u.searchParams.has("scenario"));
    // A link to the deleted scenario says it cannot be opened, in Chinese, and drops it.
    await page.goto(`${app.url}/?view=coverage&scenario=${saved}`);
    await expectText(page, tid("coverage-message"), /无法打开方案/);
    await page.waitForURL((u) => !u.searchParams.has("scenario"));
    expect(errors).toEqual([]);
  }, 180_000);

  it("the public can read coverage but not propose; the subdistrict report prints on one page", async () => {
    const { page } = await openCoverage();
    expect(await page.isVisible(tid("whatif-signin"))).toBe(true);
    expect(await page.locator(tid("whatif-add")).count()).toBe(0);
    const firstReport = page.locator(tid("report-open")).first();
    await firstReport.click();
    await page.waitForSelector(tid("coverage-report"));
    const src = await page.getAttribute(tid("report-map"), "src");
    expect(src?.startsWith("data:image/png;base64,")).toBe(true);
    // The captured map is not blank.
    const img = decodePng(Buffer.from(src!.split(",")[1], "base64"));
    expect(colourStats(img).distinctColours).toBeGreaterThan(20);
    expect(await page.locator(tid("report-gap")).count()).toBeGreaterThan(0);
    // It says what it shows (the baseline, no scenario), where the data comes from, and the map is
    // a printed map: the subdistrict's boundary wholly inside the frame, a scale bar, a north arrow.
    expect(await page.getAttribute(tid("report-scenario"), "data-scenario")).toBe("baseline");
    await expectText(page, tid("report-source"), /数据/);
    expect(Number(await page.getAttribute(tid("report-scale-bar"), "data-metres"))).toBeGreaterThan(0);
    expect(await page.locator(tid("report-north-arrow")).count()).toBe(1);
    const frame = await page.evaluate(() => {
      const path = document.querySelector("[data-testid=report-outline]") as SVGPathElement | null;
      const svg = path?.ownerSVGElement;
      if (!path || !svg) return null;
      const b = path.getBBox();
      return { x: b.x, y: b.y, w: b.width, h: b.height, vw: svg.viewBox.baseVal.width, vh: svg.viewBox.baseVal.height };
    });
    expect(frame, "the subdistrict boundary is drawn on the printed map").not.toBeNull();
    expect(frame!.w).toBeGreaterThan(frame!.vw * 0.2);
    expect(frame!.x).toBeGreaterThanOrEqual(0);
    expect(frame!.y).toBeGreaterThanOrEqual(0);
    expect(frame!.x + frame!.w).toBeLessThanOrEqual(frame!.vw);
    expect(frame!.y + frame!.h).toBeLessThanOrEqual(frame!.vh);
    await saveScreenshot(page, "coverage-report", { fullPage: false });
    // One page on the paper the page asks for: A4 by default, A3 when chosen.
    fs.mkdirSync("test-artifacts", { recursive: true });
    for (const paper of ["A4", "A3"] as const) {
      await page.emulateMedia({ media: "screen" });
      await page.check(tid(`report-paper-${paper}`));
      await page.waitForSelector(`${tid("coverage-report")}[data-paper=${paper}]`);
      await page.emulateMedia({ media: "print" });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      const text = pdf.toString("latin1");
      expect((text.match(/\/Type\s*\/Page[^s]/g) ?? []).length, `pages on ${paper}`).toBe(1);
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text)!;
      // ISO 216 in points (1/72 in): A4 595 × 842, A3 842 × 1191.
      const [w, h] = paper === "A4" ? [595.28, 841.89] : [841.89, 1190.55];
      expect(Math.abs(Number(box[1]) - w)).toBeLessThan(2);
      expect(Math.abs(Number(box[2]) - h)).toBeLessThan(2);
      fs.writeFileSync(`test-artifacts/coverage-report-${paper}.pdf`, pdf);
    }
  }, 120_000);
});
