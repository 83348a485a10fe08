import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { readCityFile, setUpTestApp, auditRows } from "../helpers/db.js";
import { signedIn, send, type Agent } from "../helpers/auth.js";

// Saved what-if scenarios of the coverage analysis: any signed-in role saves, names, reloads and
// deletes them; only the creator or an admin changes one; the public sees none of it.

const city = setUpTestApp();
let admin: Agent;
let planner: Agent;
let staff: Agent;

const standards = readCityFile<{ categories: Array<{ code: string }> }>("../standards.json");
const category = standards.categories[0].code;
const outsideCity: [number, number] = [116.3, 39.9]; // Beijing: far from the demo city

let amenityId: number;
let amenityAt: [number, number];
let compoundId: number;
/** A vertex of the compound's outer ring: 0 m from its boundary. */
let onWall: [number, number];
/** ~220 m north of the compound's northernmost point. */
let farFromWall: [number, number];
const created: number[] = [];

const countScenarios = async () => Number((await city.db.knex("scenarios").count({ n: "*" }))[0].n);

function validChanges() {
  return {
    facilities: [
      { key: "new-1", action: "add", category, lonLat: [amenityAt[0] + 0.001, amenityAt[1]] },
      { key: "mv-1", action: "move", amenityId, lonLat: [amenityAt[0] + 0.0005, amenityAt[1] + 0.0005] },
    ],
    gates: [{ key: "g-1", action: "add", compoundId, lonLat: onWall }],
  };
}

beforeAll(async () => {
  [admin, planner, staff] = await Promise.all((["admin", "planner", "staff"] as const).map((role) => signedIn(city.app, city.db.knex, role)));
  const a = await city.db.knex("amenities").orderBy("id").first("id", city.db.knex.raw("ST_X(geom) AS x"), city.db.knex.raw("ST_Y(geom) AS y"));
  amenityId = a.id;
  amenityAt = [Number(a.x), Number(a.y)];
  const c = await city.db
    .knex("compounds")
    .orderBy("id")
    .first(
      "id",
      city.db.knex.raw("ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS wx"),
      city.db.knex.raw("ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS wy"),
      city.db.knex.raw("ST_X(ST_Centroid(geom)) AS cx"),
      city.db.knex.raw("ST_YMax(geom) AS ymax"),
    );
  compoundId = c.id;
  onWall = [Number(c.wx), Number(c.wy)];
  farFromWall = [Number(c.cx), Number(c.ymax) + 0.002];
});

afterAll(async () => {
  // Leave the shared (server) database as the demo city was.
  if (created.length) await city.db.knex("scenarios").whereIn("id", created).del();
});

