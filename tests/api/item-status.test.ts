import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, readCityFile, setUpTestApp } from "../helpers/db.js";
import { send, signedIn, type Agent } from "../helpers/auth.js";
import { rectangle } from "../helpers/geometry.js";
import { expectProblem } from "../helpers/problem.js";

// The renovation item workflow: planned → started (施工中) → completed (已完工), or cancelled; one
// item at a time or all of a compound's; the public map sees completed items only. Every check
// reads the database, not the answer of the write it checks.

const city = setUpTestApp();
let planner: Agent;
let staff: Agent;
const meta = readCityFile<{ bbox: [number, number, number, number] }>("meta.json");

// A free spot inside the city: a 60 m square near the north-east corner (editing.test.ts uses the south-west one).
const d = 0.0006;
const [x0, y0] = [meta.bbox[2] - 0.0005 - d, meta.bbox[3] - 0.0005 - d];
const inside = (fx: number, fy: number) => ({ type: "Point", coordinates: [x0 + d * fx, y0 + d * fy] });

// The workflow, written out here by hand (not read from the code).
const STATUSES = ["planned", "started", "completed", "cancelled"] as const;
type Status = (typeof STATUSES)[number];
const ALLOWED: Record<Status, Status[]> = {
  planned: ["started", "cancelled"],
  started: ["completed", "cancelled"],
  completed: [],
  cancelled: ["planned"],
};

let compoundId: number;
const today = () => new Date().toISOString().slice(0, 10);

interface Row {
  id: number;
  status: Status;
  version: number;
  started_on: string | null;
  completed_on: string | null;
}
const row = async (id: number): Promise<Row> =>
  (
    await city.db.knex.raw(
      "SELECT id, status, version, to_char(started_on, 'YYYY-MM-DD') AS started_on, to_char(completed_on, 'YYYY-MM-DD') AS completed_on FROM renovation_items WHERE id = ?",
      [id],
    )
  ).rows[0];
const rows = async (ids: number[]) => Promise.all(ids.map(row));

/** A new charger in the test compound, set straight in the database to `status` (dates cleared). */
async function charger(status: Status = "planned", at = inside(0.5, 0.5)): Promise<number> {
  const res = await send(planner, "post", `/api/compounds/${compoundId}/items`, { kind: "charging_pile", quantity: 2, geometry: at }).expect(201);
  const id = Math.max(...res.body.renovationItems.map((i: { id: number }) => i.id));
  if (status !== "planned") await city.db.knex("renovation_items").where({ id }).update({ status });
  return id;
}
const moveOne = async (id: number, to: string, on?: string) =>
  send(planner, "post", `/api/items/${id}/status`, { to, ...(on ? { on } : {}), version: (await row(id)).version });
const moveOk = async (id: number, to: string, on?: string) => {
  const res = await moveOne(id, to, on);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

beforeAll(async () => {
  planner = await signedIn(city.app, city.db.knex, "planner");
  staff = await signedIn(city.app, city.db.knex, "staff");
  const res = await send(planner, "post", "/api/compounds", { name: "状态测试小区", households: 80, geometry: rectangle(x0, y0, x0 + d, y0 + d) }).expect(201);
  compoundId = res.body.id;
});
afterAll(async () => {
  // Leave the shared (server) database as the demo city was.
  if (compoundId) await city.db.knex("compounds").where({ id: compoundId }).del();
});

describe("the item status rule", () => {
  it("is served as written in DESIGN (planned → started → completed, cancelled, planned again)", async () => {
    const res = await request(city.app).get("/api/items/statuses").expect(200);
    expect(res.body.statuses).toEqual([...STATUSES]);
    expect(res.body.transitions).toEqual(ALLOWED);
    // A bulk move to completed takes a planned item through started; cancelled and completed ones stay.
    expect(res.body.bulk.planned.completed).toEqual(["started", "completed"]);
    expect(res.body.bulk.started.completed).toEqual(["completed"]);
    expect(res.body.bulk.cancelled).toEqual({});
    expect(res.body.bulk.completed).toEqual({});
  });

  it("allows exactly the moves of the table; every other move answers 409 and changes nothing", async () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        const id = await charger(from);
        const before = await row(id);
        const res = await moveOne(id, to, "2025-04-01");
        if (ALLOWED[from].includes(to)) {
          expect(res.status, `${from} → ${to}`).toBe(200);
          expect(await row(id), `${from} → ${to}`).toMatchObject({ status: to, version: before.version + 1 });
        } else {
          expectProblem(res, 409);
          expect(res.body.detail).toContain(`from ${from} to ${to}`);
          expect(await row(id), `${from} → ${to}`).toEqual(before);
          // A PATCH of the status goes by the same rule.
          if (from !== to) expect((await send(planner, "patch", `/api/items/${id}`, { status: to, version: before.version })).status).toBe(409);
          expect(await row(id)).toEqual(before);
        }
      }
    }
  }, 120_000);

  it("sets the dates: the one given, or today; completion not before the start; planned again clears them", async () => {
    const id = await charger();
    await moveOk(id, "started", "2025-03-01");
    expect(await row(id)).toMatchObject({ status: "started", started_on: "2025-03-01", completed_on: null });
    expectProblem(await moveOne(id, "completed", "2025-02-28"), 400, "on");
    expect(await row(id)).toMatchObject({ status: "started", completed_on: null });
    await moveOk(id, "completed");
    expect(await row(id)).toMatchObject({ status: "completed", started_on: "2025-03-01", completed_on: today() });
    const other = await charger();
    await send(planner, "patch", `/api/items/${other}`, { status: "started", version: 1 }).expect(200);
    expect(await row(other)).toMatchObject({ status: "started", started_on: today() });
    await moveOk(other, "cancelled");
    await moveOk(other, "planned");
    expect(await row(other)).toMatchObject({ status: "planned", started_on: null, completed_on: null });
    // The compound's card carries the dates.
    const card = await planner.agent.get(`/api/compounds/${compoundId}`).expect(200);
    expect(card.body.renovationItems.find((i: { id: number }) => i.id === id).properties).toMatchObject({
      startedOn: "2025-03-01",
      completedOn: today(),
    });
  });

  it("audits a move with the row before and after", async () => {
    const id = await charger();
    await moveOk(id, "started", "2025-05-05");
    const audit = await auditRows(city.db.knex, "renovation_item", id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update"]);
    expect(audit[1]).toMatchObject({ user_name: planner.user.name });
    expect(audit[1].before).toMatchObject({ status: "planned", started_on: null });
    expect(audit[1].after).toMatchObject({ status: "started", started_on: "2025-05-05" });
  });
});

