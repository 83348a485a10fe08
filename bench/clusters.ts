// Benchmark of 连片 auto-clustering (issue 6): every pre-2000 compound of the --scale 10 city,
// clustered by our max-p method and by the greedy baseline (web/src/analysis/cluster.ts), both in
// this run with the same inputs and limits; time and quality side by side.
//
// Inputs come straight from the generator (no database). Adjacency is computed here in TypeScript
// with the server's definition (server/db/adjacency.ts: footprints ≤ 50 m apart, or both within 30 m
// of one arterial/branch/alley/footway walk edge), on the generator's own local plane (metres,
// x = Δlon·111320·cos 33.62°, y = Δlat·110540: geo.ts's DEMO_PLANE) with an R-tree instead of GiST. The plane
// differs from PostGIS's spheroid by well under 1% over a city, which only moves pairs that sit on
// the threshold. The generator puts no walk edge inside a compound, so none needs dropping.
// Spans are walking distances on the walk network between the compounds' nearest gates.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { engineInputs } from "../geodata/generator/engine-inputs.js";
import { centroidOf, type XY } from "../geodata/generator/geom.js";
import { FACING_STREET_CLASSES } from "../server/db/adjacency.js";
import { loadReferenceData } from "../server/db/reference.js";
import {
  clusterCompounds,
  greedyClusters,
  type AdjacencyLink,
  type ClusterCompound,
  type ClusterOptions,
  type ClusterResult,
} from "../web/src/analysis/cluster.js";
import { computeCoverage, createCoverageContext } from "../web/src/analysis/coverage.js";
import { demoPlaneMetresPerDegree } from "../web/src/analysis/geo.js";
import { createBoxIndex } from "../web/src/analysis/spatial-index.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const SCALE = 10;
// The rules of geodata/clusters.json: the same file the server and the planner use.
const REFERENCE = loadReferenceData(path.join(ROOT, "geodata"));
const RULES = REFERENCE.clusters;
const NEAR_M = RULES.adjacencyM;
const STREET_M = RULES.streetFrontM;
const FACING_CLASSES = new Set<string>(FACING_STREET_CLASSES);

const [LON0, LAT0] = [114.64, 33.62];
const { lon: KX, lat: KY } = demoPlaneMetresPerDegree(LAT0);
const toXY = ([lon, lat]: number[]): XY => [(lon - LON0) * KX, (lat - LAT0) * KY];

type Box = [number, number, number, number];

/** Squared distance between segments ab and cd (0 when they cross); no allocation. */
function segSegDist2(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const o1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const o2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  const o3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const o4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return 0;
  return Math.min(
    pointSegDist2(ax, ay, cx, cy, dx, dy),
    pointSegDist2(bx, by, cx, cy, dx, dy),
    pointSegDist2(cx, cy, ax, ay, bx, by),
    pointSegDist2(dx, dy, ax, ay, bx, by),
  );
}

function pointSegDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ux = bx - ax,
    uy = by - ay;
  const l2 = ux * ux + uy * uy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * ux + (py - ay) * uy) / l2));
  const qx = ax + t * ux - px,
    qy = ay + t * uy - py;
  return qx * qx + qy * qy;
}

/** Even-odd point in a closed ring stored flat [x0, y0, x1, y1, …]. */
function inRing(r: Float64Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    if (r[i + 1] > y !== r[j + 1] > y && x < ((r[j] - r[i]) * (y - r[i + 1])) / (r[j + 1] - r[i + 1]) + r[i]) inside = !inside;
  }
  return inside;
}

/** Whether polygon `r` and the polyline `l` (both flat, closed `r`) come within `limitM`; `l` inside `r` counts. */
function within(r: Float64Array, l: Float64Array, limitM: number, lIsRing: boolean): boolean {
  if (inRing(r, l[0], l[1]) || (lIsRing && inRing(l, r[0], r[1]))) return true;
  const lim2 = limitM * limitM;
  for (let i = 0; i + 3 < r.length; i += 2) {
    for (let j = 0; j + 3 < l.length; j += 2) {
      if (segSegDist2(r[i], r[i + 1], r[i + 2], r[i + 3], l[j], l[j + 1], l[j + 2], l[j + 3]) <= lim2) return true;
    }
  }
  return false;
}

interface Footprint {
  id: number;
  ring: Float64Array;
  box: Box;
}

