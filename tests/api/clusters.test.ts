import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../server/import/table.js";
import { readCityFile, setUpTestApp, auditRows } from "../helpers/db.js";
import { signedIn, send, type Agent } from "../helpers/auth.js";
import { checkCluster, describeCluster, type ClusterCompound } from "../../web/src/analysis/cluster.js";
import { decodeWalkGraph } from "../../web/src/analysis/walk-graph.js";
import { binary } from "../helpers/http.js";

// 片区 clusters: saved through the API (versioned, audited, one cluster per compound), read by the
// public once past draft, checked against the rules of geodata/clusters.json (warnings, never
// refusals), summed up in the cluster sheet and exported. Expected figures come from SQL written
// here, independently of server/db/clusters.ts.

const city = setUpTestApp();
let admin: Agent;
let planner: Agent;
let staff: Agent;
const created: number[] = [];
const createdItems: number[] = [];

const rules = readCityFile<{
  minHouseholds: number;
  maxHouseholds: number;
  maxSpanM: number;
  detourFactor: number;
  adjacencyM: number;
  residentsPerHousehold: number;
  parkingPerHousehold: number;
  chargingShareTarget: number;
  householdsPerChargingShed: number;
  elevatorMinFloors: number;
}>("../clusters.json");
const costs = readCityFile<{ subsidies: { elevatorPerUnitYuan: number }; items: Array<{ kind: string; unitCostYuan: number }> }>("../costs.json");

// Compounds of the demo city. Each describe uses its own, so no test depends on another's cluster.
/** Three neighbours (footprints within a few metres), 2,970 households: a valid cluster. */
const LIFECYCLE = [1, 3, 4];
/** Compounds with elevator, parking and charging items, some placed on the map. */
const SHEET = [2, 84, 85, 88, 131];
/** Two compounds far apart (about 2.9 km). */
const FAR_APART = [5, 52];
/** The smallest compound of the demo city (60 households). */
const TINY = [188];
/** For the one-cluster-per-compound rule. */
const TAKEN = [6, 7];
/** Three neighbours, 1,701 households: no warnings. */
const NEIGHBOURS = [12, 13, 14];
/** Two compounds 52 m apart that face the same street (opposite sides of it). */
const FACING = [39, 43];
/** Members of the draft and of the published cluster of the permission tests. */
const DRAFT = [9];
const PUBLISHED = [8];

