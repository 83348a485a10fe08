// npm run bench: walking-analysis performance on the demo city and the --scale 10 and --scale 40
// cities, each as a ratio against baselines measured in the same run (never a timing assertion in
// the tests); the big cities opened in the app and in Chromium (bench/city.ts); clustering
// (bench/clusters.ts); public readers under load (bench/readers.ts). BENCH_PARTS and BENCH_SCALES
// choose what runs (default: everything, scales 1,10,40).
//   (a) naive: one Dijkstra per compound (from its gates) instead of one multi-source run per
//       category; for a what-if update, a full recomputation of every category;
//   (b) pgRouting on the same graph, when DATABASE_URL points at a PostgreSQL with the pgrouting
//       extension: for coverage its best method, one multi-source pgr_drivingDistance per category
//       bounded at the category's limit (equicost := false, the minimum per node), with the
//       many-to-many pgr_dijkstraCost only as a second line; pgr_drivingDistance for isochrones.
//       The graph is loaded into a temporary table, so the database needs no seeded city.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import zlib from "node:zlib";
import knexLib, { type Knex } from "knex";
import { engineInputs } from "../geodata/generator/engine-inputs.js";
import { writeCity } from "../geodata/generator/write.js";
import { loadReferenceData } from "../server/db/reference.js";
import { attachmentSources, distanceToAttachment, type Attachment } from "../web/src/analysis/attach.js";
import { attachFacilities, computeCoverage, createCoverageContext, distancesToFacilities } from "../web/src/analysis/coverage.js";
import { MinHeap, multiSourceDijkstra } from "../web/src/analysis/dijkstra.js";
import { isochrones } from "../web/src/analysis/isochrone.js";
import { AnalysisSession } from "../web/src/analysis/session.js";
import { decodeWalkGraph, encodeWalkGraph, type WalkGraph } from "../web/src/analysis/walk-graph.js";
import { runWhatIf } from "../web/src/analysis/whatif.js";
import { coreGraphOf } from "../web/src/analysis/core-graph.js";
import { benchCity, machine } from "./city.js";
import { benchClusters } from "./clusters.js";
import { benchPlans } from "./plans.js";
import { benchReaders } from "./readers.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const categories = loadReferenceData(path.join(ROOT, "geodata")).standards.categories;
const ISO_LIMITS = [300, 600, 900];