/** Adjacency as in server/db/adjacency.ts, on the local plane with an R-tree (see the header). */
function adjacencyOf(footprints: Footprint[], nodes: Map<number, XY>, edges: Array<[number, number, number, string]>): AdjacencyLink[] {
  const index = createBoxIndex(footprints.map((f) => f.box));
  /** Footprints whose box meets `box`. */
  const around = (box: Box) => index.search(box[0], box[1], box[2], box[3]);
  const pairs = new Set<number>();
  const add = (a: number, b: number) => pairs.add(a < b ? a * 1_000_000 + b : b * 1_000_000 + a);
  for (const f of footprints) {
    for (const k of around([f.box[0] - NEAR_M, f.box[1] - NEAR_M, f.box[2] + NEAR_M, f.box[3] + NEAR_M])) {
      const g = footprints[k];
      if (g.id > f.id && within(f.ring, g.ring, NEAR_M, true)) add(f.id, g.id);
    }
  }
  const seg = new Float64Array(4);
  const facing: number[] = [];
  for (const [, s, t, cls] of edges) {
    if (!FACING_CLASSES.has(cls)) continue;
    const [ax, ay] = nodes.get(s)!,
      [bx, by] = nodes.get(t)!;
    seg[0] = ax;
    seg[1] = ay;
    seg[2] = bx;
    seg[3] = by;
    facing.length = 0;
    const box: Box = [Math.min(ax, bx) - STREET_M, Math.min(ay, by) - STREET_M, Math.max(ax, bx) + STREET_M, Math.max(ay, by) + STREET_M];
    for (const k of around(box)) if (within(footprints[k].ring, seg, STREET_M, false)) facing.push(footprints[k].id);
    for (let i = 0; i < facing.length; i++) for (let j = i + 1; j < facing.length; j++) add(facing[i], facing[j]);
  }
  return [...pairs].sort((x, y) => x - y).map((v) => ({ a: Math.floor(v / 1_000_000), b: v % 1_000_000 }));
}

/** Median wall time of `fn` over `runs` runs, and its last result. */
function timed<T>(fn: () => T, runs: number): { ms: number; value: T } {
  const t: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    value = fn();
    t.push(performance.now() - s);
  }
  return { ms: t.sort((a, b) => a - b)[Math.floor(runs / 2)], value };
}

