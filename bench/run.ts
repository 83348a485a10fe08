// npm run bench: public readers under load (bench/readers.ts), and walking-analysis performance on the demo city and the --scale 10 city, each as a
// ratio against baselines measured in the same run (never a timing assertion in the tests).
//   (a) naive: one Dijkstra per compound (from its gates) instead of one multi-source run per
//       category; for a what-if update, a full recomputation of every category;
//   (b) pgRouting on the same graph, when DATABASE_URL points at a PostgreSQL with the pgrouting
//       extension: for coverage its best method, one multi-source pgr_drivingDistance per category
//       bounded at the category's limit (equicost := false, the minimum per node), with the
//       many-to-many pgr_dijkstraCost only as a second line; pgr_drivingDistance for isochrones.
//       The graph is loaded into a temporary table, so the database needs no seeded city.
import path from "node:path";
import { performance } from "node:perf_hooks";
import knexLib, { type Knex } from "knex";
import { engineInputs } from "../geodata/generator/engine-inputs.js";
import { loadReferenceData } from "../server/db/reference.js";
import { attachmentSources, distanceToAttachment, type Attachment } from "../web/src/analysis/attach.js";
import { attachFacilities, computeCoverage, createCoverageContext, distancesToFacilities } from "../web/src/analysis/coverage.js";
import { MinHeap, multiSourceDijkstra } from "../web/src/analysis/dijkstra.js";
import { isochrones } from "../web/src/analysis/isochrone.js";
import { AnalysisSession } from "../web/src/analysis/session.js";
import type { WalkGraph } from "../web/src/analysis/walk-graph.js";
import { runWhatIf } from "../web/src/analysis/whatif.js";
import { benchClusters } from "./clusters.js";
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

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the benchmark script: each section prints its ratios from the inputs built at the top
async function main() {
  console.log("Walking analysis benchmark (median of 5 runs unless noted; every ratio is measured in this run)\n");
  const pg = await openPgRouting();
  for (const scale of [1, 10]) {
    const t0 = performance.now();
    const { graph, compounds, facilities } = engineInputs(scale);
    console.log(
      `scale ${scale}: ${compounds.length} compounds, ${facilities.length} facilities, ${graph.nodeCount} nodes, ${graph.edgeCount} edges (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const ctx = createCoverageContext(graph, compounds);
    const attached = attachFacilities(ctx, facilities);

    // Full coverage: every compound × every category.
    const bounded = await time(() => computeCoverage(ctx, attached, categories));
    const exact = await time(() => computeCoverage(ctx, attached, categories, { exactDistances: true }));
    const naiveRuns = scale === 1 ? 3 : 1;
    const naive = await time(() => perCompoundBaseline(graph, ctx.gateAttachments, attached.byCategory), naiveRuns, scale === 1);
    console.log(`  full coverage (${compounds.length} compounds × ${categories.length} categories)`);
    console.log(`    ours, searches stop at each category's limit:  ${ms(bounded)} ms (target < 1000 ms at scale 10)`);
    console.log(`    ours, exact distances beyond the limit too:    ${ms(exact)} ms`);
    console.log(
      `    (a) one Dijkstra per compound:                 ${ms(naive)} ms${naiveRuns === 1 ? " (1 run)" : ""} → ours ${ratio(naive, bounded)} faster (exact: ${ratio(naive, exact)})`,
    );

    // What-if: one proposed kindergarten next to a compound; only its category is recomputed.
    const session = new AnalysisSession({ graph, compounds, facilities, categories });
    const proposal = {
      facilities: [{ key: "p", action: "add" as const, category: "kindergarten", lonLat: compounds[Math.floor(compounds.length / 2)].gates[0] }],
      gates: [],
    };
    const whatIf = await time(() => runWhatIf(ctx, facilities, categories, session.baseline, proposal));
    const gateIf = { facilities: [], gates: [{ key: "g", action: "add" as const, compoundId: compounds[3].id, lonLat: compounds[4].gates[0] }] };
    const gateWhatIf = await time(() => runWhatIf(ctx, facilities, categories, session.baseline, gateIf));
    console.log(`  what-if update`);
    console.log(`    ours, one proposed kindergarten:               ${ms(whatIf)} ms (target < 100 ms)`);
    console.log(`    ours, one proposed gate:                       ${ms(gateWhatIf)} ms`);
    console.log(`    (a) full recomputation instead:                ${ms(bounded)} ms → ours ${ratio(bounded, whatIf)} faster`);

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

    if (typeof pg === "string") {
      console.log(`  (b) pgRouting: ${pg}`);
    } else {
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
          await pg.raw(
            `SELECT node, min(agg_cost) AS d FROM pgr_drivingDistance(?, ?::bigint[], ?::float8, directed := false, equicost := false) GROUP BY node`,
            [EDGES_SQL, srcs, limitM],
          );
        }
      };
      const driving = await time(() => drivingPerCategory(categories.map((c) => c.code)), scale === 1 ? 3 : 1, false);
      console.log(
        `    full coverage, multi-source pgr_drivingDistance bounded per category (pgRouting's best): ${ms(driving)} ms → ours bounded ${ratio(driving, bounded)} faster (ours exact: ${ratio(driving, exact)})`,
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
          `    (second line) full coverage, many-to-many pgr_dijkstraCost per category: ${ms(full)} ms (1 run) → ours ${ratio(full, bounded)} faster (exact: ${ratio(full, exact)})`,
        );
      } else {
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
      console.log(`    what-if, the kindergarten category again (pgr_drivingDistance): ${ms(one)} ms → ours ${ratio(one, whatIf)} faster`);
      const start = nodeOf(graph, starts[0]);
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
      console.log(`    isochrone, pgr_drivingDistance + ST_Buffer:    ${ms(pgIso)} ms → ours ${ratio(pgIso, iso)} faster`);
      await pg.raw("DROP TABLE IF EXISTS bench_edges");
    }
    console.log("");
  }
  if (typeof pg !== "string") await pg.destroy();
  await benchClusters();
  console.log("");
  await benchReaders();
}

await main();