describe("a scenario's life", () => {
  let id: number;

  it("is created by a planner, 201 with the whole scenario, and audited", async () => {
    const res = await send(planner, "post", "/api/scenarios", { name: "  东门加幼儿园  ", notes: "试算", changes: validChanges() }).expect(201);
    id = res.body.id;
    created.push(id);
    expect(res.headers.location).toBe(`/api/scenarios/${id}`);
    expect(res.body).toMatchObject({
      name: "东门加幼儿园",
      notes: "试算",
      version: 1,
      changes: validChanges(),
      counts: { facilities: 2, gates: 1 },
      createdBy: { id: planner.user.id, name: planner.user.name },
    });
    expect(Date.parse(res.body.createdAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(res.body.updatedAt).toBe(res.body.createdAt);
    const audit = await auditRows(city.db.knex, "scenario", id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", user_name: planner.user.name, before: null });
    expect(audit[0].after).toMatchObject({ id, name: "东门加幼儿园", version: 1, created_by: planner.user.id, changes: validChanges() });
  });

  it("is listed newest first, without its changes, and read back whole", async () => {
    const other = await send(staff, "post", "/api/scenarios", { name: "空方案", changes: { facilities: [], gates: [] } }).expect(201);
    created.push(other.body.id);
    const list = await planner.agent.get("/api/scenarios").expect(200);
    const ids = list.body.scenarios.map((s: any) => s.id);
    expect(ids.indexOf(other.body.id)).toBeLessThan(ids.indexOf(id));
    const mine = list.body.scenarios.find((s: any) => s.id === id);
    expect(mine).toEqual({
      id,
      name: "东门加幼儿园",
      notes: "试算",
      version: 1,
      counts: { facilities: 2, gates: 1 },
      createdBy: { id: planner.user.id, name: planner.user.name, displayName: null },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const one = await staff.agent.get(`/api/scenarios/${id}`).expect(200);
    expect(one.body).toMatchObject({ ...mine, changes: validChanges() });
    await planner.agent.get("/api/scenarios/99999999").expect(404);
    expect((await planner.agent.get("/api/scenarios/abc")).body.errors[0].name).toBe("id");
  });

  it("is patched with the current version, and a stale version is a 409 that changes nothing", async () => {
    const changes = { facilities: [{ key: "rm-1", action: "remove", amenityId }], gates: [] };
    const ok = await send(planner, "patch", `/api/scenarios/${id}`, { name: "只拆一处", changes, version: 1 }).expect(200);
    expect(ok.body).toMatchObject({ id, name: "只拆一处", notes: "试算", version: 2, changes, counts: { facilities: 1, gates: 0 } });
    expect(Date.parse(ok.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(ok.body.createdAt));

    const stale = await send(planner, "patch", `/api/scenarios/${id}`, { name: "过期的修改", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.headers["content-type"]).toMatch(/problem\+json/);
    expect(stale.body.detail).toMatch(/version 2/);
    expect(await city.db.knex("scenarios").where({ id }).first("name", "version")).toEqual({ name: "只拆一处", version: 2 });

    const empty = await send(planner, "patch", `/api/scenarios/${id}`, { version: 2 });
    expect(empty.status).toBe(400);
    const notesOnly = await send(planner, "patch", `/api/scenarios/${id}`, { notes: null, version: 2 }).expect(200);
    expect(notesOnly.body).toMatchObject({ notes: null, version: 3, changes });

    const audit = await auditRows(city.db.knex, "scenario", id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "update"]);
    expect(audit[1].before).toMatchObject({ name: "东门加幼儿园", version: 1, changes: validChanges() });
    expect(audit[1].after).toMatchObject({ name: "只拆一处", version: 2, changes });
    expect(audit[2].before.notes).toBe("试算");
    expect(audit[2].after.notes).toBeNull();
  });

  it("is deleted with ?version=N (stale → 409, missing → 400), 204, and audited with what it was", async () => {
    await send(planner, "delete", `/api/scenarios/${id}`).expect(400);
    await send(planner, "delete", `/api/scenarios/${id}?version=2`).expect(409);
    await send(planner, "delete", `/api/scenarios/${id}?version=3`).expect(204);
    expect(await city.db.knex("scenarios").where({ id }).first()).toBeUndefined();
    await planner.agent.get(`/api/scenarios/${id}`).expect(404);
    await send(planner, "delete", `/api/scenarios/${id}?version=3`).expect(404);
    const audit = await auditRows(city.db.knex, "scenario", id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "update", "delete"]);
    expect(audit[3]).toMatchObject({ user_name: planner.user.name, after: null });
    expect(audit[3].before).toMatchObject({ id, name: "只拆一处", version: 3 });
  });
});

describe("who may do what", () => {
  let adminsId: number;

  beforeAll(async () => {
    const res = await send(admin, "post", "/api/scenarios", { name: "局里的方案", changes: validChanges() }).expect(201);
    adminsId = res.body.id;
    created.push(adminsId);
  });

  it("answers 401 to the public on every scenario route and changes nothing", async () => {
    const anon = request(city.app);
    const before = await city.db.knex("scenarios").where({ id: adminsId }).first();
    const count = await countScenarios();
    const auditCount = (await auditRows(city.db.knex, "scenario", adminsId)).length;
    for (const res of [
      await anon.get("/api/scenarios"),
      await anon.get(`/api/scenarios/${adminsId}`),
      await anon.post("/api/scenarios").send({ name: "匿名", changes: { facilities: [], gates: [] } }),
      await anon.patch(`/api/scenarios/${adminsId}`).send({ name: "匿名改", version: 1 }),
      await anon.delete(`/api/scenarios/${adminsId}?version=1`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
    expect(await countScenarios()).toBe(count);
    expect(await city.db.knex("scenarios").where({ id: adminsId }).first()).toEqual(before);
    expect(await auditRows(city.db.knex, "scenario", adminsId)).toHaveLength(auditCount);
  });

  it("lets staff create, read and change their own scenarios", async () => {
    const res = await send(staff, "post", "/api/scenarios", { name: "街道试算", changes: validChanges() }).expect(201);
    created.push(res.body.id);
    expect(res.body.createdBy.name).toBe(staff.user.name);
    await send(staff, "patch", `/api/scenarios/${res.body.id}`, { name: "街道试算二", version: 1 }).expect(200);
    await staff.agent.get(`/api/scenarios/${adminsId}`).expect(200);
  });

  it("needs the CSRF header for writes", async () => {
    const res = await (staff.agent as any).post("/api/scenarios").send({ name: "无令牌", changes: { facilities: [], gates: [] } });
    expect(res.status).toBe(403);
  });

  it("refuses a planner changing or deleting an admin's scenario (403), and lets an admin change anyone's", async () => {
    const patch = await send(planner, "patch", `/api/scenarios/${adminsId}`, { name: "抢过来", version: 1 });
    expect(patch.status).toBe(403);
    expect(patch.headers["content-type"]).toMatch(/problem\+json/);
    await send(planner, "delete", `/api/scenarios/${adminsId}?version=1`).expect(403);
    await send(staff, "patch", `/api/scenarios/${adminsId}`, { name: "抢过来", version: 1 }).expect(403);
    expect(await city.db.knex("scenarios").where({ id: adminsId }).first("name", "version")).toEqual({ name: "局里的方案", version: 1 });
    expect((await auditRows(city.db.knex, "scenario", adminsId)).map((a) => a.action)).toEqual(["create"]);

    const plannersOwn = await send(planner, "post", "/api/scenarios", { name: "规划师的", changes: validChanges() }).expect(201);
    created.push(plannersOwn.body.id);
    const byAdmin = await send(admin, "patch", `/api/scenarios/${plannersOwn.body.id}`, { notes: "局里批注", version: 1 }).expect(200);
    expect(byAdmin.body.createdBy.id).toBe(planner.user.id);
    await send(admin, "delete", `/api/scenarios/${plannersOwn.body.id}?version=2`).expect(204);
    expect((await auditRows(city.db.knex, "scenario", plannersOwn.body.id)).map((a) => [a.action, a.user_name])).toEqual([
      ["create", planner.user.name],
      ["update", admin.user.name],
      ["delete", admin.user.name],
    ]);
  });
});

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: one bad body per case on one app
describe("validation names the field path and writes nothing", () => {
  async function refused(body: Record<string, unknown>, who: Agent = planner, method: "post" | "patch" = "post", url = "/api/scenarios") {
    const count = await countScenarios();
    const audits = Number((await city.db.knex("audit_log").where({ entity: "scenario" }).count({ n: "*" }))[0].n);
    const res = await send(who, method, url, body);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(await countScenarios()).toBe(count);
    expect(Number((await city.db.knex("audit_log").where({ entity: "scenario" }).count({ n: "*" }))[0].n)).toBe(audits);
    return res.body.errors as Array<{ name: string; reason: string }>;
  }
  const withFacility = (i: number, f: Record<string, unknown>) => {
    const c = validChanges();
    (c.facilities as unknown[])[i] = { key: `f${i}`, ...f };
    return { name: "坏方案", changes: c };
  };

  it("an unknown category", async () => {
    const errors = await refused(withFacility(2, { action: "add", category: "casino", lonLat: amenityAt }));
    expect(errors).toEqual([
      {
        name: "changes.facilities[2].category",
        reason: expect.stringMatching(/"casino" is not a category.*kindergarten/),
        code: "unknown_category",
        params: { value: "casino" },
      },
    ]);
  });

  it("a move without amenityId, an add without category or place", async () => {
    const errors = await refused({
      name: "缺字段",
      changes: {
        facilities: [
          { key: "a", action: "move", lonLat: amenityAt },
          { key: "b", action: "add" },
        ],
        gates: [],
      },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { name: "changes.facilities[0].amenityId", reason: expect.stringMatching(/required for move/), code: "required" },
        { name: "changes.facilities[1].category", reason: expect.stringMatching(/required for add/), code: "required" },
        { name: "changes.facilities[1].lonLat", reason: expect.stringMatching(/required for add/), code: "required" },
      ]),
    );
  });

  it("an amenity that does not exist", async () => {
    const errors = await refused(withFacility(1, { action: "remove", amenityId: 99999999 }));
    expect(errors).toEqual([
      { name: "changes.facilities[1].amenityId", reason: "amenity 99999999 does not exist", code: "unknown_amenity", params: { id: 99999999 } },
    ]);
  });

  it("a lonLat outside the city", async () => {
    const errors = await refused(withFacility(0, { action: "add", category, lonLat: outsideCity }));
    expect(errors).toEqual([
      {
        name: "changes.facilities[0].lonLat",
        reason: expect.stringMatching(/outside the city's bounds/),
        code: "outside_city",
        params: { value: expect.any(String) },
      },
    ]);
    const notLonLat = await refused(withFacility(0, { action: "add", category, lonLat: [12760000, 3970000] }));
    expect(notLonLat[0].name).toMatch(/^changes\.facilities\[0\]\.lonLat/);
  });

  it("a gate far from its compound, and a gate of a compound that does not exist", async () => {
    const c = validChanges();
    c.gates.push({ key: "g-far", action: "add", compoundId, lonLat: farFromWall }, { key: "g-none", action: "add", compoundId: 99999999, lonLat: onWall });
    const errors = await refused({ name: "远门", changes: c });
    expect(errors).toEqual([
      {
        name: "changes.gates[1].lonLat",
        reason: expect.stringMatching(/boundary; this point is \d+\.\d m away .*at most 30 m/),
        code: "gate_off_boundary",
        params: { distance: expect.stringMatching(/^\d+\.\d$/), limit: 30 },
      },
      { name: "changes.gates[2].compoundId", reason: `compound 99999999 does not exist`, code: "unknown_compound", params: { id: 99999999 } },
    ]);
    const d = Number(/is (\d+\.\d) m away/.exec(errors[0].reason)![1]);
    expect(d).toBeGreaterThan(200);
  });

  it("duplicate keys, the same amenity changed twice, too many changes, a blank name, unknown fields", async () => {
    const dup = await refused({
      name: "重复",
      changes: {
        facilities: [
          { key: "x", action: "remove", amenityId },
          { key: "x", action: "add", category, lonLat: amenityAt },
        ],
        gates: [],
      },
    });
    expect(dup).toEqual([
      {
        name: "changes.facilities[1].key",
        reason: expect.stringMatching(/already used by facilities\[0\]/),
        code: "duplicate",
        params: { at: "facilities[0]" },
      },
    ]);
    const twice = await refused({
      name: "两次",
      changes: {
        facilities: [
          { key: "x", action: "remove", amenityId },
          { key: "y", action: "move", amenityId, lonLat: amenityAt },
        ],
        gates: [],
      },
    });
    expect(twice).toEqual([
      {
        name: "changes.facilities[1].amenityId",
        reason: expect.stringMatching(/already changed by changes.facilities\[0\]/),
        code: "changed_twice",
        params: { at: "changes.facilities[0]" },
      },
    ]);
    const many = Array.from({ length: 501 }, (_, i) => ({ key: `k${i}`, action: "add", category, lonLat: amenityAt }));
    expect(await refused({ name: "太多", changes: { facilities: many, gates: [] } })).toEqual([
      {
        name: "changes.facilities",
        reason: expect.stringMatching(/at most 500/),
        code: "too_big",
        params: { maximum: 500, origin: "array", inclusive: "true" },
      },
    ]);
    const split = {
      facilities: many.slice(0, 300),
      gates: Array.from({ length: 201 }, (_, i) => ({ key: `g${i}`, action: "add", compoundId, lonLat: onWall })),
    };
    expect(await refused({ name: "太多", changes: split })).toEqual([
      { name: "changes", reason: expect.stringMatching(/at most 500.*this has 501/), code: "too_big", params: { maximum: 500, origin: "array" } },
    ]);
    expect((await refused({ name: "   ", changes: validChanges() }))[0].name).toBe("name");
    expect((await refused({ name: "x".repeat(101), changes: validChanges() }))[0].name).toBe("name");
    expect((await refused({ name: "没有改动" }))[0].name).toBe("changes");
    const extra = await refused({ name: "多字段", changes: { ...validChanges(), roads: [] } });
    expect(extra[0].name).toBe("changes");
    expect((await refused(withFacility(0, { action: "demolish", amenityId })))[0].name).toBe("changes.facilities[0].action");
    expect((await refused({ name: "门", changes: { facilities: [], gates: [{ key: "g", action: "move", compoundId, lonLat: onWall }] } }))[0].name).toBe(
      "changes.gates[0].action",
    );
  });

  it("on PATCH too, leaving the scenario as it was", async () => {
    const res = await send(planner, "post", "/api/scenarios", { name: "待改", changes: validChanges() }).expect(201);
    created.push(res.body.id);
    const errors = await refused(
      { changes: withFacility(0, { action: "add", category: "casino", lonLat: amenityAt }).changes, version: 1 },
      planner,
      "patch",
      `/api/scenarios/${res.body.id}`,
    );
    expect(errors[0].name).toBe("changes.facilities[0].category");
    expect(await city.db.knex("scenarios").where({ id: res.body.id }).first("version", "changes")).toEqual({ version: 1, changes: validChanges() });
  });
});