/** Save a cluster, expecting 201; remembered for clean-up. */
async function createCluster(who: Agent, body: Record<string, unknown>) {
  const res = await send(who, "post", "/api/clusters", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  created.push(res.body.id);
  return res;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

beforeAll(async () => {
  [admin, planner, staff] = await Promise.all((["admin", "planner", "staff"] as const).map((role) => signedIn(city.app, city.db.knex, role)));
});

afterAll(async () => {
  // Leave the shared (server) database as the demo city was.
  if (created.length) await city.db.knex("clusters").whereIn("id", created).del();
  if (createdItems.length) await city.db.knex("renovation_items").whereIn("id", createdItems).del();
});

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: one cluster's create, read, patch and delete in order
describe("a cluster's life", () => {
  let id: number;

  it("is created by a planner: 201 with members, outline and no warnings, and audited", async () => {
    const res = await createCluster(planner, { name: "  人民路片区  ", planYear: 2026, notes: "拆墙并院", memberIds: [4, 1, 3] });
    id = res.body.id;
    expect(res.headers.location).toBe(`/api/clusters/${id}`);
    const {
      rows: [hh],
    } = await city.db.knex.raw("SELECT sum(households)::int AS n FROM compounds WHERE id IN (1, 3, 4)");
    expect(res.body).toMatchObject({
      name: "人民路片区",
      planYear: 2026,
      notes: "拆墙并院",
      status: "draft",
      version: 1,
      memberIds: LIFECYCLE,
      memberCount: 3,
      households: hh.n,
      contiguous: true,
      warnings: [],
      createdBy: { id: planner.user.id, name: planner.user.name },
    });
    expect(res.body.members.map((m: any) => m.id)).toEqual(LIFECYCLE);
    expect(res.body.members[0]).toMatchObject({ id: 1, name: expect.any(String), households: expect.any(Number), status: expect.any(String) });

    const audit = await auditRows(city.db.knex, "cluster", id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", user_name: planner.user.name, before: null });
    expect(audit[0].after).toMatchObject({ id, name: "人民路片区", version: 1, status: "draft", memberIds: LIFECYCLE, created_by: planner.user.id });
  });

  it("has an outline that covers every member and fills the streets between them in one piece", async () => {
    const res = await planner.agent.get(`/api/clusters/${id}`).expect(200);
    const outline = res.body.outline;
    expect(outline.type).toBe("MultiPolygon");
    expect(outline.coordinates).toHaveLength(1);
    const {
      rows: [check],
    } = await city.db.knex.raw(
      `
      WITH o AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(?), 4326) AS g)
      SELECT bool_and(ST_Covers(ST_Buffer(o.g::geography, 0.5)::geometry, c.geom)) AS covers,
             ST_Area(o.g::geography) AS outline_m2, sum(ST_Area(c.geom::geography)) AS members_m2,
             max(ST_Distance(ST_Boundary(o.g)::geography, ST_Boundary(c.geom)::geography)) AS max_gap
      FROM o, compounds c WHERE c.id IN (1, 3, 4) GROUP BY o.g`,
      [JSON.stringify(outline)],
    );
    expect(check.covers).toBe(true);
    // The streets between the members are in it, but it is not a convex blob.
    expect(Number(check.outline_m2)).toBeGreaterThan(Number(check.members_m2));
    expect(Number(check.outline_m2)).toBeLessThan(Number(check.members_m2) * 1.5);
  });

  it("is listed and read back whole by signed-in users", async () => {
    const list = await staff.agent.get("/api/clusters").expect(200);
    const mine = list.body.clusters.find((c: any) => c.id === id);
    expect(mine).toMatchObject({ id, name: "人民路片区", status: "draft", memberIds: LIFECYCLE, memberCount: 3, notes: "拆墙并院", version: 1 });
    expect(mine.bbox).toHaveLength(4);
    expect(mine.outline).toBeUndefined();
    const withOutline = await staff.agent.get("/api/clusters?outline=true").expect(200);
    expect(withOutline.body.clusters.find((c: any) => c.id === id).outline.type).toBe("MultiPolygon");
    await planner.agent.get("/api/clusters?outline=maybe").expect(400);
    await planner.agent.get("/api/clusters/99999999").expect(404);
    expect((await planner.agent.get("/api/clusters/abc")).body.errors[0].name).toBe("id");
  });

  it("is patched with the current version; a stale version is a 409 that changes nothing", async () => {
    const ok = await send(planner, "patch", `/api/clusters/${id}`, { name: "人民路东片区", status: "planned", version: 1 }).expect(200);
    expect(ok.body).toMatchObject({ id, name: "人民路东片区", status: "planned", planYear: 2026, notes: "拆墙并院", version: 2, memberIds: LIFECYCLE });

    const stale = await send(planner, "patch", `/api/clusters/${id}`, { name: "过期的修改", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.headers["content-type"]).toMatch(/problem\+json/);
    expect(stale.body.detail).toMatch(/version 2/);
    expect(await city.db.knex("clusters").where({ id }).first("name", "version")).toEqual({ name: "人民路东片区", version: 2 });

    const members = await send(admin, "patch", `/api/clusters/${id}`, { memberIds: [1, 3], notes: null, version: 2 }).expect(200);
    expect(members.body).toMatchObject({ memberIds: [1, 3], memberCount: 2, notes: null, version: 3 });
    expect((await city.db.knex("cluster_members").where({ cluster_id: id }).orderBy("compound_id").pluck("compound_id")).map(Number)).toEqual([1, 3]);

    expect((await send(planner, "patch", `/api/clusters/${id}`, { version: 3 })).status).toBe(400);
    expect((await send(planner, "patch", `/api/clusters/${id}`, { status: "cancelled", version: 3 })).body.errors[0].name).toBe("status");
    expect((await send(planner, "patch", `/api/clusters/${id}`, { memberIds: [], version: 3 })).body.errors[0].name).toBe("memberIds");
    expect((await send(planner, "patch", `/api/clusters/${id}`, { memberIds: [1, 3, 1], version: 3 })).body.errors[0]).toEqual({
      name: "memberIds[2]",
      reason: "compound 1 is already listed at memberIds[0]",
      code: "duplicate",
      params: { at: "memberIds[0]" },
    });

    const audit = await auditRows(city.db.knex, "cluster", id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "update"]);
    expect(audit[1].before).toMatchObject({ name: "人民路片区", status: "draft", version: 1 });
    expect(audit[1].after).toMatchObject({ name: "人民路东片区", status: "planned", version: 2 });
    expect(audit[2].before).toMatchObject({ memberIds: LIFECYCLE, notes: "拆墙并院" });
    expect(audit[2].after).toMatchObject({ memberIds: [1, 3], notes: null, version: 3 });

    const viaApi = await admin.agent.get(`/api/audit?entity=cluster&entity_id=${id}`).expect(200);
    expect(viaApi.body.entries.map((e: any) => e.action)).toEqual(["update", "update", "create"]);
  });

  it("is deleted with ?version=N (missing → 400, stale → 409), 204, audited; its compounds stay", async () => {
    await send(planner, "delete", `/api/clusters/${id}`).expect(400);
    await send(planner, "delete", `/api/clusters/${id}?version=2`).expect(409);
    await send(planner, "delete", `/api/clusters/${id}?version=3`).expect(204);
    expect(await city.db.knex("clusters").where({ id }).first()).toBeUndefined();
    expect(await city.db.knex("cluster_members").where({ cluster_id: id }).first()).toBeUndefined();
    expect(Number((await city.db.knex("compounds").whereIn("id", LIFECYCLE).count({ n: "*" }))[0].n)).toBe(3);
    await planner.agent.get(`/api/clusters/${id}`).expect(404);
    await send(planner, "delete", `/api/clusters/${id}?version=3`).expect(404);
    const audit = await auditRows(city.db.knex, "cluster", id);
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "update", "delete"]);
    expect(audit[3]).toMatchObject({ user_name: planner.user.name, after: null });
    expect(audit[3].before).toMatchObject({ id, name: "人民路东片区", version: 3, memberIds: [1, 3] });
  });
});

describe("who may do what", () => {
  let draftId: number;
  let plannedId: number;

  beforeAll(async () => {
    draftId = (await createCluster(admin, { name: "草稿片区", notes: "内部备注", memberIds: DRAFT })).body.id;
    plannedId = (await createCluster(admin, { name: "公示片区", planYear: 2027, status: "planned", notes: "内部备注", memberIds: PUBLISHED })).body.id;
  });

  it("answers 401 to anonymous writes and changes nothing", async () => {
    const anon = request(city.app);
    const before = await city.db.knex("clusters").where({ id: plannedId }).first();
    const count = Number((await city.db.knex("clusters").count({ n: "*" }))[0].n);
    for (const res of [
      await anon.post("/api/clusters").send({ name: "匿名", memberIds: [TAKEN[0]] }),
      await anon.patch(`/api/clusters/${plannedId}`).send({ name: "匿名改", version: 1 }),
      await anon.delete(`/api/clusters/${plannedId}?version=1`),
      await anon.post("/api/clusters/sheet").send({ memberIds: [1] }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
    expect(Number((await city.db.knex("clusters").count({ n: "*" }))[0].n)).toBe(count);
    expect(await city.db.knex("clusters").where({ id: plannedId }).first()).toEqual(before);
  });

  it("answers 403 to staff writing, but lets staff read everything and work out a sheet", async () => {
    for (const res of [
      await send(staff, "post", "/api/clusters", { name: "街道的", memberIds: [TAKEN[0]] }),
      await send(staff, "patch", `/api/clusters/${plannedId}`, { name: "街道改", version: 1 }),
      await send(staff, "delete", `/api/clusters/${plannedId}?version=1`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
    expect((await auditRows(city.db.knex, "cluster", plannedId)).map((a) => a.action)).toEqual(["create"]);
    await staff.agent.get(`/api/clusters/${draftId}`).expect(200);
    await staff.agent.get(`/api/clusters/${draftId}/sheet`).expect(200);
    await send(staff, "post", "/api/clusters/sheet", { memberIds: [1] }).expect(200);
  });

  it("needs the CSRF header for writes", async () => {
    expect((await (planner.agent as any).post("/api/clusters").send({ name: "无令牌", memberIds: [TAKEN[0]] })).status).toBe(403);
  });

  it("shows the public published clusters only, without notes, versions or warnings", async () => {
    const anon = request(city.app);
    const list = await anon.get("/api/clusters").expect(200);
    const ids = list.body.clusters.map((c: any) => c.id);
    expect(ids).toContain(plannedId);
    expect(ids).not.toContain(draftId);
    const { rows } = await city.db.knex.raw("SELECT id FROM clusters WHERE status = 'draft'");
    for (const r of rows) expect(ids).not.toContain(Number(r.id));
    const published = list.body.clusters.find((c: any) => c.id === plannedId);
    expect(published).toMatchObject({ id: plannedId, name: "公示片区", planYear: 2027, status: "planned", memberIds: PUBLISHED });
    for (const hidden of ["notes", "version", "createdBy", "createdAt"]) expect(published).not.toHaveProperty(hidden);

    const one = await anon.get(`/api/clusters/${plannedId}`).expect(200);
    expect(one.body.outline.type).toBe("MultiPolygon");
    for (const hidden of ["notes", "version", "createdBy", "warnings"]) expect(one.body).not.toHaveProperty(hidden);
    await anon.get(`/api/clusters/${plannedId}/sheet`).expect(200);
    await anon.get(`/api/clusters/${plannedId}/export.csv`).expect(200);

    // A draft is as good as missing to the public.
    await anon.get(`/api/clusters/${draftId}`).expect(404);
    await anon.get(`/api/clusters/${draftId}/sheet`).expect(404);
    await anon.get(`/api/clusters/${draftId}/export.geojson`).expect(404);
  });
});

describe("one cluster per compound", () => {
  it("refuses (400, naming the compound and its cluster) a compound already in another cluster, on create and on patch", async () => {
    const first = await createCluster(planner, { name: "先到片区", memberIds: [TAKEN[0]] });
    const {
      rows: [c],
    } = await city.db.knex.raw("SELECT name FROM compounds WHERE id = ?", [TAKEN[0]]);
    const count = Number((await city.db.knex("clusters").count({ n: "*" }))[0].n);

    const res = await send(planner, "post", "/api/clusters", { name: "后到片区", memberIds: [TAKEN[1], TAKEN[0]] });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.body.errors).toEqual([
      {
        name: "memberIds[1]",
        reason: expect.stringContaining(`compound ${TAKEN[0]} (${c.name}) is already in cluster ${first.body.id} (先到片区)`),
        code: "in_other_cluster",
        params: { id: TAKEN[0], compound: c.name, clusterId: first.body.id, cluster: "先到片区" },
      },
    ]);
    expect(Number((await city.db.knex("clusters").count({ n: "*" }))[0].n)).toBe(count);

    const second = await createCluster(planner, { name: "后到片区", memberIds: [TAKEN[1]] });
    const patch = await send(planner, "patch", `/api/clusters/${second.body.id}`, { memberIds: [TAKEN[1], TAKEN[0]], name: "抢地盘", version: 1 });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].name).toBe("memberIds[1]");
    expect(await city.db.knex("clusters").where({ id: second.body.id }).first("name", "version")).toEqual({ name: "后到片区", version: 1 });
    expect((await auditRows(city.db.knex, "cluster", second.body.id)).map((a) => a.action)).toEqual(["create"]);

    // Re-saving a cluster with its own members is fine.
    await send(planner, "patch", `/api/clusters/${first.body.id}`, { memberIds: [TAKEN[0]], version: 1 }).expect(200);

    // The sheet of an unsaved selection warns instead.
    const sheet = await send(planner, "post", "/api/clusters/sheet", { memberIds: [TAKEN[1], TAKEN[0]], clusterId: second.body.id }).expect(200);
    expect(sheet.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: "in_other_cluster",
          memberships: [{ compoundId: TAKEN[0], compoundName: c.name, clusterId: first.body.id, clusterName: "先到片区" }],
        }),
      ]),
    );
  });

  it("refuses compounds that do not exist, naming each", async () => {
    const res = await send(planner, "post", "/api/clusters", { name: "幽灵片区", memberIds: [1, 99999998, 99999999] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { name: "memberIds[1]", reason: "compound 99999998 does not exist", code: "unknown_compound", params: { id: 99999998 } },
      { name: "memberIds[2]", reason: "compound 99999999 does not exist", code: "unknown_compound", params: { id: 99999999 } },
    ]);
    expect((await send(planner, "post", "/api/clusters/sheet", { memberIds: [99999999] })).body.errors[0].name).toBe("memberIds[0]");
    expect((await send(planner, "post", "/api/clusters", { name: "空", memberIds: [] })).body.errors[0].name).toBe("memberIds");
    expect((await send(planner, "post", "/api/clusters", { name: "  ", memberIds: [1] })).body.errors[0].name).toBe("name");
  });
});

