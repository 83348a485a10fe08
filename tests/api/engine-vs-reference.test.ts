import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { WALK_EDGES_SQL } from "../../server/db/network.js";
import { attachPoint, attachmentSources, createEdgeIndex, distanceToAttachment, type Attachment } from "../../web/src/analysis/attach.js";
import { multiSourceDijkstra } from "../../web/src/analysis/dijkstra.js";
import { decodeWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { usingServer, setUpTestApp } from "../helpers/db.js";
import { binary } from "../helpers/http.js";

// The engine's distances on the demo city's real street graph, against a reference computed
// independently: pgRouting (pgr_dijkstraCost, pgr_withPointsCost) on the server, or (embedded,
// where there is no pgRouting) a textbook O(n²) Dijkstra over the edge list read straight from
// PostGIS. Both read the walk edges through WALK_EDGES_SQL, the edge set the graph is built from
// (compound interiors left out).

const city = setUpTestApp();
let graph: WalkGraph;
beforeAll(async () => {
  const res = await request(city.app).get("/api/network/walk").buffer(true).parse(binary);
  graph = decodeWalkGraph(new Uint8Array(res.body));
});

/** Deterministic pseudo-random picks (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pgRouting's edges SQL over exactly the edges the graph is built from. */
const PGR_EDGES_SQL = `SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM (${WALK_EDGES_SQL}) w`;

type Adjacency = Map<number, Array<[number, number]>>;
const link = (adj: Adjacency, a: number, b: number, l: number) => {
  (adj.get(a) ?? adj.set(a, []).get(a)!).push([b, l]);
  (adj.get(b) ?? adj.set(b, []).get(b)!).push([a, l]);
};

/** Textbook Dijkstra: the closest unsettled node found by a linear scan of the frontier. */
function textbookDijkstra(adj: Adjacency, s: number): Map<number, number> {
  const dist = new Map<number, number>([[s, 0]]);
  const done = new Set<number>();
  const frontier = new Set<number>([s]);
  while (frontier.size) {
    let u = -1,
      best = Infinity;
    for (const v of frontier)
      if (dist.get(v)! < best) {
        best = dist.get(v)!;
        u = v;
      }
    frontier.delete(u);
    done.add(u);
    for (const [v, l] of adj.get(u) ?? []) {
      if (done.has(v)) continue;
      const nd = best + l;
      if (nd < (dist.get(v) ?? Infinity)) {
        dist.set(v, nd);
        frontier.add(v);
      }
    }
  }
  return dist;
}

async function readEdges(): Promise<Array<{ id: number; s: number; t: number; l: number }>> {
  const { rows } = await city.db.knex.raw(`SELECT id::float8 AS id, source::float8 AS s, target::float8 AS t, length_m AS l FROM (${WALK_EDGES_SQL}) w`);
  return rows;
}

async function referenceDistances(sourceIds: number[], targetIds: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (usingServer) {
    const { rows } = await city.db.knex.raw(
      `
      SELECT start_vid::float8 AS s, end_vid::float8 AS t, agg_cost AS d FROM pgr_dijkstraCost(
        ?, ?::bigint[], ?::bigint[], directed := true)`,
      [PGR_EDGES_SQL, sourceIds, targetIds],
    );
    for (const r of rows) out.set(`${r.s}:${r.t}`, r.d);
    return out;
  }
  const adj: Adjacency = new Map();
  for (const e of await readEdges()) link(adj, e.s, e.t, e.l);
  for (const s of sourceIds) {
    const dist = textbookDijkstra(adj, s);
    for (const t of targetIds) if (dist.has(t)) out.set(`${s}:${t}`, dist.get(t)!);
  }
  return out;
}

describe("engine distances on the demo city", () => {
  it(`match ${usingServer ? "pgRouting (pgr_dijkstraCost)" : "a textbook Dijkstra over PostGIS edges"} within 0.5 m for random node pairs`, async () => {
    const r = rng(20260601);
    const pick = () => Math.floor(r() * graph.nodeCount);
    const sources = Array.from({ length: 4 }, pick);
    const targets = Array.from({ length: 60 }, pick);
    const ref = await referenceDistances(
      sources.map((i) => graph.nodeIds[i]),
      targets.map((i) => graph.nodeIds[i]),
    );
    let compared = 0;
    let worst = 0;
    for (const s of sources) {
      const d = multiSourceDijkstra(graph, [{ node: s, distM: 0 }]);
      for (const t of targets) {
        const key = `${graph.nodeIds[s]}:${graph.nodeIds[t]}`;
        if (s === t) continue;
        if (!ref.has(key)) {
          expect(d[t], key).toBe(Infinity);
          continue;
        }
        worst = Math.max(worst, Math.abs(d[t] - ref.get(key)!));
        compared++;
      }
    }
    console.log(`compared ${compared} pairs; largest difference ${worst.toFixed(6)} m`);
    expect(compared).toBeGreaterThan(200);
    expect(worst).toBeLessThan(0.5);
  }, 120_000);
});

/** A point located on the network by PostGIS alone. */
interface Located {
  edgeId: number;
  fraction: number;
  connectorM: number;
}

/**
 * Where PostGIS puts each point on the network: the nearest usable edge by geography distance
 * (within 500 m, as the engine), the fraction along it located in the point's UTM zone (a
 * conformal projection, so the foot of the perpendicular is where it is on the ground), and the
 * connector as the geography distance from the point to the edge.
 */
async function locateOnNetwork(points: Array<{ key: number; lon: number; lat: number }>): Promise<Map<number, Located>> {
  const { rows } = await city.db.knex.raw(
    `
    WITH p AS (
      SELECT key, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS g,
             CASE WHEN lat >= 0 THEN 32600 ELSE 32700 END + floor((lon + 180) / 6)::int + 1 AS utm
      FROM json_to_recordset(?::json) AS x(key int, lon float8, lat float8))
    SELECT p.key, n.id::float8 AS "edgeId", n.fraction, n.conn AS "connectorM"
    FROM p CROSS JOIN LATERAL (
      SELECT u.id, ST_LineLocatePoint(ST_Transform(u.geom, p.utm), ST_Transform(p.g, p.utm)) AS fraction,
             ST_Distance(u.geom::geography, p.g::geography) AS conn
      FROM (${WALK_EDGES_SQL}) u
      WHERE u.geom && ST_Expand(p.g, 0.007)
      ORDER BY conn, u.id LIMIT 1) n
    WHERE n.conn <= 500`,
    [JSON.stringify(points)],
  );
  return new Map(rows.map((r: Located & { key: number }) => [r.key, { edgeId: r.edgeId, fraction: r.fraction, connectorM: r.connectorM }]));
}

/**
 * Reference walking distances between located points (key → key), connectors included. Server:
 * pgRouting's pgr_withPointsCost with the points given as (edge, fraction); embedded: a textbook
 * Dijkstra on the usable edges split at those fractions.
 */
async function referencePointDistances(located: Map<number, Located>, from: number[], to: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const conn = (k: number) => located.get(k)!.connectorM;
  if (usingServer) {
    // Points SQL: pid > 0; in the start and end arrays a point is its negative pid.
    const values = [...located].map(([k, p]) => `(${k}::bigint, ${p.edgeId}::bigint, ${p.fraction}::float8)`).join(", ");
    const { rows } = await city.db.knex.raw(
      `
      SELECT abs(start_pid)::float8 AS s, abs(end_pid)::float8 AS t, agg_cost AS d FROM pgr_withPointsCost(
        ?, ?, ?::bigint[], ?::bigint[], directed := true, driving_side := 'b')`,
      [PGR_EDGES_SQL, `SELECT * FROM (VALUES ${values}) AS p(pid, edge_id, fraction)`, from.map((k) => -k), to.map((k) => -k)],
    );
    for (const r of rows) out.set(`${r.s}:${r.t}`, r.d + conn(r.s) + conn(r.t));
    return out;
  }
  // Split each edge at the points on it, in order of fraction; a point's node is -key.
  const onEdge = new Map<number, Array<[number, number]>>();
  for (const [k, p] of located) (onEdge.get(p.edgeId) ?? onEdge.set(p.edgeId, []).get(p.edgeId)!).push([p.fraction, k]);
  const adj: Adjacency = new Map();
  for (const e of await readEdges()) {
    const cuts = (onEdge.get(e.id) ?? []).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let prev = e.s,
      prevF = 0;
    for (const [f, k] of cuts) {
      link(adj, prev, -k, (f - prevF) * e.l);
      prev = -k;
      prevF = f;
    }
    link(adj, prev, e.t, (1 - prevF) * e.l);
  }
  for (const s of from) {
    const dist = textbookDijkstra(adj, -s);
    for (const t of to) if (t !== s && dist.has(-t)) out.set(`${s}:${t}`, dist.get(-t)! + conn(s) + conn(t));
  }
  return out;
}

describe("facility-to-gate distances on the demo city", () => {
  it(`match ${usingServer ? "pgRouting (pgr_withPointsCost)" : "a textbook Dijkstra over PostGIS-split edges"} within 0.5 m, same-edge pairs included`, async () => {
    const categories = ["kindergarten", "pharmacy", "health_station"];
    const { rows: facilities } = await city.db.knex.raw(
      "SELECT id, category, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM amenities WHERE category = ANY(?) ORDER BY id",
      [categories],
    );
    const { rows: allGates } = await city.db.knex.raw("SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM gates ORDER BY id");
    const r = rng(20261123);
    const sample = new Set<number>();
    while (sample.size < Math.min(40, allGates.length)) sample.add(Math.floor(r() * allGates.length));
    // Keys: facilities 1…F, gates 10 000 + gate id, and for each facility a point beside its own
    // street (20 000 + facility key) so that same-edge pairs are certain to occur.
    const facPts = facilities.map((f: { lon: number; lat: number }, i: number) => ({ key: i + 1, lon: f.lon, lat: f.lat }));
    const gatePts = [...sample].sort((a, b) => a - b).map((i) => ({ key: 10_000 + allGates[i].id, lon: allGates[i].lon, lat: allGates[i].lat }));
    const facLocated = await locateOnNetwork(facPts);
    // 3 m to the left of the facility's edge, 30 % of its length away from the facility's foot.
    const { rows: beside } = await city.db.knex.raw(
      `
      WITH f AS (SELECT * FROM json_to_recordset(?::json) AS x(key int, "edgeId" float8, fraction float8)),
      q AS (
        SELECT f.key, ST_Project(
                 ST_LineInterpolatePoint(e.geom, CASE WHEN f.fraction < 0.5 THEN f.fraction + 0.3 ELSE f.fraction - 0.3 END)::geography,
                 3, ST_Azimuth(ST_StartPoint(e.geom)::geography, ST_EndPoint(e.geom)::geography) - pi() / 2)::geometry AS g
        FROM f JOIN walk_edges e ON e.id = f."edgeId")
      SELECT 20000 + key AS key, ST_X(g) AS lon, ST_Y(g) AS lat FROM q ORDER BY key`,
      [JSON.stringify([...facLocated].map(([key, p]) => ({ key, ...p })))],
    );
    const targets = [...gatePts, ...beside];
    const located = new Map([...facLocated, ...(await locateOnNetwork(targets))]);

    // The engine: its own nearest-edge search on the served graph, one search per facility.
    const ix = createEdgeIndex(graph);
    const attach = (p: { lon: number; lat: number }) => attachPoint(graph, ix, p.lon, p.lat);
    const targetAttachments = targets.map(attach);
    const engine = new Map<string, number>();
    let sameEdgePairs = 0,
      edgeChoiceDiffers = 0;
    for (const [p, a] of [...facPts, ...targets].map((q) => [q, attach(q)] as const)) {
      if (a && located.has(p.key) && graph.edgeIds[a.edge] !== located.get(p.key)!.edgeId) edgeChoiceDiffers++;
    }
    for (const fp of facPts) {
      const fa = attach(fp);
      if (!fa) continue;
      const dist = multiSourceDijkstra(graph, attachmentSources(graph, fa));
      targets.forEach((tp, j) => {
        const ta: Attachment | undefined = targetAttachments[j];
        if (!ta) return;
        let d = distanceToAttachment(graph, dist, ta);
        if (ta.edge === fa.edge) {
          // Along the shared street directly, without going round by its end nodes.
          d = Math.min(d, Math.abs(ta.t - fa.t) * graph.edgeLengthM[fa.edge] + fa.connectorM + ta.connectorM);
          sameEdgePairs++;
        }
        engine.set(`${fp.key}:${tp.key}`, d);
      });
    }

    const ref = await referencePointDistances(
      located,
      facPts.map((p: { key: number }) => p.key),
      targets.map((p) => p.key),
    );
    let compared = 0,
      worst = 0,
      worstPair = "";
    for (const fp of facPts) {
      for (const tp of targets) {
        const key = `${fp.key}:${tp.key}`;
        const e = engine.get(key);
        expect(e, `engine attached ${key}`).toBeDefined();
        if (!ref.has(key)) {
          expect(e, key).toBe(Infinity);
          continue;
        }
        const diff = Math.abs(e! - ref.get(key)!);
        if (diff > worst) {
          worst = diff;
          worstPair = key;
        }
        compared++;
      }
    }
    console.log(
      `facility-to-gate: ${facPts.length} facilities × ${targets.length} gates and points beside (${gatePts.length} gates), ` +
        `compared ${compared} pairs (${sameEdgePairs} on a shared edge; nearest-edge choice differed for ${edgeChoiceDiffers} points); ` +
        `largest difference ${worst.toFixed(6)} m (${worstPair})`,
    );
    expect(located.size).toBe(facPts.length + targets.length);
    expect(compared).toBeGreaterThan(0.95 * facPts.length * targets.length);
    expect(sameEdgePairs).toBeGreaterThanOrEqual(facPts.length * 0.8);
    expect(worst).toBeLessThan(0.5);
  }, 300_000);
});