/** Median wall time of `fn` over `runs` runs (after one warm-up unless `warm` is false), in ms. */
async function time(fn: () => unknown, runs = 5, warm = true): Promise<number> {
  if (warm) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const ratio = (base: number, ours: number) => `${(base / ours).toFixed(1)}×`;

/** Baseline (a): for each compound one Dijkstra from its gates, then the nearest facility of each category. */
function perCompoundBaseline(graph: WalkGraph, gateAtts: Attachment[][], facAtts: Map<string, Attachment[]>) {
  const heap = new MinHeap(4096);
  const dist = new Float64Array(graph.nodeCount);
  let covered = 0;
  for (const gates of gateAtts) {
    multiSourceDijkstra(
      graph,
      gates.flatMap((g) => attachmentSources(graph, g)),
      { heap, out: dist },
    );
    for (const c of categories) {
      let best = Infinity;
      for (const f of facAtts.get(c.code) ?? []) best = Math.min(best, distanceToAttachment(graph, dist, f));
      if (best <= c.limitM) covered++;
    }
  }
  return covered;
}

/** The nearer end node of an attachment: pgRouting works on nodes. */
const nodeOf = (g: WalkGraph, a: Attachment) => (a.t < 0.5 ? g.edgeSource[a.edge] : g.edgeTarget[a.edge]);

async function openPgRouting(): Promise<Knex | string> {
  if (!process.env.DATABASE_URL) return "not measured (set DATABASE_URL to a PostgreSQL with PostGIS and pgRouting)";
  const knex = knexLib({ client: "pg", connection: process.env.DATABASE_URL, pool: { min: 1, max: 1 } });
  try {
    await knex.raw("SELECT pgr_version()");
    return knex;
  } catch (err) {
    await knex.destroy();
    return `not measured (${(err as Error).message.split("\n")[0]})`;
  }
}

/** Load the graph into a temporary table (one connection, so it stays visible). */
async function loadGraph(knex: Knex, g: WalkGraph) {
  await knex.raw("DROP TABLE IF EXISTS bench_edges");
  await knex.raw("CREATE TEMP TABLE bench_edges (id int PRIMARY KEY, source int, target int, cost float8, geom geometry(LineString, 4326))");
  const rows: string[] = [];
  const flush = async () => {
    if (rows.length) await knex.raw(`INSERT INTO bench_edges VALUES ${rows.join(",")}`);
    rows.length = 0;
  };
  for (let e = 0; e < g.edgeCount; e++) {
    const s = g.edgeSource[e],
      t = g.edgeTarget[e];
    rows.push(
      `(${e},${s},${t},${g.edgeLengthM[e]},ST_SetSRID(ST_MakeLine(ST_MakePoint(${g.nodeLonLat[2 * s]},${g.nodeLonLat[2 * s + 1]}),ST_MakePoint(${g.nodeLonLat[2 * t]},${g.nodeLonLat[2 * t + 1]})),4326))`,
    );
    if (rows.length === 5000) await flush();
  }
  await flush();
  await knex.raw("CREATE INDEX ON bench_edges (source)");
  await knex.raw("CREATE INDEX ON bench_edges (target)");
  await knex.raw("ANALYZE bench_edges");
}

const EDGES_SQL = "SELECT id, source, target, cost, cost AS reverse_cost FROM bench_edges";

/** Graph size on the wire (raw, gzip, brotli as the API sends it) and the worker's decode time. */
async function graphFigures(graph: WalkGraph) {
  const body = encodeWalkGraph(graph);
  const gzip = zlib.gzipSync(body, { level: 6 }).length;
  const br = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length;
  const decode = await time(() => decodeWalkGraph(body), 5);
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(
    `  walk graph: ${mb(body.length)} (gzip ${mb(gzip)}, brotli ${mb(br)}; target ≤ 15 MB gzip at scale 40); decoded in ${ms(decode)} ms (target < 1 s)`,
  );
}

/** The parts of the benchmark to run (BENCH_PARTS=engine,city,clusters,plans,readers; default all). */
const PARTS = new Set((process.env.BENCH_PARTS ?? "engine,city,clusters,plans,readers").split(","));
/** The scales of the engine and city sections (BENCH_SCALES=1,10,40). */
const SCALES = (process.env.BENCH_SCALES ?? "1,10,40").split(",").map(Number);

async function benchEngine(scale: number, pg: Knex | string) {
  const t0 = performance.now();
  const { city, graph, compounds, facilities } = engineInputs(scale);
  console.log(
    `scale ${scale}: ${compounds.length} compounds, ${facilities.length} facilities, ${graph.nodeCount} nodes, ${graph.edgeCount} edges (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  // The city as files, for the section that seeds it into a database and opens it in the browser.
  if (scale > 1 && PARTS.has("city") && !fs.existsSync(path.join(cityDir(scale), "meta.json"))) writeCity(city, cityDir(scale));
  await graphFigures(graph);
  const ctx = createCoverageContext(graph, compounds);
  const attached = attachFacilities(ctx, facilities);
  const cg = coreGraphOf(graph);
  console.log(`  core graph: ${cg.coreCount} of ${graph.nodeCount} nodes (${((100 * cg.coreCount) / graph.nodeCount).toFixed(1)} %)`);

  // Full coverage: every compound × every category.
  const bounded = await time(() => computeCoverage(ctx, attached, categories));
  const exact = await time(() => computeCoverage(ctx, attached, categories, { exactDistances: true }));
  console.log(`  full coverage (${compounds.length} compounds × ${categories.length} categories)`);
  console.log(`    ours, searches stop at each category's limit:  ${ms(bounded)} ms (target < 1000 ms at scale 10)`);
  console.log(`    ours, exact distances beyond the limit too:    ${ms(exact)} ms (target < 300 ms at scale 10, < 1500 ms at scale 40)`);
  if (scale <= 10) {
    const naiveRuns = scale === 1 ? 3 : 1;
    const naive = await time(() => perCompoundBaseline(graph, ctx.gateAttachments, attached.byCategory), naiveRuns, scale === 1);
    console.log(
      `    (a) one Dijkstra per compound:                 ${ms(naive)} ms${naiveRuns === 1 ? " (1 run)" : ""} → ours ${ratio(naive, bounded)} faster (exact: ${ratio(naive, exact)})`,
    );
  } else console.log("    (a) one Dijkstra per compound: not run at this scale (hours)");

  // What-if, on the exact baseline the UI keeps: one proposed kindergarten, one moved, one gate.
  const session = new AnalysisSession({ graph, compounds, facilities, categories, exactDistances: true });
  const exactOpts = { exactDistances: true };
  const proposal = {
    facilities: [{ key: "p", action: "add" as const, category: "kindergarten", lonLat: compounds[Math.floor(compounds.length / 2)].gates[0] }],
    gates: [],
  };
  const kindergarten = facilities.find((f) => f.category === "kindergarten")!;
  const moved = { facilities: [{ key: "m", action: "move" as const, amenityId: kindergarten.id, lonLat: compounds[7].gates[0] }], gates: [] };
  const gateIf = { facilities: [], gates: [{ key: "g", action: "add" as const, compoundId: compounds[3].id, lonLat: compounds[4].gates[0] }] };
  const whatIf = await time(() => runWhatIf(ctx, facilities, categories, session.baseline, proposal, exactOpts), 9);
  const moveIf = await time(() => runWhatIf(ctx, facilities, categories, session.baseline, moved, exactOpts), 9);
  const gateWhatIf = await time(() => runWhatIf(ctx, facilities, categories, session.baseline, gateIf, exactOpts), 9);
  console.log(`  what-if update (exact distances, incremental)`);
  console.log(`    ours, one proposed kindergarten:               ${ms(whatIf)} ms (target < 5 ms at scale 10)`);
  console.log(`    ours, one kindergarten moved:                  ${ms(moveIf)} ms (target < 20 ms at scale 10)`);
  console.log(`    ours, one proposed gate:                       ${ms(gateWhatIf)} ms`);
  console.log(
    `    (a) full exact recomputation instead:          ${ms(exact)} ms → added ${ratio(exact, whatIf)} faster, moved ${ratio(exact, moveIf)} faster`,
  );

  // Isochrone: 5/10/15 minutes at 1 m/s from a compound's gates.
  const starts = ctx.gateAttachments[Math.floor(compounds.length / 3)];
  const iso = await time(
    () =>
      isochrones(
        graph,
        starts.flatMap((a) => attachmentSources(graph, a)),
        ISO_LIMITS,
        { origins: starts },
      ),
    9,
  );
  console.log(`  isochrone (${ISO_LIMITS.join("/")} m polygons from one compound's gates)`);
  console.log(`    ours:                                          ${ms(iso)} ms (target < 50 ms)`);

  // Siting: 5 kindergartens over every network node.
  const site = await time(() => session.site("kindergarten", 5), 3);
  console.log(`  siting (5 kindergartens, every node a candidate): ${ms(site)} ms`);

  if (typeof pg === "string") console.log(`  (b) pgRouting: ${pg}`);
  else await benchPgRouting(pg, { scale, graph, ctx, attached, bounded, exact, whatIf, iso, starts });
  console.log("");
}

async function benchPgRouting(
  pg: Knex,
  m: {
    scale: number;
    graph: WalkGraph;
    ctx: ReturnType<typeof createCoverageContext>;
    attached: ReturnType<typeof attachFacilities>;
    bounded: number;
    exact: number;
    whatIf: number;
    iso: number;
    starts: Attachment[];
  },
) {
  const { scale, graph, ctx, attached } = m;
  const load0 = performance.now();
  await loadGraph(pg, graph);
  console.log(
    `  (b) pgRouting ${(await pg.raw("SELECT pgr_version() AS v")).rows[0].v} on the same graph (loaded in ${((performance.now() - load0) / 1000).toFixed(1)} s):`,
  );
  const gateNodes = [...new Set(ctx.gateAttachments.flat().map((a) => nodeOf(graph, a)))];
  const sourcesOf = (code: string) => [...new Set((attached.byCategory.get(code) ?? []).map((a) => nodeOf(graph, a)))];
  // pgRouting's best for coverage: one multi-source search per category, bounded at its limit.
  const drivingPerCategory = async (codes: string[]) => {
    for (const code of codes) {
      const srcs = sourcesOf(code);
      if (!srcs.length) continue;
      const limitM = categories.find((c) => c.code === code)!.limitM;
      await pg.raw(`SELECT node, min(agg_cost) AS d FROM pgr_drivingDistance(?, ?::bigint[], ?::float8, directed := false, equicost := false) GROUP BY node`, [
        EDGES_SQL,
        srcs,
        limitM,
      ]);
    }
  };
  const driving = await time(() => drivingPerCategory(categories.map((c) => c.code)), scale === 1 ? 3 : 1, false);
  console.log(
    `    full coverage, multi-source pgr_drivingDistance bounded per category (pgRouting's best): ${ms(driving)} ms → ours bounded ${ratio(driving, m.bounded)} faster (ours exact: ${ratio(driving, m.exact)})`,
  );
  const perCategory = async (codes: string[]) => {
    for (const code of codes) {
      const srcs = sourcesOf(code);
      if (!srcs.length) continue;
      await pg.raw(`SELECT end_vid, min(agg_cost) FROM pgr_dijkstraCost(?, ?::bigint[], ?::bigint[], directed := true) GROUP BY end_vid`, [
        EDGES_SQL,
        srcs,
        gateNodes,
      ]);
    }
  };
  if (scale === 1) {
    const full = await time(() => perCategory(categories.map((c) => c.code)), 1, false);
    console.log(
      `    (second line) full coverage, many-to-many pgr_dijkstraCost per category: ${ms(full)} ms (1 run) → ours ${ratio(full, m.bounded)} faster (exact: ${ratio(full, m.exact)})`,
    );
  } else if (scale === 10) {
    // All 23 categories take minutes here; three (one per circle size) give the per-category ratio.
    const sample = ["convenience_store", "kindergarten", "health_centre"];
    const some = await time(() => perCategory(sample), 1, false);
    const oursPer =
      (await time(() => {
        for (const code of sample) distancesToFacilities(ctx, attached.byCategory.get(code) ?? [], categories.find((c) => c.code === code)!.limitM);
      }, 3)) / sample.length;
    console.log(
      `    (second line) many-to-many pgr_dijkstraCost, ${sample.length} categories (${sample.join(", ")}): ${ms(some)} ms (1 run), ${ms(some / sample.length)} ms per category vs ours ${ms(oursPer)} ms → ours ${ratio(some / sample.length, oursPer)} faster`,
    );
  }
  const one = await time(() => drivingPerCategory(["kindergarten"]), 3, false);
  console.log(`    what-if, the kindergarten category again (pgr_drivingDistance): ${ms(one)} ms → ours ${ratio(one, m.whatIf)} faster`);
  const start = nodeOf(graph, m.starts[0]);
  const pgIso = await time(
    () =>
      pg.raw(
        `
        WITH reached AS (SELECT node, agg_cost FROM pgr_drivingDistance(?, ?::bigint, ?::float8, directed := false))
        SELECT b.limit_m, ST_Area(ST_Buffer(ST_Collect(e.geom)::geography, 30)) AS area
        FROM unnest(?::float8[]) AS b(limit_m)
        JOIN reached r1 ON r1.agg_cost <= b.limit_m
        JOIN bench_edges e ON e.source = r1.node
        JOIN reached r2 ON r2.node = e.target AND r2.agg_cost <= b.limit_m
        GROUP BY b.limit_m`,
        [EDGES_SQL, start, Math.max(...ISO_LIMITS), ISO_LIMITS],
      ),
    3,
    false,
  );
  console.log(`    isochrone, pgr_drivingDistance + ST_Buffer:    ${ms(pgIso)} ms → ours ${ratio(pgIso, m.iso)} faster`);
  await pg.raw("DROP TABLE IF EXISTS bench_edges");
}

/** Where the engine section leaves a generated city for the city section. */
const cityDir = (scale: number) => path.join(ROOT, ".tmp", "bench", `scale${scale}`);

async function main() {
  console.log(`Walking analysis benchmark (median of 5 runs unless noted; every ratio is measured in this run; ${machine()})\n`);
  if (PARTS.has("engine")) {
    const pg = await openPgRouting();
    for (const scale of SCALES) await benchEngine(scale, pg);
    if (typeof pg !== "string") await pg.destroy();
  }
  if (PARTS.has("city")) {
    const cities = SCALES.filter((s) => s > 1 && fs.existsSync(path.join(cityDir(s), "meta.json"))).map((scale) => ({ scale, dir: cityDir(scale) }));
    if (cities.length) await benchCity(cities);
    else console.log("Big cities: not measured (run with the engine part, which generates them)");
    console.log("");
  }
  if (PARTS.has("clusters")) {
    await benchClusters();
    console.log("");
  }
  if (PARTS.has("plans")) {
    await benchPlans();
    console.log("");
  }
  if (PARTS.has("readers")) await benchReaders();
}

await main();