describe("all of a compound's items at once", () => {
  const bulk = (body: unknown, who: Agent = planner) => send(who, "post", `/api/compounds/${compoundId}/items/status`, body);
  const seen = async (ids: number[]) => (await rows(ids)).map((r) => ({ id: r.id, version: r.version }));
  const auditCount = async () => Number((await city.db.knex("audit_log").where({ entity: "renovation_item" }).count({ n: "*" }).first())!.n);

  it("is all-or-nothing: one stale version and nothing moves, nor is anything audited", async () => {
    const ids = [await charger("planned"), await charger("started"), await charger("completed"), await charger("cancelled")];
    const before = await rows(ids);
    const audits = await auditCount();
    const versions = await seen(ids);
    versions[1] = { ...versions[1], version: versions[1].version + 5 };
    const res = await bulk({ to: "completed", on: "2025-06-30", items: versions });
    expectProblem(res, 409);
    expect(res.body.detail).toContain(String(ids[1]));
    expect(await rows(ids)).toEqual(before);
    expect(await auditCount()).toBe(audits);
    // An item of another compound: 400 naming it, and nothing moves.
    const foreign = await city.db.knex("renovation_items").whereNot({ compound_id: compoundId }).first("id", "version");
    expectProblem(await bulk({ to: "completed", items: [...(await seen(ids)), { id: foreign.id, version: foreign.version }] }), 400, "items[4].id");
    expect(await rows(ids)).toEqual(before);
    expect(await row(foreign.id)).toMatchObject({ version: foreign.version });
  });

  it("moves every listed item that can get there, with its dates, each audited; the others stay", async () => {
    const ids = [await charger("planned"), await charger("started"), await charger("completed"), await charger("cancelled")];
    await city.db.knex("renovation_items").where({ id: ids[1] }).update({ started_on: "2025-04-01" });
    const before = await rows(ids);
    const audits = await auditCount();
    await bulk({ to: "completed", on: "2025-06-30", items: await seen(ids) }).expect(200);
    const after = await rows(ids);
    expect(after[0]).toMatchObject({ status: "completed", started_on: "2025-06-30", completed_on: "2025-06-30", version: before[0].version + 1 });
    expect(after[1]).toMatchObject({ status: "completed", started_on: "2025-04-01", completed_on: "2025-06-30", version: before[1].version + 1 });
    expect(after[2]).toEqual(before[2]);
    expect(after[3]).toEqual(before[3]);
    expect(await auditCount()).toBe(audits + 2);
    const last = await auditRows(city.db.knex, "renovation_item", ids[0]);
    expect(last.at(-1)).toMatchObject({ action: "update", user_name: planner.user.name });
    expect(last.at(-1)!.before.status).toBe("planned");
    expect(last.at(-1)!.after.status).toBe("completed");
    // Nothing left that can get there: 409.
    expectProblem(await bulk({ to: "completed", items: await seen(ids) }), 409);
  });

  it("refuses a completion date before an item's start (400 naming on) and moves none", async () => {
    const ids = [await charger("planned"), await charger("started")];
    await city.db.knex("renovation_items").where({ id: ids[1] }).update({ started_on: "2025-08-01" });
    const before = await rows(ids);
    expectProblem(await bulk({ to: "completed", on: "2025-07-01", items: await seen(ids) }), 400, "on");
    expect(await rows(ids)).toEqual(before);
  });

  it("needs a planner (anonymous 401, staff 403) and the CSRF header", async () => {
    const id = await charger();
    const before = await row(id);
    const body = { to: "started", items: [{ id, version: before.version }] };
    expect((await request(city.app).post(`/api/compounds/${compoundId}/items/status`).send(body)).status).toBe(401);
    expect((await bulk(body, staff)).status).toBe(403);
    expect((await planner.agent.post(`/api/compounds/${compoundId}/items/status`).send(body)).status).toBe(403);
    expect((await request(city.app).post(`/api/items/${id}/status`).send({ to: "started", version: before.version })).status).toBe(401);
    expect((await send(staff, "post", `/api/items/${id}/status`, { to: "started", version: before.version })).status).toBe(403);
    expect(await row(id)).toEqual(before);
  });

  it.each([
    ["an unknown status", { to: "done" }, "to"],
    ["no status", {}, "to"],
    ["a date that is not one", { to: "started", on: "2025-13-40" }, "on"],
    ["no items", { to: "started", items: [] }, "items"],
    ["an item without its version", { to: "started", items: [{ id: 1 }] }, "items[0].version"],
    ["an item listed twice", { to: "started", items: "twice" }, "items[1].id"],
    ["an unknown field", { to: "started", colour: "red" }, undefined],
  ])("answers 400 to %s, naming the field", async (_what, body: Record<string, unknown>, field) => {
    const id = await charger();
    const before = await row(id);
    const items =
      body.items === "twice"
        ? [
            { id, version: before.version },
            { id, version: before.version },
          ]
        : (body.items ?? [{ id, version: before.version }]);
    const res = await bulk({ ...body, items });
    expectProblem(res, 400, field);
    if (!field) expect(res.body.detail).toMatch(/colour/);
    // The one-item move checks the same fields.
    if (!String(field).startsWith("items")) {
      expectProblem(await send(planner, "post", `/api/items/${id}/status`, { ...body, items: undefined, version: before.version }), 400, field);
    }
    expect(await row(id)).toEqual(before);
  });
});