function quality(r: ClusterResult) {
  const n = r.clusters.length || 1;
  return {
    clusters: r.clusters.length,
    placed: r.candidateHouseholds ? r.placedHouseholds / r.candidateHouseholds : 0,
    meanSpanM: r.clusters.reduce((s, c) => s + c.spanM, 0) / n,
    meanYearSpread: r.clusters.reduce((s, c) => s + c.buildYearSpread, 0) / n,
    meanMembers: r.clusters.reduce((s, c) => s + c.members.length, 0) / n,
    meanPairD:
      r.objective /
      Math.max(
        1,
        r.clusters.reduce((s, c) => s + (c.members.length * (c.members.length - 1)) / 2, 0),
      ),
    unassigned: r.unassigned.length,
    reasons: Object.entries(
      r.unassigned.reduce<Record<string, number>>((m, u) => {
        m[u.reason] = (m[u.reason] ?? 0) + 1;
        return m;
      }, {}),
    )
      .map(([k, v]) => `${v} ${k}`)
      .join(", "),
  };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one benchmark run: inputs, timed runs and the printed table share its measurements
export async function benchClusters(): Promise<void> {
  const t0 = performance.now();
  const { city, graph, compounds: coverageCompounds, facilities } = engineInputs(SCALE);
  const tGen = performance.now() - t0;
  const gatesBy = new Map(coverageCompounds.map((c) => [c.id, c.gates]));

  // Coverage gaps (what each compound lacks within its living circle), for the shared-gaps term.
  const t1 = performance.now();
  const categories = REFERENCE.standards.categories;
  const coverage = computeCoverage(createCoverageContext(graph, coverageCompounds), facilities, categories);
  const missing = new Map(coverage.compounds.map((c) => [c.id, c.missing]));
  const tCoverage = performance.now() - t1;

  const t2 = performance.now();
  const footprints: Footprint[] = city.compounds.features.map((c) => {
    const ring = Float64Array.from(c.geometry.coordinates[0][0].flatMap(toXY));
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (let i = 0; i < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i]);
      x1 = Math.max(x1, ring[i]);
      y0 = Math.min(y0, ring[i + 1]);
      y1 = Math.max(y1, ring[i + 1]);
    }
    return { id: c.properties.id, ring, box: [x0, y0, x1, y1] as Box };
  });
  const nodesXY = new Map(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, toXY([lon, lat])]));
  const pairs = adjacencyOf(footprints, nodesXY, city.walkNetwork.edges);
  const tAdjacency = performance.now() - t2;

  const asInput = (c: (typeof city.compounds.features)[number]): ClusterCompound => {
    const [x, y] = centroidOf(c.geometry.coordinates[0][0].slice(0, -1).map(toXY));
    return {
      id: c.properties.id,
      households: c.properties.households,
      buildYear: c.properties.buildYear,
      centroid: [LON0 + x / KX, LAT0 + y / KY],
      gates: gatesBy.get(c.properties.id) ?? [],
      missing: missing.get(c.properties.id) ?? [],
      management: c.properties.management,
    };
  };
  const candidates = city.compounds.features.filter((c) => c.properties.buildYear < 2000).map(asInput);
  const partners = city.compounds.features.filter((c) => c.properties.buildYear >= 2000 && c.properties.management === "professional").map(asInput);
  const households = candidates.reduce((s, c) => s + c.households, 0);

  console.log("Auto-clustering (连片改造), every pre-2000 compound of the --scale 10 city; ours and the greedy baseline measured in this run");
  console.log(
    `  city: ${city.compounds.features.length} compounds, ${graph.nodeCount} walk nodes (generated in ${(tGen / 1000).toFixed(1)} s); coverage gaps in ${(tCoverage / 1000).toFixed(1)} s`,
  );
  console.log(
    `  candidates: ${candidates.length} compounds built before 2000, ${households} households; adjacency: ${pairs.length} pairs (≤ ${NEAR_M} m or facing one street segment within ${STREET_M} m), ${(tAdjacency / 1000).toFixed(1)} s in TypeScript`,
  );

  const base: ClusterOptions = {
    minHouseholds: RULES.minHouseholds,
    maxHouseholds: RULES.maxHouseholds,
    maxSpanM: RULES.maxSpanM,
    detourFactor: RULES.detourFactor,
  };
  const runs: Array<{ name: string; fn: () => ClusterResult; runs: number }> = [
    { name: "ours, span on the walk network", fn: () => clusterCompounds(candidates, pairs, { ...base, walkGraph: graph }), runs: 3 },
    { name: "greedy, span on the walk network", fn: () => greedyClusters(candidates, pairs, { ...base, walkGraph: graph }), runs: 3 },
    { name: "ours, straight line × 1.3", fn: () => clusterCompounds(candidates, pairs, base), runs: 3 },
    { name: "greedy, straight line × 1.3", fn: () => greedyClusters(candidates, pairs, base), runs: 3 },
    {
      name: "ours + 肥瘦搭配 partners, network",
      fn: () => clusterCompounds(candidates, pairs, { ...base, walkGraph: graph, bundleManaged: true, partners }),
      runs: 1,
    },
  ];
  console.log(`  limits: ${base.minHouseholds}–${base.maxHouseholds} households, span ≤ ${base.maxSpanM} m; median of 3 runs (the bundling row: 1 run)`);
  const head = ["", "time ms", "clusters", "placed hh", "mean span m", "mean yr spread", "members", "d per pair", "left out"];
  const rows: string[][] = [head];
  const results = new Map<string, { ms: number; q: ReturnType<typeof quality> }>();
  for (const r of runs) {
    const { ms, value } = timed(r.fn, r.runs);
    const q = quality(value);
    results.set(r.name, { ms, q });
    rows.push([
      r.name,
      ms.toFixed(0),
      String(q.clusters),
      `${(100 * q.placed).toFixed(1)}%`,
      q.meanSpanM.toFixed(0),
      q.meanYearSpread.toFixed(1),
      q.meanMembers.toFixed(2),
      q.meanPairD.toFixed(2),
      String(q.unassigned),
    ]);
  }
  const widths = head.map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  for (const row of rows) console.log(`    ${row.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join("  ")}`);
  for (const [name, { q }] of results) console.log(`  left out, ${name}: ${q.reasons || "none"}`);
  for (const metric of ["walk network", "straight line × 1.3"]) {
    const ours = [...results].find(([n]) => n.startsWith("ours,") && n.includes(metric))![1];
    const greedy = [...results].find(([n]) => n.startsWith("greedy") && n.includes(metric))![1];
    console.log(
      `  ${metric}: ours places ${(100 * (ours.q.placed - greedy.q.placed)).toFixed(1)} points more of the households in ${ours.q.clusters - greedy.q.clusters >= 0 ? "+" : ""}${ours.q.clusters - greedy.q.clusters} clusters, mean span ${ours.q.meanSpanM.toFixed(0)} vs ${greedy.q.meanSpanM.toFixed(0)} m, year spread ${ours.q.meanYearSpread.toFixed(1)} vs ${greedy.q.meanYearSpread.toFixed(1)}; time ${(ours.ms / greedy.ms).toFixed(1)}× the baseline's`,
    );
  }
  console.log("");
}
