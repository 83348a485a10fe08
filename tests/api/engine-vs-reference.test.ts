import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/connect.js";
import { multiSourceDijkstra } from "../../web/src/analysis/dijkstra.js";
import { decodeWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { createTestApp, usingServer } from "../helpers/db.js";

// The engine's distances on the demo city's real street graph, against a reference computed
// independently: pgRouting's pgr_dijkstraCost on the server, or (embedded, where there is no
// pgRouting) a textbook O(n²) Dijkstra over the edge list read straight from PostGIS.

let db: Database;
let graph: WalkGraph;
beforeAll(async () => {
  const t = await createTestApp();
  db = t.db;
  const res = await request(t.app).get("/api/network/walk").buffer(true)
    .parse((r, cb) => { const c: Buffer[] = []; r.on("data", (x: Buffer) => c.push(x)); r.on("end", () => cb(null, Buffer.concat(c))); });
  graph = decodeWalkGraph(new Uint8Array(res.body));
});
afterAll(async () => { await db?.close(); });

/** Deterministic pseudo-random picks (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function referenceDistances(sourceIds: number[], targetIds: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (usingServer) {
    const { rows } = await db.knex.raw(`
      SELECT start_vid::float8 AS s, end_vid::float8 AS t, agg_cost AS d FROM pgr_dijkstraCost(
        'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM walk_edges',
        ?::bigint[], ?::bigint[], directed := true)`, [sourceIds, targetIds]);
    for (const r of rows) out.set(`${r.s}:${r.t}`, r.d);
    return out;
  }
  // Textbook Dijkstra: adjacency from SQL rows, the closest unsettled node found by a linear scan.
  const { rows: edges } = await db.knex.raw("SELECT source::float8 AS s, target::float8 AS t, length_m AS l FROM walk_edges");
  const adj = new Map<number, Array<[number, number]>>();
  for (const e of edges) {
    (adj.get(e.s) ?? adj.set(e.s, []).get(e.s)!).push([e.t, e.l]);
    (adj.get(e.t) ?? adj.set(e.t, []).get(e.t)!).push([e.s, e.l]);
  }
  for (const s of sourceIds) {
    const dist = new Map<number, number>([[s, 0]]);
    const done = new Set<number>();
    const frontier = new Set<number>([s]);
    while (frontier.size) {
      let u = -1, best = Infinity;
      for (const v of frontier) if (dist.get(v)! < best) { best = dist.get(v)!; u = v; }
      frontier.delete(u);
      done.add(u);
      for (const [v, l] of adj.get(u) ?? []) {
        if (done.has(v)) continue;
        const nd = best + l;
        if (nd < (dist.get(v) ?? Infinity)) { dist.set(v, nd); frontier.add(v); }
      }
    }
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
    const ref = await referenceDistances(sources.map((i) => graph.nodeIds[i]), targets.map((i) => graph.nodeIds[i]));
    let compared = 0;
    let worst = 0;
    for (const s of sources) {
      const d = multiSourceDijkstra(graph, [{ node: s, distM: 0 }]);
      for (const t of targets) {
        const key = `${graph.nodeIds[s]}:${graph.nodeIds[t]}`;
        if (s === t) continue;
        if (!ref.has(key)) { expect(d[t], key).toBe(Infinity); continue; }
        worst = Math.max(worst, Math.abs(d[t] - ref.get(key)!));
        compared++;
      }
    }
    console.log(`compared ${compared} pairs; largest difference ${worst.toFixed(6)} m`);
    expect(compared).toBeGreaterThan(200);
    expect(worst).toBeLessThan(0.5);
  }, 120_000);
});