describe("one cluster check for the server and the planner", () => {
  it("serves the rules of geodata/clusters.json, the same ones the server's warnings use", async () => {
    const res = await request(city.app).get("/api/clusters/rules").expect(200);
    expect(res.body).toEqual(rules);
  });

  it("gives the span and warnings the planner's engine gives on the walk graph, gates and rules the API serves", async () => {
    // What the planner has in the browser: the walk graph, the gates, the footprints' boxes, the rules.
    const net = await request(city.app).get("/api/network/walk").buffer(true).parse(binary).expect(200);
    const graph = decodeWalkGraph(new Uint8Array(net.body));
    const gates = (await request(city.app).get("/api/gates").expect(200)).body.features as Array<{
      properties: { compoundId: number };
      geometry: { coordinates: [number, number] };
    }>;
    const served = (await request(city.app).get("/api/clusters/rules").expect(200)).body;
    const limits = {
      minHouseholds: served.minHouseholds,
      maxHouseholds: served.maxHouseholds,
      maxSpanM: served.maxSpanM,
      detourFactor: served.detourFactor,
      walkGraph: graph,
    };
    for (const ids of [FAR_APART, NEIGHBOURS, TINY, [...NEIGHBOURS, 52]]) {
      const { rows } = await city.db.knex.raw(
        `
        SELECT id, households, (ST_XMin(geom) + ST_XMax(geom)) / 2 AS lon, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS lat
        FROM compounds WHERE id = ANY(?::int[])`,
        [ids],
      );
      const compounds: ClusterCompound[] = rows.map((r: any) => ({
        id: r.id,
        households: r.households,
        centroid: [Number(r.lon), Number(r.lat)],
        gates: gates.filter((g) => g.properties.compoundId === r.id).map((g) => g.geometry.coordinates),
      }));
      const res = await send(planner, "post", "/api/clusters/sheet", { memberIds: ids }).expect(200);
      const adjacency = (res.body.groups as number[][]).flatMap((g) => g.slice(1).map((b) => ({ a: g[0], b })));
      expect(res.body.spanM, `span of ${ids}`).toBeCloseTo(describeCluster(ids, compounds, limits).spanM, 1);
      expect(res.body.warnings, `warnings of ${ids}`).toEqual(JSON.parse(JSON.stringify(checkCluster(ids, compounds, adjacency, limits))));
    }
  });

  it("measures span on foot: never shorter than the straight line between the two footprints", async () => {
    const {
      rows: [d],
    } = await city.db.knex.raw(
      "SELECT ST_Distance(a.geom::geography, b.geom::geography) AS m FROM compounds a, compounds b WHERE a.id = ? AND b.id = ?",
      FAR_APART,
    );
    const res = await send(planner, "post", "/api/clusters/sheet", { memberIds: FAR_APART }).expect(200);
    expect(res.body.spanM).toBeGreaterThan(Number(d.m));
    expect(res.body.warnings.find((w: any) => w.code === "span_too_long")).toMatchObject({ value: res.body.spanM, limit: rules.maxSpanM, ids: FAR_APART });
  });
});

