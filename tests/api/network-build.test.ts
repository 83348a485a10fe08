import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalkGraphService } from "../../server/services/network.js";
import { decodeWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { readCityFile, setUpTestApp } from "../helpers/db.js";
import { metricPlane, polygon } from "../helpers/geometry.js";
import { binary } from "../helpers/http.js";

// The walk graph is built from the streets with compound interiors left out. Checked on the demo
// city (its generator keeps streets outside compounds) and on a walled compound added east of it,
// against an independent PostGIS test of which edges lie inside a compound.

const city = setUpTestApp();

const network = readCityFile<{ nodes: Array<[number, number, number]>; edges: Array<[number, number, number, string]> }>("walk-network.json");
const meta = readCityFile<{
  bbox: [number, number, number, number];
  counts: { walkNodes: number; walkEdges: number; walkComponents: number; walkLargestComponentNodes: number };
}>("meta.json");

async function fetchGraph(): Promise<{ graph: WalkGraph; headers: Record<string, string> }> {
  const res = await request(city.app).get("/api/network/walk").buffer(true).parse(binary).expect(200);
  return { graph: decodeWalkGraph(new Uint8Array(res.body)), headers: res.headers as Record<string, string> };
}

/**
 * Edges whose midpoint lies inside a compound, clear of its boundary (more than 1 cm from it):
 * for straight edges that cross a wall at most once, the same as "more than half inside".
 * Written apart from the server's rule (which measures ST_Intersection lengths).
 */
async function edgesInsideCompounds(): Promise<number[]> {
  const { rows } = await city.db.knex.raw(`
    SELECT DISTINCT e.id::float8 AS id
    FROM walk_edges e JOIN compounds c ON ST_Within(ST_LineInterpolatePoint(e.geom, 0.5), c.geom)
    WHERE ST_Distance(ST_LineInterpolatePoint(e.geom, 0.5)::geography, ST_Boundary(c.geom)::geography) > 0.01
    ORDER BY 1`);
  return rows.map((r: { id: number }) => r.id);
}

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

describe("the demo city's walk graph", () => {
  it("keeps every street: no edge runs through a compound", async () => {
    expect(await edgesInsideCompounds()).toEqual([]);
    const { graph, headers } = await fetchGraph();
    expect(graph.edgeCount).toBe(network.edges.length);
    expect(graph.edgeCount).toBe(meta.counts.walkEdges);
    expect(graph.nodeCount).toBe(meta.counts.walkNodes);
    expect(headers["x-edge-count"]).toBe(String(meta.counts.walkEdges));
  });

  it("reports the one piece the main network does not reach: the island path in the park pond", async () => {
    const { report } = await createWalkGraphService(city.db.knex).get();
    // The API serves the same report.
    expect((await request(city.app).get("/api/network/walk/report").expect(200)).body).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.compoundInteriorEdges).toBe(0);
    expect(report.isolatedNodes).toBe(0);
    expect(report.mainNodes).toBe(meta.counts.walkLargestComponentNodes);
    expect(report.others).toHaveLength(meta.counts.walkComponents - 1);
    const island = report.others[0];
    expect(island.nodes).toBe(meta.counts.walkNodes - meta.counts.walkLargestComponentNodes);
    expect(report.mainEdges + island.edges).toBe(meta.counts.walkEdges);
    // Inside the city, and small (a pond island).
    expect(island.bbox[0]).toBeGreaterThan(meta.bbox[0]);
    expect(island.bbox[2]).toBeLessThan(meta.bbox[2]);
    expect((island.bbox[2] - island.bbox[0]) * 93_000).toBeLessThan(200);
  });
});