describe("what the public sees", () => {
  it("anonymous map reads never carry a planned, started or cancelled item; planners see planned and started ones", async () => {
    const ids = { planned: await charger("planned"), started: await charger("started"), cancelled: await charger("cancelled") };
    const done = await charger("planned");
    await moveOk(done, "started");
    await moveOk(done, "completed");
    // Signed in first, so a cached internal answer could leak into the public one if keyed wrongly.
    const internal = await planner.agent.get("/api/items").expect(200);
    const internalIds = internal.body.features.map((f: { id: number }) => f.id);
    expect(internalIds).toEqual(expect.arrayContaining([ids.planned, ids.started, done]));
    expect(internalIds).not.toContain(ids.cancelled);
    expect(internal.body.features.find((f: { id: number }) => f.id === ids.planned).properties.status).toBe("planned");

    const pub = await request(city.app).get("/api/items").expect(200);
    const pubIds: number[] = pub.body.features.map((f: { id: number }) => f.id);
    expect(pubIds).toContain(done);
    // Against the database: every public item is completed, and every completed placed item is public.
    const statuses = await city.db.knex("renovation_items").whereIn("id", pubIds).distinct("status");
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(["completed"]);
    const completedPlaced = await city.db.knex("renovation_items").where({ status: "completed" }).whereNotNull("geom").count({ n: "*" }).first();
    expect(pubIds).toHaveLength(Number(completedPlaced!.n));
    expect(pub.body.features.find((f: { id: number }) => f.id === done).properties).toMatchObject({ status: "completed", completedOn: today() });

    // The public compound card lists its items but gives only completed ones a place on the map.
    await planner.agent.get(`/api/compounds/${compoundId}`).expect(200);
    const card = await request(city.app).get(`/api/compounds/${compoundId}`).expect(200);
    const db = new Map((await city.db.knex("renovation_items").where({ compound_id: compoundId }).select("id", "status")).map((r) => [r.id, r.status]));
    expect(card.body.renovationItems.length).toBe(db.size);
    for (const i of card.body.renovationItems) {
      if (db.get(i.id) === "completed") expect(i.geometry, `item ${i.id}`).not.toBeNull();
      else expect(i.geometry, `item ${i.id} (${db.get(i.id)})`).toBeNull();
    }
  });
});