describe("warnings, not refusals", () => {
  it("a cluster too small to carry a property service", async () => {
    const res = await send(planner, "post", "/api/clusters/sheet", { memberIds: TINY }).expect(200);
    const {
      rows: [hh],
    } = await city.db.knex.raw("SELECT households FROM compounds WHERE id = ?", [TINY[0]]);
    expect(hh.households).toBeLessThan(rules.minHouseholds);
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: "too_few_households", value: hh.households, limit: rules.minHouseholds })]);
    expect(res.body.contiguous).toBe(true);
  });

  it("members that do not touch, spread wider than the span limit; saved all the same", async () => {
    const {
      rows: [d],
    } = await city.db.knex.raw(
      "SELECT ST_Distance(a.geom::geography, b.geom::geography) AS m FROM compounds a, compounds b WHERE a.id = ? AND b.id = ?",
      FAR_APART,
    );
    expect(Number(d.m)).toBeGreaterThan(rules.maxSpanM);
    const res = await createCluster(planner, { name: "飞地片区", memberIds: FAR_APART });
    expect(res.body.contiguous).toBe(false);
    expect(res.body.spanM).toBeGreaterThanOrEqual(Number(d.m));
    expect(res.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "not_contiguous", groups: [[FAR_APART[0]], [FAR_APART[1]]] }),
        expect.objectContaining({ code: "span_too_long", limit: rules.maxSpanM }),
      ]),
    );
    expect(res.body.outline.coordinates.length).toBeGreaterThanOrEqual(2);
    const sheet = await planner.agent.get(`/api/clusters/${res.body.id}/sheet`).expect(200);
    expect(sheet.body.warnings.map((w: any) => w.code)).toEqual(expect.arrayContaining(["not_contiguous", "span_too_long"]));
  });

  it("compounds facing the same street count as touching, though farther apart than the distance rule", async () => {
    const {
      rows: [pair],
    } = await city.db.knex.raw(
      `
      SELECT ST_Distance(a.geom::geography, b.geom::geography) AS gap,
             (SELECT count(*) FROM walk_edges e
               WHERE e.class IN ('arterial', 'branch', 'alley', 'footway')
                 AND ST_Distance(e.geom::geography, a.geom::geography) <= 30
                 AND ST_Distance(e.geom::geography, b.geom::geography) <= 30) AS shared
      FROM compounds a, compounds b WHERE a.id = ? AND b.id = ?`,
      FACING,
    );
    expect(Number(pair.gap)).toBeGreaterThan(rules.adjacencyM);
    expect(Number(pair.shared)).toBeGreaterThan(0);
    const res = await send(planner, "post", "/api/clusters/sheet", { memberIds: FACING }).expect(200);
    expect(res.body.contiguous).toBe(true);
    expect(res.body.groups).toEqual([FACING]);
    expect(res.body.warnings.map((w: any) => w.code)).not.toContain("not_contiguous");
  });

  it("no warnings for neighbours within the limits", async () => {
    const res = await send(planner, "post", "/api/clusters/sheet", { memberIds: NEIGHBOURS }).expect(200);
    expect(res.body.warnings).toEqual([]);
    expect(res.body.groups).toEqual([NEIGHBOURS]);
    expect(res.body.spanM).toBeLessThan(rules.maxSpanM);
  });
});

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: the sheet's cases share one saved cluster built in beforeAll
describe("the cluster sheet", () => {
  let id: number;
  let sheet: any;
  let cancelledId: number;
  let placedId: number;

  beforeAll(async () => {
    // A cancelled item counts nowhere; a planned one placed on the map counts as planned.
    const {
      rows: [p],
    } = await city.db.knex.raw("SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM compounds WHERE id = ?", [SHEET[0]]);
    const building = await city.db.knex("buildings").where({ compound_id: SHEET[0] }).orderBy("id").first("id");
    const cancelled = await send(planner, "post", `/api/compounds/${SHEET[0]}/items`, {
      kind: "elevator",
      quantity: 2,
      status: "cancelled",
      buildingId: building.id,
    }).expect(201);
    cancelledId = cancelled.body.renovationItems.find((i: any) => i.properties.status === "cancelled").id;
    createdItems.push(cancelledId);
    const placed = await send(planner, "post", `/api/compounds/${SHEET[0]}/items`, {
      kind: "charging_pile",
      quantity: 3,
      notes: "片区测试",
      geometry: { type: "Point", coordinates: [Number(p.x), Number(p.y)] },
    }).expect(201);
    placedId = placed.body.renovationItems.find((i: any) => i.properties.notes === "片区测试").id;
    createdItems.push(placedId);
    id = (await createCluster(planner, { name: "测算片区", memberIds: SHEET })).body.id;
    sheet = (await planner.agent.get(`/api/clusters/${id}/sheet`).expect(200)).body;
  });

  const inList = SHEET.join(", ");

  it("households, residents, buildings and floor area", async () => {
    const {
      rows: [c],
    } = await city.db.knex.raw(`SELECT sum(households) AS hh, sum(floor_area_m2) AS fa, count(*) AS n FROM compounds WHERE id IN (${inList})`);
    const {
      rows: [b],
    } = await city.db.knex.raw(`SELECT count(b.id) AS n FROM compounds c JOIN buildings b ON b.compound_id = c.id WHERE c.id IN (${inList})`);
    expect(sheet.clusterId).toBe(id);
    expect(sheet.totals).toMatchObject({
      compounds: Number(c.n),
      households: Number(c.hh),
      buildings: Number(b.n),
      floorAreaM2: Number(c.fa),
      residents: Math.round(Number(c.hh) * rules.residentsPerHousehold),
    });
    expect(sheet.members.map((m: any) => m.id)).toEqual(SHEET);
    expect(sheet.members.reduce((s: number, m: any) => s + m.households, 0)).toBe(Number(c.hh));
  });

  it("elevator candidates by floors, with units, and what elevators for all of them would cost", async () => {
    const { rows } = await city.db.knex.raw(
      `
      SELECT floors, count(*) AS buildings, sum(units) AS units FROM buildings
      WHERE compound_id IN (${inList}) AND floors > ? - 1 AND has_elevator = false
      GROUP BY floors ORDER BY floors`,
      [rules.elevatorMinFloors],
    );
    expect(rows.length).toBeGreaterThan(1);
    expect(sheet.elevators.byFloors).toEqual(rows.map((r: any) => ({ floors: Number(r.floors), buildings: Number(r.buildings), units: Number(r.units) })));
    const units = rows.reduce((s: number, r: any) => s + Number(r.units), 0);
    expect(sheet.elevators).toMatchObject({
      minFloors: rules.elevatorMinFloors,
      candidateBuildings: rows.reduce((s: number, r: any) => s + Number(r.buildings), 0),
      candidateUnits: units,
      potential: {
        elevators: units,
        costYuan: units * costs.items.find((i) => i.kind === "elevator")!.unitCostYuan,
        subsidyYuan: units * costs.subsidies.elevatorPerUnitYuan,
      },
    });
  });

  it("parking demand against existing and planned spaces; charging piles and sheds against their targets", async () => {
    const {
      rows: [hh],
    } = await city.db.knex.raw(`SELECT sum(households) AS n FROM compounds WHERE id IN (${inList})`);
    const qty = async (kind: string, statuses: string[]) =>
      num((await city.db.knex("renovation_items").whereIn("compound_id", SHEET).where({ kind }).whereIn("status", statuses).sum({ q: "quantity" }))[0].q);
    const demand = Math.ceil(Number(hh.n) * rules.parkingPerHousehold - 1e-9);
    const parking = { existing: await qty("parking_space", ["completed"]), planned: await qty("parking_space", ["planned", "started"]) };
    expect(parking.existing).toBeGreaterThan(0);
    expect(sheet.parking).toEqual({
      perHousehold: rules.parkingPerHousehold,
      target: demand,
      ...parking,
      gap: Math.max(0, demand - parking.existing - parking.planned),
    });
    const piles = { existing: await qty("charging_pile", ["completed"]), planned: await qty("charging_pile", ["planned", "started"]) };
    expect(piles.planned).toBeGreaterThanOrEqual(3);
    const pileTarget = Math.ceil(demand * rules.chargingShareTarget - 1e-9);
    expect(sheet.charging.piles).toEqual({ target: pileTarget, ...piles, gap: Math.max(0, pileTarget - piles.existing - piles.planned) });
    const sheds = { existing: await qty("charging_shed", ["completed"]), planned: await qty("charging_shed", ["planned", "started"]) };
    const shedTarget = Math.ceil(Number(hh.n) / rules.householdsPerChargingShed - 1e-9);
    expect(sheet.charging.sheds).toEqual({ target: shedTarget, ...sheds, gap: Math.max(0, shedTarget - sheds.existing - sheds.planned) });
    expect(sheet.elevators.existing).toBe(await qty("elevator", ["completed"]));
    expect(sheet.elevators.planned).toBe(await qty("elevator", ["planned", "started"]));
  });

  it("menu items by tier with cost and subsidy; cancelled items left out", async () => {
    const { rows: byTier } = await city.db.knex.raw(`
      SELECT k.tier, count(*) AS n, sum(ri.cost_yuan) AS cost,
             sum(CASE WHEN ri.kind = 'elevator' THEN ri.quantity ELSE 0 END) AS elevators
      FROM renovation_items ri, item_kinds k
      WHERE k.kind = ri.kind AND ri.compound_id IN (${inList}) AND ri.status != 'cancelled'
      GROUP BY k.tier`);
    expect(byTier.length).toBeGreaterThan(1);
    for (const t of sheet.items.tiers) {
      const row = byTier.find((r: any) => r.tier === t.tier);
      expect(t.items).toBe(num(row?.n));
      expect(t.costYuan).toBeCloseTo(num(row?.cost), 2);
      expect(t.subsidyYuan).toBeCloseTo(num(row?.elevators) * costs.subsidies.elevatorPerUnitYuan, 2);
      expect(t.kinds.reduce((s: number, k: any) => s + k.items, 0)).toBe(t.items);
    }
    const {
      rows: [all],
    } = await city.db.knex.raw(`
      SELECT sum(cost_yuan) AS cost, sum(quantity) FILTER (WHERE kind = 'elevator') AS elevators, count(*) AS n
      FROM renovation_items WHERE compound_id IN (${inList}) AND status <> 'cancelled'`);
    expect(num(all.elevators)).toBeGreaterThan(0);
    const subsidy = num(all.elevators) * costs.subsidies.elevatorPerUnitYuan;
    expect(sheet.items).toMatchObject({ items: Number(all.n), subsidyYuan: subsidy });
    expect(sheet.items.costYuan).toBeCloseTo(num(all.cost), 2);
    expect(sheet.items.netCostYuan).toBeCloseTo(num(all.cost) - subsidy, 2);
    expect(sheet.totals).toMatchObject({ items: Number(all.n), subsidyYuan: subsidy });
    expect(sheet.totals.costYuan).toBeCloseTo(num(all.cost), 2);
    const elevator = sheet.items.tiers.flatMap((t: any) => t.kinds).find((k: any) => k.kind === "elevator");
    expect(elevator.quantity).toBe(num(all.elevators));
  });

  it("is the same for the saved cluster and for the same selection unsaved", async () => {
    const draft = await send(staff, "post", "/api/clusters/sheet", { memberIds: [...SHEET].reverse(), clusterId: id }).expect(200);
    expect({ ...draft.body, clusterId: id }).toEqual(sheet);
    expect(Number((await city.db.knex("clusters").where({ name: "测算片区" }).count({ n: "*" }))[0].n)).toBe(1);
  });

  it("exports GeoJSON: the outline, each member's footprint with its figures, and the items placed on the map", async () => {
    const res = await planner.agent.get(`/api/clusters/${id}/export.geojson`).expect(200);
    expect(res.headers["content-type"]).toMatch(/application\/geo\+json/);
    expect(res.headers["content-disposition"]).toMatch(new RegExp(`attachment; filename="?cluster-${id}-\\d{4}-\\d{2}-\\d{2}\\.geojson`));
    const fc = JSON.parse(res.text);
    const {
      rows: [placed],
    } = await city.db.knex.raw(`
      SELECT count(*) AS n FROM renovation_items WHERE compound_id IN (${inList}) AND geom IS NOT NULL AND status IN ('planned', 'started', 'completed')`);
    expect(Number(placed.n)).toBeGreaterThan(1);
    const layers = (l: string) => fc.features.filter((f: any) => f.properties.layer === l);
    expect(fc.features).toHaveLength(1 + SHEET.length + Number(placed.n));
    expect(layers("outline")).toHaveLength(1);
    expect(layers("outline")[0]).toMatchObject({ geometry: { type: "MultiPolygon" }, properties: { name: "测算片区", households: sheet.totals.households } });
    expect(layers("compound").map((f: any) => f.properties.id)).toEqual(SHEET);
    expect(layers("compound")[0].properties).toMatchObject(sheet.members[0]);
    expect(layers("item").map((f: any) => f.properties.id)).toContain(placedId);
    expect(layers("item").map((f: any) => f.properties.id)).not.toContain(cancelledId);
  });

  it("exports CSV for Excel: BOM, one row per member with its figures, formulas defused", async () => {
    await send(planner, "patch", `/api/clusters/${id}`, { name: '=HYPERLINK("http://x")', version: 1 }).expect(200);
    const res = await planner.agent.get(`/api/clusters/${id}/export.csv`).buffer(true).parse(binary).expect(200);
    expect(res.headers["content-type"]).toMatch(/text\/csv/);
    const bytes: Buffer = res.body;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parseCsv(bytes.toString("utf8").replace(/^\uFEFF/, ""));
    expect(table.rows).toHaveLength(SHEET.length);
    const col = (h: string) => table.headers.indexOf(h);
    expect(table.headers).toEqual(
      expect.arrayContaining(["clusterId", "cluster", "compoundId", "compound", "households", "parkingDemand", "costYuan", "subsidyYuan", "lon", "lat"]),
    );
    expect(table.rows.map((r) => Number(r.cells[col("compoundId")]))).toEqual(SHEET);
    expect(table.rows[0].cells[col("cluster")]).toBe('\'=HYPERLINK("http://x")');
    for (const [i, m] of sheet.members.entries()) {
      expect(Number(table.rows[i].cells[col("households")])).toBe(m.households);
      expect(Number(table.rows[i].cells[col("costYuan")])).toBeCloseTo(m.costYuan, 2);
    }
    await planner.agent.get(`/api/clusters/${id}/export.xlsx`).expect(400);
  });
});
