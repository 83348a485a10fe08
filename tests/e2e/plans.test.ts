import { describe, expect, it } from "vitest";
import { type AppInBrowser, expectAttribute, mapIdle, saveScreenshot, setUpAppInBrowser, WAIT_MS } from "../helpers/browser.js";

// The done-when story of the annual plan in headless Chromium: a planner works out next year's
// plan for 5,000 万元 on the demo city, reads why each compound is in or out, excludes one and
// sees the plan change, saves the plan, finds the plan table to download, and adopts it: its
// compounds are listed as planned in that year. The compounds are put back afterwards (the server
// database is shared by the run).

const MARK = "e2e 年度计划";
let listed: number[] = [];
const restore = async ({ db }: AppInBrowser) => {
  if (listed.length) await db.knex("compounds").whereIn("id", listed).update({ status: "unlisted", plan_year: null });
  await db.knex("annual_plans").where("name", "like", `${MARK}%`).del();
};
const app = setUpAppInBrowser({ before: restore, after: restore });
const tid = (id: string) => `[data-testid=${id}]`;

describe("the annual plan in the planner view", () => {
  it("works out a plan for 5,000 万元, explains each compound, excludes one, saves, exports and adopts it", async () => {
    const page = await app.openPage("/?view=planner", { role: "planner" });
    await page.waitForSelector(tid("plan-builder"));
    await page.fill(tid("plan-budgetWan"), "5000");
    await page.fill(tid("plan-planYear"), "2027");
    await page.click(tid("plan-solve"));
    await page.waitForSelector(`${tid("plan-result")}[data-status=optimal]`, { timeout: WAIT_MS });
    const cost = Number(await page.getAttribute(tid("plan-result"), "data-cost"));
    expect(cost).toBeLessThanOrEqual(5000 * 10_000);
    expect(Number(await page.getAttribute(tid("plan-result"), "data-objective"))).toBeGreaterThanOrEqual(
      Number(await page.getAttribute(tid("plan-result"), "data-greedy")),
    );
    // Every candidate (the pre-2000 unlisted compounds) is listed with a reason.
    const { rows } = await app.db.knex.raw("SELECT id FROM compounds WHERE status = 'unlisted' AND build_year <= 2000");
    expect(await page.locator(tid("plan-row")).count()).toBe(rows.length);
    const reasons = await page.locator(`${tid("plan-row")} .reason`).allTextContents();
    expect(reasons.every((r) => r.trim().length > 0)).toBe(true);
    expect(reasons.some((r) => r.includes("预算仅剩"))).toBe(true);
    await mapIdle(page);
    await saveScreenshot(page, "plan-builder");

    // A cap on the central subsidy (更多条件): fewer compounds, the rest out for that source.
    const chosenBefore = Number(await page.getAttribute(tid("plan-result"), "data-chosen"));
    await page.click(`${tid("plan-advanced")} summary`);
    await page.fill(tid("plan-cap-central"), "500");
    await page.click(tid("plan-solve"));
    await page.waitForSelector(`${tid("plan-row")}[data-code=over_source_budget]`, { timeout: WAIT_MS });
    expect(Number(await page.getAttribute(tid("plan-result"), "data-chosen"))).toBeLessThan(chosenBefore);
    await page.fill(tid("plan-cap-central"), "");
    await page.click(tid("plan-solve"));
    await expectAttribute(page, tid("plan-result"), "data-chosen", String(chosenBefore));

    // Exclude the first chosen compound: the plan is worked out again without it.
    const first = page.locator(`${tid("plan-row")}[data-chosen=true]`).first();
    const firstId = await first.getAttribute("data-id");
    await first.locator(tid("plan-exclude")).click();
    await page.waitForSelector(`${tid("plan-row")}[data-id="${firstId}"][data-code=excluded]`, { timeout: WAIT_MS });
    await page.locator(`${tid("plan-row")}[data-id="${firstId}"] button`).click();
    await page.waitForSelector(`${tid("plan-row")}[data-id="${firstId}"][data-chosen=true]`, { timeout: WAIT_MS });

    // Save, the plan table to download, adopt.
    await page.fill(tid("plan-name"), `${MARK} 2027`);
    await page.click(tid("plan-save"));
    await page.waitForSelector(`${tid("plan-saved")}[data-status=draft]`, { timeout: WAIT_MS });
    const planId = Number(await page.getAttribute(tid("plan-saved"), "data-id"));
    const href = await page.locator(`${tid("plan-saved")} a`, { hasText: "XLSX" }).getAttribute("href");
    const xlsx = await page.evaluate(async (u) => {
      const r = await fetch(u!);
      return { status: r.status, type: r.headers.get("content-type"), bytes: (await r.arrayBuffer()).byteLength };
    }, href);
    expect(xlsx).toMatchObject({ status: 200, type: expect.stringContaining("spreadsheetml") });
    expect(xlsx.bytes).toBeGreaterThan(1000);
    const plan = await app.db.knex("annual_plans").where({ id: planId }).first();
    listed = (typeof plan.solution === "string" ? JSON.parse(plan.solution) : plan.solution).chosenIds;
    await page.click(tid("plan-adopt"));
    await expectAttribute(page, tid("plan-saved"), "data-status", "adopted");
    const after = await app.db.knex("compounds").whereIn("id", listed).select("status", "plan_year");
    expect(after.length).toBe(listed.length);
    for (const c of after) expect(c).toMatchObject({ status: "planned", plan_year: 2027 });
    await saveScreenshot(page, "plan-adopted");
  }, 240_000);
});
