import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { setUpTestApp } from "../helpers/db.js";
import { signedIn, send, type Agent } from "../helpers/auth.js";
import { expectProblem } from "../helpers/problem.js";
import { rectangle } from "../helpers/geometry.js";
import { GATE_MAX_OFFSET_M, ITEM_MAX_OUTSIDE_M } from "../../shared/placement.js";

// Problem bodies carry a machine `code` (server/schemas/problems.ts) and each field error its
// `code` and `params`, so the web app says them in its language; the English `detail` stays.

const city = setUpTestApp();
let admin: Agent;
let planner: Agent;
let staff: Agent;
const scenarios: number[] = [];

beforeAll(async () => {
  [admin, planner, staff] = await Promise.all((["admin", "planner", "staff"] as const).map((role) => signedIn(city.app, city.db.knex, role)));
});

afterAll(async () => {
  for (const id of scenarios) await send(admin, "delete", `/api/scenarios/${id}?version=2`);
});

/** The field error named `name` of a problem body. */
const field = (res: request.Response, name: string) => res.body.errors.find((e: { name: string }) => e.name === name);

describe("validation problems name each rule and its numbers", () => {
  it("a bad compound body: households -1 is too_small with minimum 0, an empty name too_small for a string, an unknown key unrecognized_keys", async () => {
    const geometry = rectangle(114.64, 33.62, 114.641, 33.621);
    const res = await send(planner, "post", "/api/compounds", { name: "", households: -1, buildYear: 1990, colour: "red", geometry });
    expectProblem(res, 400, "households");
    expect(res.body.code).toBe("validation");
    expect(field(res, "households")).toMatchObject({ code: "too_small", params: { minimum: 0, origin: "number" } });
    expect(typeof field(res, "households").reason).toBe("string");
    expect(field(res, "name")).toMatchObject({ code: "too_small", params: { minimum: 1, origin: "string" } });
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: "unrecognized_keys", params: { keys: "colour" } })]));
  });

  it("a number where text belongs is invalid_type with what was expected; a wrong enum value lists the allowed ones", async () => {
    const res = await send(staff, "post", "/api/scenarios", { name: 5, changes: { facilities: [], gates: [] } });
    expectProblem(res, 400, "name");
    expect(field(res, "name")).toMatchObject({ code: "invalid_type", params: { expected: "string" } });
  });

  it("query parameters: an unknown one is unrecognized_keys, an unknown subdistrict unknown_subdistrict, a bad id invalid_id", async () => {
    const unknown = await request(city.app).get("/api/compounds?colour=red");
    expectProblem(unknown, 400, "colour");
    expect(field(unknown, "colour")).toMatchObject({ code: "unrecognized_keys", params: { keys: "colour" } });
    const sub = await request(city.app).get(`/api/compounds?subdistrict=${encodeURIComponent("没有这个街道")}`);
    expectProblem(sub, 400, "subdistrict");
    expect(field(sub, "subdistrict")).toMatchObject({ code: "unknown_subdistrict", params: { value: "没有这个街道" } });
    const id = await request(city.app).get("/api/compounds/abc");
    expectProblem(id, 400, "id");
    expect(field(id, "id")).toMatchObject({ code: "invalid_id", params: { value: "abc" } });
  });

  it("a too short password is password_too_short with its minimum", async () => {
    const res = await send(admin, "post", "/api/users", { name: `short-${Date.now()}`, role: "staff", password: "abc" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation");
    expect(field(res, "password")).toMatchObject({ code: "password_too_short", params: { minimum: 10 } });
  });
});

