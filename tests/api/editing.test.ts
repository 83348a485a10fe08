import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCityFile, setUpTestApp, auditRows } from "../helpers/db.js";
import { signedIn, send, type Agent } from "../helpers/auth.js";
import { polygon, rectangle } from "../helpers/geometry.js";

const city = setUpTestApp();
let planner: Agent;
const costs = readCityFile<{
  items: Array<{ kind: string; unit: string; unitCostYuan: number }>;
  acceptance: { minSurveyedShare: number; minSatisfiedShare: number };
}>("../costs.json");
const meta = readCityFile<{ bbox: [number, number, number, number] }>("meta.json");

// A free spot inside the city: a 60 m square near the south-west corner.
const [x0, y0] = [meta.bbox[0] + 0.0005, meta.bbox[1] + 0.0005];
const d = 0.0006;
const square = rectangle(x0, y0, x0 + d, y0 + d);
const onSouthWall = { type: "Point", coordinates: [x0 + d / 2, y0] };

let compoundId: number;

beforeAll(async () => {
  planner = await signedIn(city.app, city.db.knex, "planner");
});
afterAll(async () => {
  // Leave the shared (server) database as the demo city was.
  if (compoundId) await city.db.knex("compounds").where({ id: compoundId }).del();
});

describe("editing a compound", () => {
  it("creates a compound from a GeoJSON polygon and audits it", async () => {
    const res = await send(planner, "post", "/api/compounds", { name: "测试新村", households: 120, buildYear: 1994, geometry: square }).expect(201);
    compoundId = res.body.id;
    expect(res.body.geometry.type).toBe("MultiPolygon");
    expect(res.body.properties).toMatchObject({ name: "测试新村", households: 120, status: "unlisted", version: 1 });
    // Area measured by PostGIS on the spheroid, against a flat-earth estimate of the same square.
    const expectedM2 = d * 111320 * Math.cos((y0 * Math.PI) / 180) * (d * 110574);
    expect(res.body.properties.areaM2).toBeGreaterThan(expectedM2 * 0.99);
    expect(res.body.properties.areaM2).toBeLessThan(expectedM2 * 1.01);
    const audit = await auditRows(city.db.knex, "compound", compoundId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", user_name: planner.user.name, before: null });
    expect(audit[0].after.name).toBe("测试新村");
  });

  it.each([
    ["a self-intersecting polygon", polygon([x0, y0], [x0 + d, y0 + d], [x0 + d, y0], [x0, y0 + d]), /not a valid geometry.*Self-intersection/i],
    ["a polygon outside the city", polygon([116.3, 39.9], [116.31, 39.9], [116.31, 39.91]), /outside the city's bounds/],
    ["projected (metre) coordinates", polygon([12760000, 3970000], [12760100, 3970000], [12760100, 3970100]), /lon, lat|EPSG:4326/],
    [
      "an open ring",
      {
        type: "Polygon",
        coordinates: [
          [
            [x0, y0],
            [x0 + d, y0],
            [x0 + d, y0 + d],
            [x0, y0 + d],
          ],
        ],
      },
      /ring/,
    ],
    ["a point", { type: "Point", coordinates: [x0, y0] }, /Polygon or MultiPolygon/],
  ])("refuses %s, naming the geometry, and writes nothing", async (_what, geometry, reason) => {
    const before = await city.db.knex("compounds").count({ n: "*" });
    const res = await send(planner, "post", "/api/compounds", { name: "坏小区", geometry });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    const geomErrors = res.body.errors.filter((e: any) => e.name.startsWith("geometry"));
    expect(geomErrors.length).toBeGreaterThan(0);
    expect(geomErrors.map((e: any) => e.reason).join(" ")).toMatch(reason);
    expect(await city.db.knex("compounds").count({ n: "*" })).toEqual(before);
  });

  it("refuses bad fields by name", async () => {
    const res = await send(planner, "post", "/api/compounds", { name: "", households: -5, buildYear: 1700, colour: "red", geometry: square });
    expect(res.status).toBe(400);
    const names = res.body.errors.map((e: any) => e.name);
    expect(names).toEqual(expect.arrayContaining(["name", "households", "buildYear"]));
    expect(res.body.detail).toMatch(/colour/);
  });

  it("updates with the current version, and answers 409 to a stale one without changing anything", async () => {
    const ok = await send(planner, "patch", `/api/compounds/${compoundId}`, { households: 130, tier: "complete", version: 1 }).expect(200);
    expect(ok.body.properties).toMatchObject({ households: 130, tier: "complete", version: 2 });
    const stale = await send(planner, "patch", `/api/compounds/${compoundId}`, { households: 999, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/version 2/);
    const row = await city.db.knex("compounds").where({ id: compoundId }).first("households", "version");
    expect(row).toEqual({ households: 130, version: 2 });
    const audit = await auditRows(city.db.knex, "compound", compoundId);
    expect(audit.map((a) => a.action)).toEqual(["create", "update"]);
    expect(audit[1].before.households).toBe(120);
    expect(audit[1].after.households).toBe(130);
    await send(planner, "patch", "/api/compounds/99999999", { households: 1, version: 1 }).expect(404);
  });
});

describe("gates, buildings and renovation items", () => {
  it("adds a gate on the wall and refuses one far from it", async () => {
    const res = await send(planner, "post", `/api/compounds/${compoundId}/gates`, { name: "南门", kind: "main", geometry: onSouthWall }).expect(201);
    const gate = res.body.gates.features[0];
    expect(gate.properties.name).toBe("南门");
    const far = await send(planner, "post", `/api/compounds/${compoundId}/gates`, { geometry: { type: "Point", coordinates: [x0 + d / 2, y0 - 0.001] } });
    expect(far.status).toBe(400);
    expect(far.body.errors[0]).toMatchObject({ name: "geometry" });
    expect(far.body.errors[0].reason).toMatch(/boundary.*m away/);
    const moved = await send(planner, "patch", `/api/gates/${gate.id}`, { geometry: { type: "Point", coordinates: [x0, y0 + d / 2] }, version: 1 }).expect(200);
    expect(moved.body.gates.features[0].geometry.coordinates).toEqual([x0, y0 + d / 2]);
    expect((await auditRows(city.db.knex, "gate", gate.id)).map((a) => a.action)).toEqual(["create", "update"]);
  });

  it("adds, edits and deletes a building", async () => {
    const fp = polygon([x0 + 0.0001, y0 + 0.0001], [x0 + 0.0004, y0 + 0.0001], [x0 + 0.0004, y0 + 0.0002]);
    const res = await send(planner, "post", `/api/compounds/${compoundId}/buildings`, { name: "1号楼", floors: 6, units: 3, geometry: fp }).expect(201);
    const b = res.body.buildings.features[0];
    expect(b.properties).toMatchObject({ floors: 6, units: 3, hasElevator: false, version: 1 });
    await send(planner, "patch", `/api/buildings/${b.id}`, { hasElevator: true, version: 1 }).expect(200);
    const zero = await send(planner, "patch", `/api/buildings/${b.id}`, { floors: 0, version: 2 });
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].name).toBe("floors");
    await send(planner, "delete", `/api/buildings/${b.id}?version=1`).expect(409);
    await send(planner, "delete", `/api/buildings/${b.id}?version=2`).expect(200);
    expect(await city.db.knex("buildings").where({ id: b.id }).first()).toBeUndefined();
    const audit = await auditRows(city.db.knex, "building", b.id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "delete"]);
    expect(audit[2].before.has_elevator).toBe(true);
  });

  it("adds menu items with the unit and cost from the cost table, with optional map geometry", async () => {
    const pile = costs.items.find((i) => i.kind === "charging_pile")!;
    const res = await send(planner, "post", `/api/compounds/${compoundId}/items`, {
      kind: "charging_pile",
      quantity: 3,
      geometry: { type: "Point", coordinates: [x0 + 0.0003, y0 + 0.0003] },
    }).expect(201);
    const item = res.body.renovationItems.find((i: any) => i.properties.kind === "charging_pile");
    expect(item.properties.unit).toBe(pile.unit);
    expect(item.properties.costYuan).toBe(3 * pile.unitCostYuan);
    expect(item.geometry.type).toBe("Point");
    const outside = await send(planner, "post", `/api/compounds/${compoundId}/items`, {
      kind: "charging_pile",
      quantity: 1,
      geometry: { type: "Point", coordinates: [x0 + d / 2, y0 - 0.001] },
    });
    expect(outside.status).toBe(400);
    expect(outside.body.errors[0].reason).toMatch(/must lie in its compound/);
    const bad = await send(planner, "post", `/api/compounds/${compoundId}/items`, { kind: "golden_toilet", quantity: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe("kind");
    const upd = await send(planner, "patch", `/api/items/${item.id}`, { quantity: 5, version: 1 }).expect(200);
    expect(upd.body.renovationItems.find((i: any) => i.id === item.id).properties.costYuan).toBe(5 * pile.unitCostYuan);
  });
});

describe("elevators on a building unit", () => {
  it("needs a building of the same compound and a unit it has; placed on the building without a geometry", async () => {
    const fp = rectangle(x0 + 0.0001, y0 + 0.0003, x0 + 0.0005, y0 + 0.0004);
    const withBuilding = await send(planner, "post", `/api/compounds/${compoundId}/buildings`, { name: "5号楼", floors: 6, units: 4, geometry: fp }).expect(
      201,
    );
    const building = withBuilding.body.buildings.features.find((b: any) => b.properties.name === "5号楼");
    const items = async () => (await city.db.knex("renovation_items").where({ compound_id: compoundId, kind: "elevator" }).count({ n: "*" }).first())!.n;
    const before = Number(await items());

    const none = await send(planner, "post", `/api/compounds/${compoundId}/items`, { kind: "elevator", quantity: 1 });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].name).toBe("buildingId");
    const other = await city.db.knex("buildings").whereNot({ compound_id: compoundId }).first("id");
    const foreign = await send(planner, "post", `/api/compounds/${compoundId}/items`, { kind: "elevator", quantity: 1, buildingId: other.id, buildingUnit: 1 });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0]).toMatchObject({ name: "buildingId" });
    const tooHigh = await send(planner, "post", `/api/compounds/${compoundId}/items`, {
      kind: "elevator",
      quantity: 1,
      buildingId: building.id,
      buildingUnit: 5,
    });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.errors[0]).toMatchObject({ name: "buildingUnit" });
    expect(tooHigh.body.errors[0].reason).toMatch(/4 units/);
    expect(Number(await items())).toBe(before);

    const ok = await send(planner, "post", `/api/compounds/${compoundId}/items`, {
      kind: "elevator",
      quantity: 1,
      buildingId: building.id,
      buildingUnit: 2,
    }).expect(201);
    const el = ok.body.renovationItems.find((i: any) => i.properties.kind === "elevator" && i.properties.buildingId === building.id);
    expect(el.properties.buildingUnit).toBe(2);
    // With no geometry given it stands on its building: PostGIS says the point is inside the footprint.
    const {
      rows: [inside],
    } = await city.db.knex.raw("SELECT ST_Covers(b.geom, i.geom) AS ok FROM renovation_items i JOIN buildings b ON b.id = i.building_id WHERE i.id = ?", [
      el.id,
    ]);
    expect(inside.ok).toBe(true);
    // … on its unit: unit 2 of 4 lies in the second quarter of the building's long (east-west) side.
    const [lon] = el.geometry.coordinates;
    const [wx, ex] = [x0 + 0.0001, x0 + 0.0005];
    expect(lon).toBeGreaterThan(wx + (ex - wx) / 4);
    expect(lon).toBeLessThan(wx + (ex - wx) / 2);
    // Moving it to a unit the building does not have is refused too.
    const bad = await send(planner, "patch", `/api/items/${el.id}`, { buildingUnit: 9, version: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe("buildingUnit");
  });

  it("the demo city's elevators each stand on a building unit of their own compound", async () => {
    const { rows } = await city.db.knex.raw(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE b.compound_id = i.compound_id AND i.building_unit BETWEEN 1 AND b.units)::int AS ok
      FROM renovation_items i LEFT JOIN buildings b ON b.id = i.building_id
      WHERE i.kind = 'elevator' AND i.geom IS NOT NULL`);
    expect(rows[0].n).toBeGreaterThan(0);
    expect(rows[0].ok).toBe(rows[0].n);
  });
});

describe("status changes", () => {
  const version = async () => (await city.db.knex("compounds").where({ id: compoundId }).first("version")).version as number;
  const move = async (body: Record<string, unknown>) => send(planner, "post", `/api/compounds/${compoundId}/status`, { ...body, version: await version() });

  it("serves the lifecycle the status route enforces (listed → started → completed → accepted, or withdrawn)", async () => {
    const res = await planner.agent.get("/api/compounds/statuses").expect(200);
    // The renovation lifecycle of DESIGN.md, written out here by hand.
    expect(res.body).toEqual({
      statuses: ["unlisted", "planned", "started", "completed", "accepted"],
      transitions: { unlisted: ["planned"], planned: ["started", "unlisted"], started: ["completed"], completed: ["accepted"], accepted: [] },
    });
    // From unlisted, every status the rule does not offer is refused.
    for (const to of res.body.statuses.filter((x: string) => x !== "unlisted" && !res.body.transitions.unlisted.includes(x))) {
      expect((await move({ to, on: "2025-03-01" })).status, `unlisted → ${to}`).toBe(409);
    }
  });

  it("goes planned → started → completed, refuses skips, and checks dates", async () => {
    expect((await move({ to: "started" })).status).toBe(409);
    const noYear = await move({ to: "planned" });
    expect(noYear.status).toBe(400);
    expect(noYear.body.errors[0].name).toBe("planYear");
    expect((await move({ to: "planned", planYear: 2025 })).body.properties).toMatchObject({ status: "planned", planYear: 2025 });
    expect((await move({ to: "started", on: "2025-03-01" })).body.properties).toMatchObject({ status: "started", startedOn: "2025-03-01" });
    const early = await move({ to: "completed", on: "2025-02-01" });
    expect(early.status).toBe(400);
    expect(early.body.errors[0].name).toBe("on");
    expect((await move({ to: "completed", on: "2025-09-30" })).body.properties).toMatchObject({ status: "completed", completedOn: "2025-09-30" });
  });

  it("accepts only with enough households surveyed and satisfied (422 otherwise)", async () => {
    const households = (await city.db.knex("compounds").where({ id: compoundId }).first("households")).households as number;
    const needSurveyed = Math.ceil(costs.acceptance.minSurveyedShare * households - 1e-9);
    const missing = await move({ to: "accepted", on: "2025-10-15" });
    expect(missing.status).toBe(422);
    const few = await move({ to: "accepted", on: "2025-10-15", surveyedHouseholds: needSurveyed - 1, satisfiedHouseholds: needSurveyed - 1 });
    expect(few.status).toBe(422);
    expect(few.body.detail).toMatch(/surveyed/);
    const unhappy = await move({ to: "accepted", on: "2025-10-15", surveyedHouseholds: needSurveyed, satisfiedHouseholds: Math.floor(needSurveyed * 0.85) });
    expect(unhappy.status).toBe(422);
    expect(unhappy.body.detail).toMatch(/satisfied/);
    expect((await city.db.knex("compounds").where({ id: compoundId }).first("status")).status).toBe("completed");
    const ok = await move({ to: "accepted", on: "2025-10-15", surveyedHouseholds: needSurveyed, satisfiedHouseholds: Math.ceil(needSurveyed * 0.9) });
    expect(ok.status).toBe(200);
    expect(ok.body.properties).toMatchObject({ status: "accepted", acceptedOn: "2025-10-15", surveyedHouseholds: needSurveyed });
    const statusAudit = (await auditRows(city.db.knex, "compound", compoundId)).filter((a) => a.before?.status !== a.after?.status);
    expect(statusAudit.map((a) => a.after.status)).toEqual(["unlisted", "planned", "started", "completed", "accepted"]);
  });
});

describe("the audit log", () => {
  it("is browsable and filterable by admins", async () => {
    const admin = await signedIn(city.app, city.db.knex, "admin");
    const res = await admin.agent.get(`/api/audit?entity=compound&entity_id=${compoundId}`).expect(200);
    expect(res.body.entries.length).toBeGreaterThanOrEqual(6);
    expect(res.body.entries.every((e: any) => e.entity === "compound" && e.entityId === String(compoundId))).toBe(true);
    const byUser = await admin.agent.get(`/api/audit?user=${planner.user.name}&action=delete`).expect(200);
    expect(byUser.body.entries.map((e: any) => e.entity)).toEqual(["building"]);
    const bad = await admin.agent.get("/api/audit?since=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe("since");
  });

  it("deleting a compound needs its version and is audited", async () => {
    const v = (await city.db.knex("compounds").where({ id: compoundId }).first("version")).version;
    await send(planner, "delete", `/api/compounds/${compoundId}`).expect(400);
    await send(planner, "delete", `/api/compounds/${compoundId}?version=${v}`).expect(204);
    const audit = await auditRows(city.db.knex, "compound", compoundId);
    expect(audit.at(-1)!.action).toBe("delete");
    expect(audit.at(-1)!.before.name).toBe("测试新村");
    compoundId = 0;
  });
});
