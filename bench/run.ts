// npm run bench: walking-coverage performance on the demo city and the --scale 10 city, each as a
// ratio against baselines measured in the same run (never a timing assertion in the tests).
//   (a) one Dijkstra per compound (from its gates) instead of one multi-source run per category;
//   (b) pgRouting (pgr_dijkstraCost) on the same graph, when DATABASE_URL points at a server with
//       the pgrouting extension (the demo city must be loaded there: npm run seed).
import path from "node:path";
import { performance } from "node:perf_hooks";
import knexLib from "knex";
import { generateCity } from "../geodata/generator/city.js";
import { loadReferenceData } from "../server/db/reference.js";
import { attachPoint, attachmentSources, distanceToAttachment, type Attachment } from "../web/src/analysis/attach.js";
import { computeCoverage, createCoverageContext, distancesToFacilities, type CoverageCompound, type CoverageFacility } from "../web/src/analysis/coverage.js";
import { MinHeap, multiSourceDijkstra } from "../web/src/analysis/dijkstra.js";
import { buildWalkGraph, type WalkGraph } from "../web/src/analysis/walk-graph.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const categories = loadReferenceData(path.join(ROOT, "geodata")).standards.categories;

function haversineM(a: number[], b: number[]) {
  const r = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * r) / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** Median wall time of `fn` over `runs` runs (after one warm-up), in milliseconds. */
function time(fn: () => void, runs = 5): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const s = performance.now(); fn(); t.push(performance.now() - s); }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function cityInputs(scale: number) {
  const city = generateCity({ scale });
  const coords = new Map(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, [lon, lat]]));
  const graph = buildWalkGraph({
    nodes: city.walkNetwork.nodes.map(([id, lon, lat]) => ({ id, lon, lat })),
    edges: city.walkNetwork.edges.map(([id, s, t, c]) => ({ id, source: s, target: t, class: c, lengthM: haversineM(coords.get(s)!, coords.get(t)!) })),
  });
  const gatesBy = new Map<number, Array<[number, number]>>();
  for (const g of city.gates.features) (gatesBy.get(g.properties.compoundId) ?? gatesBy.set(g.properties.compoundId, []).get(g.properties.compoundId)!).push(g.geometry.coordinates as [number, number]);
  const compounds: CoverageCompound[] = city.compounds.features.map((c) => ({ id: c.properties.id, households: c.properties.households, gates: gatesBy.get(c.properties.id) ?? [] }));
  const facilities: CoverageFacility[] = city.amenities.features.map((a) => ({ id: a.properties.id, category: a.properties.category, lonLat: a.geometry.coordinates as [number, number] }));
  return { graph, compounds, facilities };
}

/** Baseline (a): for each compound one Dijkstra from its gates, then the nearest facility of each category. */
function perCompoundBaseline(graph: WalkGraph, gateAtts: Attachment[][], facAtts: Map<string, Attachment[]>) {
  const heap = new MinHeap(4096);
  const dist = new Float64Array(graph.nodeCount);
  let covered = 0;
  for (const gates of gateAtts) {
    multiSourceDijkstra(graph, gates.flatMap((g) => attachmentSources(graph, g)), { heap, out: dist });
    for (const c of categories) {
      let best = Infinity;
      for (const f of facAtts.get(c.code) ?? []) best = Math.min(best, distanceToAttachment(graph, dist, f));
      if (best <= c.limitM) covered++;
    }
  }
  return covered;
}

async function pgRoutingFullCoverageMs(): Promise<string> {
  if (!process.env.DATABASE_URL) return "not measured (set DATABASE_URL to a PostgreSQL with pgRouting and the demo city)";
  const knex = knexLib({ client: "pg", connection: process.env.DATABASE_URL });
  try {
    await knex.raw("SELECT pgr_version()");
    // Gates and facilities snapped to their nearest walk node, then one many-to-many call per category.
    const snap = async (table: string, where = "") => (await knex.raw(`
      SELECT x.id, x.category, (SELECT n.id FROM walk_nodes n ORDER BY n.geom <-> x.geom LIMIT 1)::float8 AS node
      FROM (SELECT id, ${table === "amenities" ? "category" : "NULL::text AS category"}, geom FROM ${table} ${where}) x`)).rows;
    const gates = await snap("gates");
    const amen = await snap("amenities");
    const gateNodes = [...new Set(gates.map((g: { node: number }) => g.node))];
    const s = performance.now();
    for (const c of categories) {
      const srcs = amen.filter((a: { category: string }) => a.category === c.code).map((a: { node: number }) => a.node);
      if (!srcs.length) continue;
      await knex.raw(`SELECT min(agg_cost) FROM pgr_dijkstraCost('SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM walk_edges',
        ?::bigint[], ?::bigint[], directed := true) GROUP BY end_vid`, [srcs, gateNodes]);
    }
    return `${(performance.now() - s).toFixed(0)} ms`;
  } catch (err) {
    return `not measured (${(err as Error).message.split("\n")[0]})`;
  } finally {
    await knex.destroy();
  }
}

async function main() {
  console.log("Walking coverage benchmark (median of 5 runs; ratios measured in this run)\n");
  for (const scale of [1, 10]) {
    const t0 = performance.now();
    const { graph, compounds, facilities } = cityInputs(scale);
    console.log(`scale ${scale}: ${compounds.length} compounds, ${facilities.length} facilities, ${graph.nodeCount} nodes, ${graph.edgeCount} edges (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const ctx = createCoverageContext(graph, compounds);
    const full = time(() => computeCoverage(ctx, facilities, categories));
    const facAtts = new Map<string, Attachment[]>();
    for (const f of facilities) {
      const a = attachPoint(graph, ctx.index, f.lonLat[0], f.lonLat[1]);
      if (a) (facAtts.get(f.category) ?? facAtts.set(f.category, []).get(f.category)!).push(a);
    }
    const baseline = time(() => perCompoundBaseline(graph, ctx.gateAttachments, facAtts), scale === 1 ? 3 : 1);
    console.log(`  full coverage (all compounds × ${categories.length} categories): ${full.toFixed(1)} ms`);
    console.log(`    vs one Dijkstra per compound: ${baseline.toFixed(0)} ms → ${(baseline / full).toFixed(1)}× faster`);
    // What-if: one proposed kindergarten; only its category is recomputed.
    const kg = facAtts.get("kindergarten") ?? [];
    const proposed = attachPoint(graph, ctx.index, compounds[0].gates[0]?.[0] ?? 0, compounds[0].gates[0]?.[1] ?? 0)!;
    const whatIf = time(() => distancesToFacilities(ctx, [...kg, proposed]));
    console.log(`  what-if update (one proposed kindergarten): ${whatIf.toFixed(2)} ms (target < 100 ms) → ${(full / whatIf).toFixed(0)}× cheaper than a full recompute`);
    if (scale === 1) console.log(`  pgRouting, per-category many-to-many to every gate node: ${await pgRoutingFullCoverageMs()}`);
    console.log("");
  }
  console.log("Isochrones are not implemented yet (issue 5); their benchmark comes with them.");
}

await main();