describe("a walled compound with streets through it and around it", () => {
  // East of the city, clear of it: a 200 × 200 m compound with its south-west corner at (0, 0)
  // (x metres east, y metres north).
  const { lonLat: ll } = metricPlane(meta.bbox[2] + 0.01, (meta.bbox[1] + meta.bbox[3]) / 2);
  const square = polygon(ll(0, 0), ll(200, 0), ll(200, 200), ll(0, 200));
  // Nodes (local numbers) and edges; `inside` is what the rule must say.
  const pts: Array<[number, number]> = [
    [-20, 100],
    [100, 100],
    [220, 100], // 0–2: a lane straight through the middle, in two edges
    [-20, -15],
    [220, -15], //             3–4: a street outside, along the south wall
    [0, 200],
    [200, 200], //               5–6: a path exactly on the north wall (shares its corners)
    [-60, 150],
    [40, 150], //              7–8: a lane poking 40 m into the compound (40 % inside)
    [-40, 50],
    [60, 50], //                9–10: a lane reaching 60 m in (60 % inside)
  ];
  const links: Array<{ a: number; b: number; inside: boolean; what: string }> = [
    { a: 0, b: 1, inside: true, what: "west half of the lane through (100 of 120 m inside)" },
    { a: 1, b: 2, inside: true, what: "east half of the lane through" },
    { a: 3, b: 4, inside: false, what: "street outside" },
    { a: 5, b: 6, inside: false, what: "path on the wall" },
    { a: 7, b: 8, inside: false, what: "lane 40 % inside" },
    { a: 9, b: 10, inside: true, what: "lane 60 % inside" },
  ];
  let nodeIds: number[] = [];
  let edgeIds: number[] = [];
  let compoundId: number | undefined;

  beforeAll(async () => {
    const node0 = Number((await city.db.knex("walk_nodes").max({ m: "id" }).first())?.m ?? 0) + 1;
    const edge0 = Number((await city.db.knex("walk_edges").max({ m: "id" }).first())?.m ?? 0) + 1;
    nodeIds = pts.map((_, i) => node0 + i);
    edgeIds = links.map((_, i) => edge0 + i);
    await city.db.knex.raw(
      `
      INSERT INTO walk_nodes (id, geom)
      SELECT (p->>0)::bigint, ST_SetSRID(ST_MakePoint((p->>1)::float8, (p->>2)::float8), 4326)
      FROM json_array_elements(?::json) AS p`,
      [JSON.stringify(pts.map(([x, y], i) => [nodeIds[i], ...ll(x, y)]))],
    );
    await city.db.knex.raw(
      `
      INSERT INTO walk_edges (id, source, target, class, length_m, geom)
      SELECT (l->>0)::bigint, a.id, b.id, 'alley', ST_Length(ST_MakeLine(a.geom, b.geom)::geography), ST_MakeLine(a.geom, b.geom)
      FROM json_array_elements(?::json) AS l
      JOIN walk_nodes a ON a.id = (l->>1)::bigint JOIN walk_nodes b ON b.id = (l->>2)::bigint`,
      [JSON.stringify(links.map((l, i) => [edgeIds[i], nodeIds[l.a], nodeIds[l.b]]))],
    );
  });
  afterAll(async () => {
    // Leave the shared (server) database as the demo city was.
    if (compoundId) await city.db.knex("compounds").where({ id: compoundId }).del();
    if (nodeIds.length) await city.db.knex("walk_nodes").whereIn("id", nodeIds).del(); // edges cascade
  });

  it("before the compound exists, every edge is in the graph", async () => {
    const { graph } = await fetchGraph();
    expect(graph.edgeCount).toBe(network.edges.length + links.length);
  });

  it("leaves out exactly the edges lying mostly inside, as PostGIS independently finds them", async () => {
    const { rows } = await city.db.knex.raw(
      "INSERT INTO compounds (name, households, geom) VALUES ('测试围墙小区', 300, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))) RETURNING id",
      [JSON.stringify(square)],
    );
    compoundId = rows[0].id;
    const expected = edgeIds.filter((_, i) => links[i].inside);
    expect(await edgesInsideCompounds(), "the independent midpoint test").toEqual(expected);

    const { graph, headers } = await fetchGraph();
    const all: number[] = (await city.db.knex("walk_edges").select(city.db.knex.raw("id::float8 AS id"))).map((r: { id: number }) => r.id);
    const left = new Set(expected);
    expect(sorted(graph.edgeIds)).toEqual(sorted(all.filter((id) => !left.has(id))));
    expect(headers["x-edge-count"]).toBe(String(network.edges.length + links.length - expected.length));
    // Nodes left without edges stay in the graph (isolated).
    expect(graph.nodeCount).toBe(network.nodes.length + pts.length);
    for (const [i, l] of links.entries()) {
      expect(graph.edgeIds.includes(edgeIds[i]), l.what).toBe(!l.inside);
    }

    const { report } = await createWalkGraphService(city.db.knex).get();
    expect(report.compoundInteriorEdges).toBe(expected.length);
    // Nodes 0, 1, 2, 9 and 10 have no usable edge left.
    expect(report.isolatedNodes).toBe(5);
    // The island path plus three two-node pieces of the fixture (outside, on the wall, poking in).
    expect(report.others.map((o) => o.nodes)).toEqual([11, 2, 2, 2]);
  });

  it("never drops a public street (arterial or branch), even through a compound", async () => {
    const through = edgeIds[links.findIndex((l) => l.inside)];
    await city.db.knex("walk_edges").where({ id: through }).update({ class: "branch" });
    try {
      const { graph } = await fetchGraph();
      expect(graph.edgeIds.includes(through)).toBe(true);
    } finally {
      await city.db.knex("walk_edges").where({ id: through }).update({ class: "alley" });
    }
    expect((await fetchGraph()).graph.edgeIds.includes(through)).toBe(false);
  });

  it("rebuilds when the compound moves away (the signature covers compounds)", async () => {
    await city.db.knex.raw("UPDATE compounds SET geom = ST_Translate(geom, 0.05, 0), version = version + 1, updated_at = now() WHERE id = ?", [compoundId!]);
    const { graph } = await fetchGraph();
    expect(graph.edgeCount).toBe(network.edges.length + links.length);
  });
});