describe("the services' own checks carry codes and their numbers", () => {
  it("placing, dating and listing: unit_required, outside_compound, gate_off_boundary, date_order, duplicate", async () => {
    // A 50 m square compound of its own (about 0.0005° a side).
    const geometry = rectangle(114.6421, 33.6221, 114.6426, 33.6226);
    const compound = await send(planner, "post", "/api/compounds", { name: "规则测试小区", households: 40, geometry }).expect(201);
    const cid = compound.body.id;
    try {
      const elevator = await send(planner, "post", `/api/compounds/${cid}/items`, { kind: "elevator", quantity: 1 });
      expectProblem(elevator, 400);
      expect(field(elevator, "buildingId")).toMatchObject({ code: "unit_required", params: { kind: "elevator" } });
      // 0.002° east of the square is about 186 m outside it.
      const far = await send(planner, "post", `/api/compounds/${cid}/items`, {
        kind: "charging_pile",
        quantity: 1,
        geometry: { type: "Point", coordinates: [114.6446, 33.6223] },
      });
      expectProblem(far, 400);
      const outside = field(far, "geometry");
      expect(outside).toMatchObject({ code: "outside_compound", params: { limit: ITEM_MAX_OUTSIDE_M } });
      expect(Number(outside.params.distance)).toBeGreaterThan(150);
      const gate = await send(planner, "post", `/api/compounds/${cid}/gates`, { geometry: { type: "Point", coordinates: [114.6436, 33.6223] } });
      expectProblem(gate, 400);
      expect(field(gate, "geometry")).toMatchObject({ code: "gate_off_boundary", params: { limit: GATE_MAX_OFFSET_M } });
      const v = compound.body.properties.version;
      await send(planner, "post", `/api/compounds/${cid}/status`, { to: "planned", planYear: 2026, version: v }).expect(200);
      await send(planner, "post", `/api/compounds/${cid}/status`, { to: "started", on: "2026-05-01", version: v + 1 }).expect(200);
      const early = await send(planner, "post", `/api/compounds/${cid}/status`, { to: "completed", on: "2026-04-01", version: v + 2 });
      expectProblem(early, 400);
      expect(field(early, "on")).toMatchObject({ code: "date_order", params: { value: "2026-04-01", earlier: "2026-05-01" } });
      const twice = await send(planner, "post", `/api/compounds/${cid}/items/status`, {
        to: "started",
        items: [
          { id: 1, version: 1 },
          { id: 1, version: 1 },
        ],
      });
      expectProblem(twice, 400);
      expect(field(twice, "items[1].id")).toMatchObject({ code: "duplicate", params: { at: "items[0]" } });
    } finally {
      await city.db.knex("compounds").where({ id: cid }).del();
    }
  });

  it("scenarios: nothing_to_change, unknown_category", async () => {
    const created = await send(staff, "post", "/api/scenarios", { name: "规则测试", changes: { facilities: [], gates: [] } }).expect(201);
    scenarios.push(created.body.id);
    const empty = await send(staff, "patch", `/api/scenarios/${created.body.id}`, { version: 1 });
    expectProblem(empty, 400);
    expect(empty.body.errors[0]).toMatchObject({ code: "nothing_to_change" });
    const unknown = await send(staff, "patch", `/api/scenarios/${created.body.id}`, {
      version: 1,
      changes: { facilities: [{ key: "a", action: "add", category: "casino", lonLat: [114.64, 33.62] }], gates: [] },
    });
    expectProblem(unknown, 400);
    expect(field(unknown, "changes.facilities[0].category")).toMatchObject({ code: "unknown_category", params: { value: "casino" } });
  });
});

describe("404, 409, 401 and 403 carry codes", () => {
  it("a missing compound is not_found naming the entity and id; an unknown route route_not_found", async () => {
    const res = await request(city.app).get("/api/compounds/999999999");
    expectProblem(res, 404);
    expect(res.body).toMatchObject({ code: "not_found", params: { entity: "compound", id: 999999999 } });
    expect(res.body.detail).toContain("does not exist");
    const route = await request(city.app).get("/api/no-such-thing");
    expectProblem(route, 404);
    expect(route.body).toMatchObject({ code: "route_not_found", params: { method: "GET", path: "/api/no-such-thing" } });
  });

  it("a stale version is version_conflict with both versions; a taken user name name_taken", async () => {
    const created = await send(staff, "post", "/api/scenarios", { name: "代码测试", changes: { facilities: [], gates: [] } }).expect(201);
    scenarios.push(created.body.id);
    await send(staff, "patch", `/api/scenarios/${created.body.id}`, { name: "代码测试 2", version: 1 }).expect(200);
    const stale = await send(staff, "patch", `/api/scenarios/${created.body.id}`, { name: "代码测试 3", version: 1 });
    expectProblem(stale, 409);
    expect(stale.body).toMatchObject({ code: "version_conflict", params: { entity: "scenario", id: created.body.id, version: 2, sent: 1 } });
    const taken = await send(admin, "post", "/api/users", { name: planner.user.name, role: "staff", password: "a long enough password" });
    expectProblem(taken, 409);
    expect(taken.body).toMatchObject({ code: "name_taken", params: { name: planner.user.name } });
  });

  it("anonymous writes are unauthorized, a missing CSRF token csrf, the wrong role wrong_role", async () => {
    const anon = await request(city.app).post("/api/compounds").send({});
    expectProblem(anon, 401);
    expect(anon.body.code).toBe("unauthorized");
    const noToken = await planner.agent.post("/api/compounds").send({});
    expectProblem(noToken, 403);
    expect(noToken.body.code).toBe("csrf");
    const role = await send(staff, "post", "/api/compounds", {});
    expectProblem(role, 403);
    expect(role.body).toMatchObject({ code: "wrong_role", params: { roles: expect.stringContaining("planner"), role: "staff" } });
  });

  it("malformed JSON is bad_request", async () => {
    const res = await planner.agent.post("/api/compounds").set("X-CSRF-Token", planner.csrf).set("Content-Type", "application/json").send("{not json");
    expectProblem(res, 400);
    expect(res.body.code).toBe("bad_request");
  });
});

