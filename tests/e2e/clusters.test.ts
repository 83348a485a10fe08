import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAttribute, mapIdle, saveScreenshot, waitForRenderedIds, WAIT_MS, setUpAppInBrowser, type AppInBrowser } from "../helpers/browser.js";

// A planner at work on 连片 clusters in headless Chromium: auto-cluster the pre-2000 compounds,
// adjust one cluster by clicking a compound on the map, read its sheet, save, reload and find it.

// Against a server the database outlives a run: a cluster left by one cut short would match twice.
const dropE2eClusters = async ({ db }: AppInBrowser) => {
  await db.knex("clusters").where("name", "like", "e2e%").del();
};
const app = setUpAppInBrowser({ before: dropE2eClusters, after: dropE2eClusters });

const tid = (id: string) => `[data-testid=${id}]`;

const plannerPage = (): Promise<Page> => app.openPage("/?view=planner", { role: "planner" });

const sheetHouseholds = async (page: Page) => Number(await page.getAttribute(tid("cluster-sheet"), "data-households"));

describe("clusters in the planner view", () => {
  it("auto-clusters, adjusts a cluster by clicking, reads the sheet, saves and finds it after a reload", async () => {
    const page = await plannerPage();
    // Enabled once the analysis worker is ready and the reference data is in.
    await page.waitForSelector(`${tid("cluster-auto")}:not([disabled])`, { timeout: 2 * WAIT_MS });
    await page.click(tid("cluster-auto"));
    await page.waitForSelector(tid("cluster-item"), { timeout: 2 * WAIT_MS });
    const count = await page.locator(`${tid("cluster-item")}[data-saved=false]`).count();
    expect(count).toBeGreaterThan(2);

    await page
      .locator(`${tid("cluster-item")}[data-saved=false] ${tid("cluster-select")}`)
      .first()
      .click();
    await page.waitForSelector(tid("cluster-sheet"));
    const compounds = (await (await fetch(`${app.url}/api/compounds?limit=5000`)).json()).features as Array<{
      id: number;
      properties: { name: string; households: number; buildYear: number | null };
      geometry: { coordinates: number[][][][] };
    }>;
    const byName = new Map(compounds.map((c) => [c.properties.name, c]));
    const memberNames = (await page.textContent(tid("cluster-members")))!.replace(/^[^：:]*[：:]\s*/, "").split("、");
    const members = memberNames.map((n) => byName.get(n)!);
    // Every auto-clustered member was built in 2000 or before, and the sheet's households are theirs.
    for (const m of members) expect(m.properties.buildYear ?? 9999).toBeLessThanOrEqual(2000);
    const before = await sheetHouseholds(page);
    expect(before).toBe(members.reduce((s, m) => s + m.properties.households, 0));
    // Elevator, parking and charging figures are there.
    expect(await page.getAttribute(tid("sheet-elevators"), "data-buildings")).not.toBeNull();
    expect(Number(await page.getAttribute(tid("sheet-parking"), "data-target"))).toBeGreaterThan(0);
    expect(await page.locator(tid("sheet-piles")).count()).toBe(1);
    await mapIdle(page);
    await saveScreenshot(page, "clusters-auto");

    // Remove one member by clicking it on the map: the sheet follows.
    await page.check(tid("cluster-edit"));
    const victim = members[members.length - 1];
    const ring = victim.geometry.coordinates[0][0];
    const [cx, cy] = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    await mapIdle(page);
    const px = await page.evaluate(([lon, lat]) => window.__renewalMap!.project([lon, lat]), [cx, cy]);
    const box = (await page.locator(tid("map")).boundingBox())!;
    await page.mouse.click(box.x + px.x, box.y + px.y);
    await expectAttribute(page, tid("cluster-sheet"), "data-households", String(before - victim.properties.households));
    expect(await page.textContent(tid("cluster-members"))).not.toContain(victim.properties.name);

    // Save under a name; after a reload it is listed as saved with the same members.
    await page.fill(tid("cluster-name"), "e2e 连片一期");
    await page.click(tid("cluster-save"));
    await page.waitForSelector(`${tid("cluster-item")}[data-saved=true]`);
    const saved = await app.db.knex("clusters").where({ name: "e2e 连片一期" }).first();
    expect(saved).toBeTruthy();
    const savedMembers = (await app.db.knex("cluster_members").where({ cluster_id: saved.id }).select("compound_id"))
      .map((r: { compound_id: number }) => r.compound_id)
      .sort((a: number, b: number) => a - b);
    expect(savedMembers).toEqual(
      members
        .slice(0, -1)
        .map((m) => (m as unknown as { id: number }).id)
        .sort((a, b) => a - b),
    );
    await page.reload();
    await page.waitForSelector(tid("session"));
    const item = page.locator(`${tid("cluster-item")}[data-saved=true]`, { hasText: "e2e 连片一期" });
    await item.waitFor();
    // The unsaved clusters survived the reload too (this browser's draft), the saved one not twice.
    await expect.poll(() => page.locator(`${tid("cluster-item")}[data-saved=false]`).count(), { timeout: WAIT_MS }).toBe(count - 1);
    await item.locator(tid("cluster-select")).click();
    await expectAttribute(page, tid("cluster-sheet"), "data-households", String(before - victim.properties.households));
    await mapIdle(page);
    await saveScreenshot(page, "clusters-saved");

    // The printable plan: the map as an image and the sheet.
    await page.click(tid("cluster-print"));
    await page.waitForSelector(`${tid("cluster-report")} ${tid("cluster-sheet")}`);
    expect((await page.getAttribute(`${tid("cluster-report")} ${tid("report-map")}`, "src"))?.startsWith("data:image/png")).toBe(true);
    // A printed map: the cluster's outline on it, a scale bar and a north arrow.
    expect(await page.locator(`${tid("cluster-report")} ${tid("report-outline")}`).count()).toBe(1);
    expect(Number(await page.getAttribute(`${tid("cluster-report")} ${tid("report-scale-bar")}`, "data-metres"))).toBeGreaterThan(0);
    await saveScreenshot(page, "clusters-print");
    // The plan fits one page, on A4 and on A3.
    for (const paper of ["A4", "A3"] as const) {
      await page.check(tid(`report-paper-${paper}`));
      await page.waitForSelector(`${tid("cluster-report")}[data-paper=${paper}]`);
      await page.emulateMedia({ media: "print" });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      await page.emulateMedia({ media: "screen" });
      fs.mkdirSync("test-artifacts", { recursive: true });
      fs.writeFileSync(`test-artifacts/cluster-plan-${paper}.pdf`, pdf);
      expect((pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length, `pages on ${paper}`).toBe(1);
    }
    await page.locator(tid("cluster-report")).getByRole("button", { name: "关闭" }).click();

    // The adjacency graph, on request, as lines between neighbours.
    await page.check(tid("adjacency-toggle"));
    expect((await waitForRenderedIds(page, "analysis-adjacency", 1)).length).toBeGreaterThan(0);
  }, 240_000);
});
