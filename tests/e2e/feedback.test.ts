import { describe, expect, it } from "vitest";
import { type AppInBrowser, expectAttribute, mapIdle, saveScreenshot, setUpAppInBrowser, WAIT_MS, waitForRenderedIds } from "../helpers/browser.js";

// Residents' feedback end to end in headless Chromium: a resident, without an account, leaves a
// message in a compound's card on the public map (script in it); staff find it in the queue, shown
// as text, and publish it; the public card and a planner's cluster sheet then count it, and the
// planner map marks the compound.

const MARK = "e2e 意见";
const dropE2eRows = async ({ db }: AppInBrowser) => {
  await db.knex("feedback").where("message", "like", `${MARK}%`).del();
  await db.knex("clusters").where("name", "like", `${MARK}%`).del();
};
const app = setUpAppInBrowser({ before: dropE2eRows, after: dropE2eRows });
const tid = (id: string) => `[data-testid=${id}]`;

/** A compound in no saved cluster (so a planner may put it in one), with its published count now. */
async function freeCompound(): Promise<{ id: number; name: string }> {
  const row = await app.db
    .knex("compounds as c")
    .whereNotExists(app.db.knex("cluster_members as m").whereRaw("m.compound_id = c.id"))
    .orderBy("c.id")
    .first("c.id", "c.name");
  return { id: row.id, name: row.name };
}

const publishedAbout = async (id: number) =>
  Number((await app.db.knex("feedback").where({ compound_id: id, topic: "charging" }).whereIn("status", ["published", "merged"]).count({ n: "*" }).first())!.n);

describe("residents' feedback", () => {
  it("a resident's message, held until staff publish it, reaches the public card and the planner's cluster sheet, its script never run", async () => {
    const compound = await freeCompound();
    const before = await publishedAbout(compound.id);
    const message = `${MARK}：充电桩太少 <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

    // The resident: the public map, no account; the compound's card, the form, send.
    const resident = await app.openPage(`/?compound=${compound.id}`);
    await resident.waitForSelector(tid("compound-feedback"));
    await resident.click(tid("feedback-leave"));
    await resident.selectOption(`${tid("feedback-form")} select[name=topic]`, "charging");
    await resident.fill(`${tid("feedback-form")} textarea[name=message]`, message);
    await saveScreenshot(resident, "feedback-form");
    await resident.click(tid("feedback-send"));
    await resident.waitForSelector(tid("feedback-sent"), { timeout: WAIT_MS });
    const row = await app.db.knex("feedback").where({ message }).first("id", "status", "compound_id");
    expect(row).toMatchObject({ status: "pending", compound_id: compound.id });
    // Held for moderation: the public count has not moved, and no public answer holds the text.
    expect(await publishedAbout(compound.id)).toBe(before);
    const publicCounts = await (await fetch(`${app.url}/api/feedback/counts?compound=${compound.id}`)).text();
    expect(publicCounts).not.toContain("充电桩太少");
    expect((await fetch(`${app.url}/api/feedback`)).status).toBe(401);

    // Staff: the queue, the message as text (no element made from it, nothing run), publish.
    const staff = await app.openPage("/?view=feedback", { role: "staff" });
    expect(await staff.getAttribute(tid("tab-feedback"), "aria-selected")).toBe("true");
    const item = staff.locator(`${tid("feedback-item")}[data-id="${row.id}"]`);
    await item.waitFor({ timeout: WAIT_MS });
    expect(await item.locator(tid("feedback-text")).textContent()).toBe(message);
    expect(await item.locator("img, script").count()).toBe(0);
    expect(await staff.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await saveScreenshot(staff, "feedback-queue");
    await item.locator(tid("feedback-publish")).click();
    await expect.poll(async () => (await app.db.knex("feedback").where({ id: row.id }).first("status")).status, { timeout: WAIT_MS }).toBe("published");
    expect(await publishedAbout(compound.id)).toBe(before + 1);

    // The public card counts it now (after a reload: a new visitor).
    await resident.reload();
    await resident.waitForSelector(tid("compound-feedback"));
    await expectAttribute(resident, `${tid("compound-feedback")} ${tid("feedback-topics")} li[data-topic=charging]`, "data-count", String(before + 1));
    expect(await resident.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // The planner: the compound marked on the planner map, and the count in a cluster's sheet.
    const planner = await app.openPage(`/?view=planner&compound=${compound.id}`, { role: "planner" });
    const created = await planner.evaluate(
      async ({ name, id }) => {
        const s = await (await fetch("/api/session")).json();
        const res = await fetch("/api/clusters", {
          method: "POST",
          headers: { "Content-Type": "application/json", [s.csrfHeader]: s.csrfToken },
          body: JSON.stringify({ name, memberIds: [id] }),
        });
        return res.status;
      },
      { name: `${MARK} 充电`, id: compound.id },
    );
    expect(created).toBe(201);
    await planner.reload();
    expect(await waitForRenderedIds(planner, "feedback-circle", 1)).toContain(compound.id);
    const cluster = planner.locator(`${tid("cluster-item")}[data-saved=true]`, { hasText: `${MARK} 充电` });
    await cluster.waitFor({ timeout: WAIT_MS });
    await cluster.locator(tid("cluster-select")).click();
    await expectAttribute(planner, `${tid("sheet-feedback")} li[data-topic=charging]`, "data-count", String(before + 1));
    await mapIdle(planner);
    await saveScreenshot(planner, "feedback-cluster-sheet");
  }, 240_000);
});