describe("the workflow's conflicts name the entity and the states", () => {
  it("a stale compound or item edit is version_conflict naming the entity, as for scenarios", async () => {
    const geometry = rectangle(114.6411, 33.6211, 114.6416, 33.6216);
    const compound = await send(planner, "post", "/api/compounds", { name: "版本测试小区", households: 40, geometry }).expect(201);
    const cid = compound.body.id;
    try {
      const v = compound.body.properties.version;
      await send(planner, "patch", `/api/compounds/${cid}`, { name: "版本测试小区 2", version: v }).expect(200);
      const stale = await send(planner, "patch", `/api/compounds/${cid}`, { name: "版本测试小区 3", version: v });
      expectProblem(stale, 409);
      expect(stale.body).toMatchObject({ code: "version_conflict", params: { entity: "compound", id: cid, version: v + 1, sent: v } });
      const placed = await send(planner, "post", `/api/compounds/${cid}/items`, { kind: "charging_pile", quantity: 1 }).expect(201);
      const item = placed.body.renovationItems[0];
      const iv = item.properties.version;
      await send(planner, "patch", `/api/items/${item.id}`, { quantity: 2, version: iv }).expect(200);
      const staleItem = await send(planner, "patch", `/api/items/${item.id}`, { quantity: 3, version: iv });
      expectProblem(staleItem, 409);
      expect(staleItem.body).toMatchObject({ code: "version_conflict", params: { entity: "renovation_item", id: item.id, version: iv + 1, sent: iv } });
      const staleBulk = await send(planner, "post", `/api/compounds/${cid}/items/status`, { to: "started", items: [{ id: item.id, version: iv }] });
      expectProblem(staleBulk, 409);
      expect(staleBulk.body).toMatchObject({ code: "version_conflict", params: { entity: "renovation_item", id: item.id, version: iv + 1, sent: iv } });
    } finally {
      await city.db.knex("compounds").where({ id: cid }).del();
    }
  });

  it("a status move the workflow does not allow is status_transition with from, to and where it can go", async () => {
    // A compound of its own, away from the other tests' squares; it starts unlisted.
    const geometry = rectangle(114.6401, 33.6201, 114.6406, 33.6206);
    const compound = await send(planner, "post", "/api/compounds", { name: "代码测试小区", households: 40, geometry }).expect(201);
    const cid = compound.body.id;
    try {
      const version = (await city.db.knex("compounds").where({ id: cid }).first("version")).version;
      const skip = await send(planner, "post", `/api/compounds/${cid}/status`, { to: "completed", version });
      expectProblem(skip, 409);
      expect(skip.body).toMatchObject({
        code: "status_transition",
        params: { entity: "compound", id: cid, from: "unlisted", to: "completed", next: "planned" },
      });
      const placed = await send(planner, "post", `/api/compounds/${cid}/items`, {
        kind: "charging_pile",
        quantity: 1,
        geometry: { type: "Point", coordinates: [114.6403, 33.6203] },
      }).expect(201);
      const item = placed.body.renovationItems[0];
      const jump = await send(planner, "post", `/api/items/${item.id}/status`, { to: "completed", version: item.properties.version });
      expectProblem(jump, 409);
      expect(jump.body).toMatchObject({
        code: "status_transition",
        params: { entity: "renovation_item", id: item.id, from: "planned", to: "completed", next: "started,cancelled" },
      });
      // A completed item can go nowhere: a bulk move of it alone moves nothing.
      await city.db.knex("renovation_items").where({ id: item.id }).update({ status: "completed" });
      const none = await send(planner, "post", `/api/compounds/${cid}/items/status`, {
        to: "started",
        items: [{ id: item.id, version: item.properties.version }],
      });
      expectProblem(none, 409);
      expect(none.body).toMatchObject({ code: "no_item_can_move", params: { entity: "renovation_item", count: 1, to: "started" } });
    } finally {
      await city.db.knex("compounds").where({ id: cid }).del();
    }
  });
});
