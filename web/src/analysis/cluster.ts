/**
 * 连片改造 clustering: batches of adjacent old compounds (片区) renovated together, each large enough
 * to carry one professional property service and small enough to build in one season.
 *
 * The method is a max-p regionalisation (Duque, Anselin & Rey 2012) over the adjacency graph
 * (`GET /api/compounds/adjacency`), with upper limits added:
 *
 * 1. **Construction.** Seeds are taken one at a time in a deterministic order. A region grows from
 *    its seed by adding the unassigned neighbour that adds the least heterogeneity (below), ties by
 *    lower id, until it reaches `minHouseholds` (and `minMembers`); an addition must keep the region
 *    within `maxHouseholds` and `maxSpanM`. A region that cannot reach the minimum is dissolved and
 *    its compounds stay free (enclaves). Three seed orders are tried — periphery first (fewest free
 *    neighbours, which leaves fewer stranded enclaves), lowest id first, most households first — and
 *    the partition that places the most candidate households, then has the most clusters (max-p),
 *    then the lowest heterogeneity, is kept.
 * 2. **Enclaves.** Each free compound joins the adjacent cluster it adds the least heterogeneity to,
 *    if that cluster stays within the limits; repeated until nothing changes.
 * 3. **Local improvement** (bounded by `improvePasses`): a boundary compound moves to an adjacent
 *    cluster when that lowers the total heterogeneity and both clusters still satisfy every
 *    constraint (the one it leaves stays contiguous and above the minimum). Then step 2 once more.
 * 4. **肥瘦搭配** (`bundleManaged`): `partners` — newer compounds outside the candidate set that
 *    already have professional management — may complete a region that cannot reach the minimum
 *    with candidates alone (candidates are always preferred), and afterwards each cluster without a
 *    professionally managed member takes the one adjacent partner it adds the least to, within the
 *    limits. Each partner joins at most one cluster; partners are never reported as unassigned.
 *
 * **Objective** (minimised; heterogeneity in the max-p sense): the sum over clusters of the sum over
 * member pairs of
 *
 *     d(i, j) = wDistance · span(i, j) / maxSpanM            (compact)
 *             + wBuildYear · |buildYear_i − buildYear_j| / 10 (similar age: 10 years count as 1)
 *             + wGaps · (1 − Jaccard(missing_i, missing_j))   (shared living-circle gaps)
 *
 * with weights 1, 1, 1 by default, so 800 m ≈ 10 years ≈ two compounds with no gap in common. Terms
 * with unknown data (no build year, no `missing`) count 0; for a partner only the distance term
 * counts (it is meant to differ: newer and managed). Summing over pairs is compactness as a moment
 * of inertia rather than a diameter; the diameter (`maxSpanM`) is a hard constraint.
 *
 * **Span** (`spanM`): the largest walking distance between two members. With `walkGraph` it is the
 * network distance between the two compounds' nearest gates (gates joined to the network as the
 * coverage engine does, searches bounded at `maxSpanM`); for a compound without gates on the network
 * (and without `walkGraph`) it is the great-circle distance between centroids × `detourFactor`
 * (1.3 in geodata/clusters.json, a typical urban walking detour). The limits are
 * {@link ClusterLimits}: always given, from the rules file, never defaulted here.
 *
 * Pure TypeScript, no DOM: runs in a Web Worker and in Node. Deterministic: the same compounds and
 * pairs in any order give the same result (no randomness; every tie is broken by compound id).
 */
import { LocalProjection, metresPerDegree } from "./geo";
import { attachPoint, attachmentSources, createEdgeIndex, distanceToAttachment, type Attachment } from "./attach";
import { MinHeap, multiSourceDijkstra } from "./dijkstra";
import { createPointIndex } from "./spatial-index";
import type { WalkGraph } from "./walk-graph";
import type { ClusterViolation } from "../../../server/schemas/clusters";
import type { ClusterRules } from "../../../server/schemas/reference";

/** Who manages a compound (物业): a professional company, the residents themselves, or nobody. */
export type Management = "professional" | "self" | "none";

/** A compound as the clustering sees it. */
export interface ClusterCompound {
  id: number;
  households: number;
  /** Year built; null or absent when unknown. */
  buildYear?: number | null;
  /** [lon, lat], EPSG:4326. */
  centroid: [number, number];
  /** Gate positions [lon, lat] (EPSG:4326): walking spans start at gates when a walk graph is given. */
  gates?: Array<[number, number]>;
  /** Living-circle categories the compound lacks within its limit (coverage gaps). */
  missing?: string[];
  management?: Management | null;
}

/** Two neighbouring compounds (order does not matter); extra fields such as `gapM` are ignored. */
export interface AdjacencyLink {
  a: number;
  b: number;
}

/**
 * The limits of a cluster: geodata/clusters.json, served by `GET /api/rules` (the planner reads
 * them there; the server's warnings use the same file). minHouseholds: enough to carry one
 * professional property service; maxHouseholds: small enough to build in one season; maxSpanM:
 * the largest span, see the module comment for how span is measured; detourFactor: turns the
 * straight line between centroids into a walking distance where no gate joins the network.
 */
export type ClusterLimits = Pick<ClusterRules, "minHouseholds" | "maxHouseholds" | "maxSpanM" | "detourFactor">;

export interface ClusterOptions extends ClusterLimits {
  /** Minimum number of member compounds (default 1: one compound large enough alone is a cluster). */
  minMembers?: number;
  /** The walk graph: spans become network distances between gates. */
  walkGraph?: WalkGraph;
  /** 肥瘦搭配: let clusters take adjacent professionally managed `partners` (default false). */
  bundleManaged?: boolean;
  /** Compounds outside the candidate set that may be bundled; only `management: "professional"` ones are used. */
  partners?: ClusterCompound[];
  /** Weights of the objective's terms (default 1 each). */
  weights?: { distance?: number; buildYear?: number; gaps?: number };
  /** Upper bound on local-improvement passes (default 10; 0 turns step 3 off). */
  improvePasses?: number;
}

export interface Cluster {
  /** Member compound ids, ascending (candidates and bundled partners). */
  members: number[];
  households: number;
  /** Largest walking distance between two members, metres (0.1 m). */
  spanM: number;
  /** Mean build year of the members with a known year (0.1 year), null when none is known. */
  meanBuildYear: number | null;
  /** Newest minus oldest build year, years. */
  buildYearSpread: number;
  /** Categories every member with gap data lacks (the gaps one shared facility could close), sorted. */
  sharedGaps: string[];
  /** Members that are bundled partners (肥瘦搭配), ascending. */
  bundled: number[];
  /** This cluster's share of the objective: the sum of d(i, j) over member pairs. */
  heterogeneity: number;
}

/**
 * Why a candidate is in no cluster:
 * - `no neighbours`: it has no neighbour in the adjacency graph and is too small alone;
 * - `component too small`: all the candidates it connects to (through clusterable ones) have
 *   fewer than `minHouseholds` households together, or fewer than `minMembers` compounds;
 * - `would exceed max households`: it has more than `maxHouseholds` households alone, or every
 *   cluster and region it could join would go over the maximum;
 * - `would exceed span`: a cluster or region it could join would be wider than `maxSpanM`.
 */
export type UnassignedReason = "no neighbours" | "component too small" | "would exceed max households" | "would exceed span";

/**
 * The rule that left a candidate out, for the UI's catalogues (`cluster.reason.<code>`), finer than
 * {@link UnassignedReason}:
 * - `no_neighbour`: no compound at all is its neighbour in `pairs`, and it is too small alone
 *   (params `households`, `limit` = minHouseholds);
 * - `no_candidate_neighbour`: it has neighbours, but none is a candidate (nor a usable partner)
 *   (params `neighbours`: how many, `households`, `limit`);
 * - `too_many_households`: more households alone than `maxHouseholds` (`value`, `limit`);
 * - `too_few_households`: its connected candidates have fewer than `minHouseholds` households
 *   together (`value`, `compounds`, `limit`);
 * - `too_few_members`: they are fewer than `minMembers` compounds (`value`, `limit`);
 * - `cluster_too_large`: every cluster it could join or form would exceed `maxHouseholds` (`limit`);
 * - `span_too_long`: every cluster it could join or form would span more than `maxSpanM` (`limit`, metres).
 */
export type UnassignedCode =
  | "no_neighbour"
  | "no_candidate_neighbour"
  | "too_many_households"
  | "too_few_households"
  | "too_few_members"
  | "cluster_too_large"
  | "span_too_long";

/** Every {@link UnassignedCode}, for tests that each has a catalogue entry. */
export const UNASSIGNED_CODES: readonly UnassignedCode[] = [
  "no_neighbour",
  "no_candidate_neighbour",
  "too_many_households",
  "too_few_households",
  "too_few_members",
  "cluster_too_large",
  "span_too_long",
];

export interface Unassigned {
  id: number;
  reason: UnassignedReason;
  /** The rule that excluded it, with the numbers its message needs (see {@link UnassignedCode}). */
  code: UnassignedCode;
  params: Record<string, number>;
  /** The reason with its numbers, in English, e.g. "component too small (640 households)". */
  detail: string;
}

export interface ClusterResult {
  clusters: Cluster[];
  /** Candidates in no cluster, ascending by id; every candidate is in exactly one of the two lists. */
  unassigned: Unassigned[];
  /** Total heterogeneity (sum over clusters). */
  objective: number;
  /** How spans were measured. */
  spanMetric: "network" | "straight-line";
  candidateHouseholds: number;
  /** Candidate households in clusters (bundled partners not counted). */
  placedHouseholds: number;
}

const DEFAULTS = { minMembers: 1, improvePasses: 10 };
const EPS = 1e-9;

// ---------------------------------------------------------------------------------------------
// Context: compounds by index (candidates first, ascending id; then partners), adjacency, metrics.

interface Settings {
  minHouseholds: number;
  maxHouseholds: number;
  maxSpanM: number;
  minMembers: number;
  detourFactor: number;
  improvePasses: number;
  wDistance: number;
  wYear: number;
  wGaps: number;
}

interface Ctx {
  s: Settings;
  n: number;
  /** Indices below this are candidates, the rest partners. */
  nCand: number;
  ids: number[];
  households: number[];
  years: Array<number | null>;
  lonLat: Float64Array;
  gaps: Array<Uint32Array | null>;
  gapCodes: string[];
  professional: boolean[];
  /** Neighbour indices, ascending by id. */
  adj: number[][];
  /** How many neighbours (in the links) each compound has that are not given (neither candidate nor partner). */
  outside: number[];
  /** Walking distance between two compounds, metres (Infinity when beyond the searched bound). */
  dist: (i: number, j: number) => number;
  spanMetric: "network" | "straight-line";
}

function settingsOf(o: ClusterOptions): Settings {
  const s: Settings = {
    minHouseholds: o.minHouseholds,
    maxHouseholds: o.maxHouseholds,
    maxSpanM: o.maxSpanM,
    minMembers: o.minMembers ?? DEFAULTS.minMembers,
    detourFactor: o.detourFactor,
    improvePasses: o.improvePasses ?? DEFAULTS.improvePasses,
    wDistance: o.weights?.distance ?? 1,
    wYear: o.weights?.buildYear ?? 1,
    wGaps: o.weights?.gaps ?? 1,
  };
  const bad = (name: string, why: string) => {
    throw new RangeError(`options.${name} ${why}`);
  };
  for (const k of ["minHouseholds", "maxHouseholds", "maxSpanM", "improvePasses"] as const) {
    if (!Number.isFinite(s[k]) || s[k] < 0) bad(k, `must be a finite number ≥ 0, got ${s[k]}`);
  }
  if (!Number.isInteger(s.minMembers) || s.minMembers < 1) bad("minMembers", `must be an integer ≥ 1, got ${s.minMembers}`);
  if (!Number.isFinite(s.detourFactor) || s.detourFactor < 1) bad("detourFactor", `must be ≥ 1, got ${s.detourFactor}`);
  if (s.minHouseholds > s.maxHouseholds) bad("minHouseholds", `(${s.minHouseholds}) must not exceed options.maxHouseholds (${s.maxHouseholds})`);
  for (const [k, v] of [
    ["weights.distance", s.wDistance],
    ["weights.buildYear", s.wYear],
    ["weights.gaps", s.wGaps],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) bad(k, `must be a finite number ≥ 0, got ${v}`);
  }
  return s;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Build the context. `spanBound` limits network searches (pairs farther apart are Infinity);
 * `only`, when given, restricts network searches to those indices (checkCluster on a few members).
 */
function createContext(
  candidates: ClusterCompound[],
  partners: ClusterCompound[],
  links: AdjacencyLink[],
  s: Settings,
  walkGraph: WalkGraph | undefined,
  spanBound: number,
  only?: number[],
): Ctx {
  const byId = (a: ClusterCompound, b: ClusterCompound) => a.id - b.id;
  const cand = [...candidates].sort(byId);
  const part = [...partners].sort(byId);
  const all = [...cand, ...part];
  const index = new Map<number, number>();
  all.forEach((c, i) => {
    if (!Number.isFinite(c.id)) throw new RangeError(`compound id must be a number, got ${c.id}`);
    if (index.has(c.id)) throw new RangeError(`compound ${c.id} is given twice`);
    if (!Number.isFinite(c.households) || c.households < 0) throw new RangeError(`compound ${c.id}: households must be a number ≥ 0, got ${c.households}`);
    if (!Array.isArray(c.centroid) || !Number.isFinite(c.centroid[0]) || !Number.isFinite(c.centroid[1])) {
      throw new RangeError(`compound ${c.id}: centroid must be [lon, lat]`);
    }
    index.set(c.id, i);
  });
  const n = all.length;
  const lonLat = new Float64Array(2 * n);
  all.forEach((c, i) => {
    lonLat[2 * i] = c.centroid[0];
    lonLat[2 * i + 1] = c.centroid[1];
  });
  const gapCodes = [...new Set(all.flatMap((c) => c.missing ?? []))].sort();
  const gapIndex = new Map(gapCodes.map((g, k) => [g, k]));
  const words = Math.max(1, Math.ceil(gapCodes.length / 32));
  const gaps = all.map((c) => {
    if (!c.missing) return null;
    const bits = new Uint32Array(words);
    for (const g of c.missing) {
      const k = gapIndex.get(g)!;
      bits[k >> 5] |= 1 << (k & 31);
    }
    return bits;
  });
  const adjSets = all.map(() => new Set<number>());
  const outsideSets = all.map(() => new Set<number>());
  for (const l of links) {
    const a = index.get(l.a),
      b = index.get(l.b);
    if (a !== undefined && b === undefined) outsideSets[a].add(l.b);
    if (b !== undefined && a === undefined) outsideSets[b].add(l.a);
    if (a === undefined || b === undefined || a === b) continue;
    adjSets[a].add(b);
    adjSets[b].add(a);
  }
  const ids = all.map((c) => c.id);
  const adj = adjSets.map((set) => [...set].sort((x, y) => ids[x] - ids[y]));

  // Straight lines in a plane at the compounds' own latitude (geo.ts): good to 1e-4 across a city.
  const plane = new LocalProjection(n ? lonLat[0] : 0, n ? lonLat[1] : 0);
  const straight = (i: number, j: number) =>
    Math.hypot((lonLat[2 * i] - lonLat[2 * j]) * plane.kx, (lonLat[2 * i + 1] - lonLat[2 * j + 1]) * plane.ky) * s.detourFactor;
  let dist: (i: number, j: number) => number = (i, j) => (i === j ? 0 : straight(i, j));
  if (walkGraph) {
    const net = networkDistances(walkGraph, all, spanBound, only);
    dist = (i, j) => {
      if (i === j) return 0;
      if (!net.attached[i] || !net.attached[j]) return straight(i, j);
      return net.byPair[i].get(j) ?? Infinity;
    };
  }
  return {
    s,
    n,
    nCand: cand.length,
    ids,
    households: all.map((c) => c.households),
    years: all.map((c) => c.buildYear ?? null),
    lonLat,
    gaps,
    gapCodes,
    professional: all.map((c) => c.management === "professional"),
    adj,
    outside: outsideSets.map((set) => set.size),
    dist,
    spanMetric: walkGraph ? "network" : "straight-line",
  };
}

/**
 * Gate-to-gate walking distances (the nearest pair of gates) between compounds whose gates lie
 * within `boundM` of each other in a straight line, by one bounded Dijkstra per compound.
 */
function networkDistances(g: WalkGraph, all: ClusterCompound[], boundM: number, only?: number[]) {
  const edgeIndex = createEdgeIndex(g);
  const atts: Attachment[][] = all.map((c) => (c.gates ?? []).map(([lon, lat]) => attachPoint(g, edgeIndex, lon, lat)).filter((a): a is Attachment => !!a));
  const attached = atts.map((a) => a.length > 0);
  const byPair = all.map(() => new Map<number, number>());
  const sources = only ?? all.map((_, i) => i);
  // A point index over gates (straight-line metres) finds the compounds a bounded search can reach.
  const { lon: mPerDegLon, lat: mPerDegLat } = metresPerDegree(all.length ? all[0].centroid[1] : 0);
  const bounded = Number.isFinite(boundM);
  const targets = only ? new Set(only) : undefined;
  const gateOwner: number[] = [];
  const gateXY: Array<[number, number]> = [];
  all.forEach((c, j) => {
    if (!attached[j] || (targets && !targets.has(j))) return;
    for (const [lon, lat] of c.gates ?? []) {
      gateOwner.push(j);
      gateXY.push([lon * mPerDegLon, lat * mPerDegLat]);
    }
  });
  const gateIndex = createPointIndex(gateXY);
  const heap = new MinHeap(4096);
  const dist = new Float64Array(g.nodeCount);
  for (const i of sources) {
    if (!attached[i]) continue;
    const near = new Set<number>();
    if (bounded) {
      for (const [lon, lat] of all[i].gates ?? []) {
        const [x, y] = [lon * mPerDegLon, lat * mPerDegLat];
        // 1 % wider: the plane's scale at the first compound's latitude is not exact across a city.
        const r = boundM * 1.01 + 1;
        for (const k of gateIndex.search(x - r, y - r, x + r, y + r)) near.add(gateOwner[k]);
      }
    } else {
      for (const j of sources) if (attached[j]) near.add(j);
    }
    // Symmetric: only pairs i < j are searched from i (both are in `near` of each other).
    const todo = [...near].filter((j) => j > i);
    if (!todo.length) continue;
    multiSourceDijkstra(
      g,
      atts[i].flatMap((a) => attachmentSources(g, a)),
      { heap, out: dist, maxDistM: boundM },
    );
    for (const j of todo) {
      let best = Infinity;
      for (const b of atts[j]) {
        best = Math.min(best, distanceToAttachment(g, dist, b));
        // Two gates on the same street segment: along the segment directly.
        for (const a of atts[i]) if (a.edge === b.edge) best = Math.min(best, Math.abs(a.t - b.t) * g.edgeLengthM[a.edge] + a.connectorM + b.connectorM);
      }
      if (best <= boundM) {
        byPair[i].set(j, best);
        byPair[j].set(i, best);
      }
    }
  }
  return { attached, byPair };
}

/** d(i, j) of the objective (see the module comment). */
function pairCost(ctx: Ctx, i: number, j: number): number {
  const { s } = ctx;
  let d = (s.wDistance * ctx.dist(i, j)) / (s.maxSpanM || 1);
  if (i >= ctx.nCand || j >= ctx.nCand) return d;
  const yi = ctx.years[i],
    yj = ctx.years[j];
  if (yi !== null && yj !== null) d += (s.wYear * Math.abs(yi - yj)) / 10;
  const gi = ctx.gaps[i],
    gj = ctx.gaps[j];
  if (gi && gj && s.wGaps > 0) {
    let inter = 0,
      union = 0;
    for (let w = 0; w < gi.length; w++) {
      inter += popcount(gi[w] & gj[w]);
      union += popcount(gi[w] | gj[w]);
    }
    d += s.wGaps * (union === 0 ? 0 : 1 - inter / union);
  }
  return d;
}

const addCost = (ctx: Ctx, members: number[], f: number) => members.reduce((sum, r) => sum + pairCost(ctx, f, r), 0);

/** 0 when `f` may join `members` (households `hh`), else why not: 1 households, 2 span. */
function fits(ctx: Ctx, members: number[], hh: number, f: number): 0 | 1 | 2 {
  if (hh + ctx.households[f] > ctx.s.maxHouseholds) return 1;
  for (const r of members) if (!(ctx.dist(f, r) <= ctx.s.maxSpanM)) return 2;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Partition state

interface Region {
  members: number[];
  households: number;
}

interface State {
  /** Region slot of each compound, -1 when free. */
  of: Int32Array;
  regions: Array<Region | null>;
}

const newState = (ctx: Ctx): State => ({ of: new Int32Array(ctx.n).fill(-1), regions: [] });

function addRegion(st: State, members: number[], households: number): number {
  const k = st.regions.length;
  st.regions.push({ members, households });
  for (const m of members) st.of[m] = k;
  return k;
}

/** A candidate that can never be in a cluster (more households alone than the maximum). */
const tooBig = (ctx: Ctx, i: number) => ctx.households[i] > ctx.s.maxHouseholds;

type GrowOutcome = { members: number[]; households: number } | { fail: "exhausted" | "households" | "span" };

/**
 * Grow a region from `seed` over free compounds, cheapest addition first, until it reaches the
 * minimum. `pick` chooses among the feasible frontier; the default is the least added cost,
 * candidates before partners, ties by id.
 */
function grow(ctx: Ctx, st: State, seed: number, usePartners: boolean, byIdOnly = false): GrowOutcome {
  const { s } = ctx;
  const members = [seed];
  const inRegion = new Set(members);
  let hh = ctx.households[seed];
  while (hh < s.minHouseholds || members.length < s.minMembers) {
    let best = -1,
      bestCost = Infinity,
      bestPartner = true;
    let sawSpan = false,
      sawAny = false;
    const seen = new Set<number>();
    for (const r of members) {
      for (const f of ctx.adj[r]) {
        if (inRegion.has(f) || seen.has(f) || st.of[f] !== -1 || tooBig(ctx, f)) continue;
        const partner = f >= ctx.nCand;
        if (partner && !usePartners) continue;
        seen.add(f);
        sawAny = true;
        const why = fits(ctx, members, hh, f);
        if (why === 1) continue; // over the household maximum: "households" unless a span was also too long
        if (why === 2) {
          sawSpan = true;
          continue;
        }
        const cost = byIdOnly ? 0 : addCost(ctx, members, f);
        const better =
          best < 0 || (partner !== bestPartner ? !partner : cost < bestCost - EPS || (Math.abs(cost - bestCost) <= EPS && ctx.ids[f] < ctx.ids[best]));
        if (better) {
          best = f;
          bestCost = cost;
          bestPartner = partner;
        }
      }
    }
    if (best < 0) return { fail: !sawAny ? "exhausted" : sawSpan ? "span" : "households" };
    members.push(best);
    inRegion.add(best);
    hh += ctx.households[best];
  }
  return { members, households: hh };
}

type SeedOrder = "periphery" | "id" | "households";

/** Step 1: seeds in `order`, each tried once; regions that cannot reach the minimum dissolve. */
function construct(ctx: Ctx, order: SeedOrder, usePartners: boolean): State {
  const st = newState(ctx);
  const tried = new Uint8Array(ctx.n);
  const open = (i: number) => st.of[i] === -1 && !tried[i] && !tooBig(ctx, i);
  const freeDegree = (i: number) => {
    let k = 0;
    for (const f of ctx.adj[i]) if (f < ctx.nCand && st.of[f] === -1 && !tooBig(ctx, f)) k++;
    return k;
  };
  let cursor = 0;
  const byHouseholds =
    order === "households" ? [...Array(ctx.nCand).keys()].sort((a, b) => ctx.households[b] - ctx.households[a] || ctx.ids[a] - ctx.ids[b]) : [];
  for (;;) {
    let seed = -1;
    if (order === "periphery") {
      let bestDeg = Infinity;
      for (let i = 0; i < ctx.nCand; i++) {
        if (!open(i)) continue;
        const d = freeDegree(i);
        if (d < bestDeg) {
          bestDeg = d;
          seed = i;
        }
      }
    } else {
      const list = order === "households" ? byHouseholds : null;
      while (cursor < ctx.nCand && !open(list ? list[cursor] : cursor)) cursor++;
      if (cursor < ctx.nCand) seed = list ? list[cursor] : cursor;
    }
    if (seed < 0) break;
    tried[seed] = 1;
    const out = grow(ctx, st, seed, usePartners);
    if ("members" in out) addRegion(st, out.members, out.households);
  }
  return st;
}

/** Step 2: free candidates join the adjacent cluster they add least to, until nothing changes. */
function absorbEnclaves(ctx: Ctx, st: State): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (let u = 0; u < ctx.nCand; u++) {
      if (st.of[u] !== -1 || tooBig(ctx, u)) continue;
      let best = -1,
        bestCost = Infinity;
      for (const k of adjacentRegions(ctx, st, [u])) {
        const r = st.regions[k]!;
        if (fits(ctx, r.members, r.households, u) !== 0) continue;
        const cost = addCost(ctx, r.members, u);
        if (cost < bestCost - EPS) {
          best = k;
          bestCost = cost;
        }
      }
      if (best >= 0) {
        const r = st.regions[best]!;
        r.members.push(u);
        r.households += ctx.households[u];
        st.of[u] = best;
        changed = true;
      }
    }
  }
}

/** Slots of the regions next to `members` (not their own), ordered by their lowest member id. */
function adjacentRegions(ctx: Ctx, st: State, members: number[]): number[] {
  const own = new Set(members.map((m) => st.of[m]));
  const out = new Set<number>();
  for (const m of members)
    for (const f of ctx.adj[m]) {
      const k = st.of[f];
      if (k >= 0 && !own.has(k)) out.add(k);
    }
  const low = (k: number) => Math.min(...st.regions[k]!.members.map((m) => ctx.ids[m]));
  return [...out].sort((a, b) => low(a) - low(b));
}

/** Whether `members` minus `without` is still connected in the adjacency graph. */
function connectedWithout(ctx: Ctx, members: number[], without: number): boolean {
  const rest = new Set(members.filter((m) => m !== without));
  if (rest.size <= 1) return true;
  const start = rest.values().next().value as number;
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length) {
    const x = stack.pop()!;
    for (const y of ctx.adj[x])
      if (rest.has(y) && !seen.has(y)) {
        seen.add(y);
        stack.push(y);
      }
  }
  return seen.size === rest.size;
}

/** Step 3: move boundary candidates to a neighbouring cluster while that lowers the objective. */
function improve(ctx: Ctx, st: State): void {
  const { s } = ctx;
  for (let pass = 0; pass < s.improvePasses; pass++) {
    let moved = false;
    for (let m = 0; m < ctx.nCand; m++) {
      const from = st.of[m];
      if (from < 0) continue;
      const A = st.regions[from]!;
      if (A.members.length <= 1) continue;
      const hhLeft = A.households - ctx.households[m];
      if (hhLeft < s.minHouseholds || A.members.length - 1 < s.minMembers) continue;
      const others = adjacentRegions(ctx, st, [m]);
      if (!others.length) continue;
      const leaveGain = addCost(
        ctx,
        A.members.filter((x) => x !== m),
        m,
      );
      let best = -1,
        bestGain = EPS;
      for (const k of others) {
        const B = st.regions[k]!;
        if (fits(ctx, B.members, B.households, m) !== 0) continue;
        const gain = leaveGain - addCost(ctx, B.members, m);
        if (gain > bestGain) {
          best = k;
          bestGain = gain;
        }
      }
      if (best < 0 || !connectedWithout(ctx, A.members, m)) continue;
      A.members = A.members.filter((x) => x !== m);
      A.households = hhLeft;
      const B = st.regions[best]!;
      B.members.push(m);
      B.households += ctx.households[m];
      st.of[m] = best;
      moved = true;
    }
    if (!moved) break;
  }
}

/** Step 4 (肥瘦搭配): each cluster without a professionally managed member takes one adjacent partner. */
function bundlePartners(ctx: Ctx, st: State): void {
  const order = st.regions
    .map((_, k) => k)
    .filter((k) => st.regions[k])
    .sort((a, b) => Math.min(...st.regions[a]!.members.map((m) => ctx.ids[m])) - Math.min(...st.regions[b]!.members.map((m) => ctx.ids[m])));
  for (const k of order) {
    const r = st.regions[k]!;
    if (r.members.some((m) => ctx.professional[m])) continue;
    let best = -1,
      bestCost = Infinity;
    const seen = new Set<number>();
    for (const m of r.members) {
      for (const f of ctx.adj[m]) {
        if (f < ctx.nCand || st.of[f] !== -1 || seen.has(f)) continue;
        seen.add(f);
        if (fits(ctx, r.members, r.households, f) !== 0) continue;
        const cost = addCost(ctx, r.members, f);
        if (cost < bestCost - EPS || (Math.abs(cost - bestCost) <= EPS && ctx.ids[f] < ctx.ids[best])) {
          best = f;
          bestCost = cost;
        }
      }
    }
    if (best >= 0) {
      r.members.push(best);
      r.households += ctx.households[best];
      st.of[best] = k;
    }
  }
}

function heterogeneity(ctx: Ctx, members: number[]): number {
  let h = 0;
  for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) h += pairCost(ctx, members[x], members[y]);
  return h;
}

function spanOf(ctx: Ctx, members: number[]): { spanM: number; ends: [number, number] } {
  let spanM = 0;
  let ends: [number, number] = [members[0], members[0]];
  for (let x = 0; x < members.length; x++) {
    for (let y = x + 1; y < members.length; y++) {
      const d = ctx.dist(members[x], members[y]);
      if (d > spanM) {
        spanM = d;
        ends = [members[x], members[y]];
      }
    }
  }
  return { spanM, ends };
}

function describe(ctx: Ctx, members: number[]): Cluster {
  const sorted = [...members].sort((a, b) => ctx.ids[a] - ctx.ids[b]);
  const years = sorted.map((m) => ctx.years[m]).filter((y): y is number => y !== null);
  let shared: Uint32Array | null = null;
  for (const m of sorted) {
    const g = ctx.gaps[m];
    if (!g) continue;
    shared = shared ? shared.map((w, k) => w & g[k]) : g.slice();
  }
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    members: sorted.map((m) => ctx.ids[m]),
    households: sorted.reduce((s, m) => s + ctx.households[m], 0),
    spanM: round1(spanOf(ctx, sorted).spanM),
    meanBuildYear: years.length ? round1(years.reduce((s, y) => s + y, 0) / years.length) : null,
    buildYearSpread: years.length ? Math.max(...years) - Math.min(...years) : 0,
    sharedGaps: shared ? ctx.gapCodes.filter((_, k) => (shared![k >> 5] >>> (k & 31)) & 1) : [],
    bundled: sorted.filter((m) => m >= ctx.nCand).map((m) => ctx.ids[m]),
    heterogeneity: heterogeneity(ctx, sorted),
  };
}

/** Components over the compounds that could be in some cluster (`usable`: not too big; partners when used). */
function components(ctx: Ctx, usable: (i: number) => boolean) {
  const comp = new Int32Array(ctx.n).fill(-1);
  const compHouseholds: number[] = [];
  const compSize: number[] = [];
  for (let i = 0; i < ctx.n; i++) {
    if (comp[i] !== -1 || !usable(i)) continue;
    const k = compHouseholds.length;
    let hh = 0,
      size = 0;
    comp[i] = k;
    const stack = [i];
    while (stack.length) {
      const x = stack.pop()!;
      hh += ctx.households[x];
      size++;
      for (const y of ctx.adj[x])
        if (comp[y] === -1 && usable(y)) {
          comp[y] = k;
          stack.push(y);
        }
    }
    compHouseholds.push(hh);
    compSize.push(size);
  }
  return { comp, compHouseholds, compSize };
}

/**
 * A candidate with no neighbour it could cluster with, too small alone: `others` neighbours that
 * are not candidates (nor usable partners) make it `no_candidate_neighbour`, none `no_neighbour`.
 */
function isolated(ctx: Ctx, u: number, others: number): Unassigned {
  const [id, h, limit] = [ctx.ids[u], ctx.households[u], ctx.s.minHouseholds];
  if (others > 0) {
    return {
      id,
      reason: "no neighbours",
      code: "no_candidate_neighbour",
      params: { neighbours: others, households: h, limit },
      detail: `none of its ${others} neighbouring compounds is a candidate, and ${h} households alone are fewer than ${limit}`,
    };
  }
  return {
    id,
    reason: "no neighbours",
    code: "no_neighbour",
    params: { households: h, limit },
    detail: `no neighbouring compound, and ${h} households alone are fewer than ${limit}`,
  };
}

/** Why each free candidate is in no cluster (see {@link UnassignedReason}). */
function explainLeftovers(ctx: Ctx, st: State, usePartners: boolean): Unassigned[] {
  const { s } = ctx;
  const out: Unassigned[] = [];
  const usable = (i: number) => !tooBig(ctx, i) && (i < ctx.nCand || usePartners);
  const { comp, compHouseholds, compSize } = components(ctx, usable);
  for (let u = 0; u < ctx.nCand; u++) {
    if (st.of[u] !== -1) continue;
    const id = ctx.ids[u];
    const h = ctx.households[u];
    if (tooBig(ctx, u)) {
      out.push({
        id,
        reason: "would exceed max households",
        code: "too_many_households",
        params: { value: h, limit: s.maxHouseholds },
        detail: `${h} households alone, more than the maximum ${s.maxHouseholds}`,
      });
      continue;
    }
    if (!ctx.adj[u].some((f) => f < ctx.nCand || usePartners)) {
      out.push(isolated(ctx, u, ctx.outside[u] + ctx.adj[u].length));
      continue;
    }
    const k = comp[u];
    if (compHouseholds[k] < s.minHouseholds || compSize[k] < s.minMembers) {
      out.push({
        id,
        reason: "component too small",
        ...(compHouseholds[k] < s.minHouseholds
          ? { code: "too_few_households", params: { value: compHouseholds[k], compounds: compSize[k], limit: s.minHouseholds } }
          : { code: "too_few_members", params: { value: compSize[k], limit: s.minMembers } }),
        detail: `component too small (${compHouseholds[k]} households in ${compSize[k]} compounds)`,
      });
      continue;
    }
    // Could it join an adjacent cluster? Say what stops it.
    let households = false,
      span = false,
      joinable = false;
    for (const r of adjacentRegions(ctx, st, [u])) {
      const why = fits(ctx, st.regions[r]!.members, st.regions[r]!.households, u);
      if (why === 1) households = true;
      else if (why === 2) span = true;
      else joinable = true;
    }
    // Could it start a region of its own among the free compounds?
    const alone = grow(ctx, st, u, usePartners);
    if ("fail" in alone) {
      if (alone.fail === "households") households = true;
      if (alone.fail === "span") span = true;
    }
    if (span) {
      out.push({
        id,
        reason: "would exceed span",
        code: "span_too_long",
        params: { limit: s.maxSpanM },
        detail: `every cluster it could join or form would span more than ${s.maxSpanM} m`,
      });
    } else if (households) {
      out.push({
        id,
        reason: "would exceed max households",
        code: "cluster_too_large",
        params: { limit: s.maxHouseholds },
        detail: `every cluster it could join would have more than ${s.maxHouseholds} households`,
      });
    } else {
      let free = 0;
      const seen = new Set([u]);
      const stack = [u];
      while (stack.length) {
        const x = stack.pop()!;
        free += ctx.households[x];
        for (const y of ctx.adj[x])
          if (!seen.has(y) && st.of[y] === -1 && usable(y)) {
            seen.add(y);
            stack.push(y);
          }
      }
      // (joinable happens only with the greedy baseline, which has no enclave step)
      out.push({
        id,
        reason: "component too small",
        code: "too_few_households",
        params: { value: free, limit: s.minHouseholds },
        detail: `component too small (${free} households left unclustered around it${joinable ? "; it could join an adjacent cluster" : ""})`,
      });
    }
  }
  return out;
}

function result(ctx: Ctx, st: State, usePartners: boolean): ClusterResult {
  const clusters = st.regions
    .filter((r): r is Region => !!r && r.members.length > 0)
    .map((r) => describe(ctx, r.members))
    .sort((a, b) => a.members[0] - b.members[0]);
  let candidateHouseholds = 0,
    placedHouseholds = 0;
  for (let i = 0; i < ctx.nCand; i++) {
    candidateHouseholds += ctx.households[i];
    if (st.of[i] !== -1) placedHouseholds += ctx.households[i];
  }
  return {
    clusters,
    unassigned: explainLeftovers(ctx, st, usePartners),
    objective: clusters.reduce((s, c) => s + c.heterogeneity, 0),
    spanMetric: ctx.spanMetric,
    candidateHouseholds,
    placedHouseholds,
  };
}

function partnersOf(options: ClusterOptions): ClusterCompound[] {
  return options.bundleManaged ? (options.partners ?? []).filter((p) => p.management === "professional") : [];
}

/**
 * Form 连片 clusters from `candidates` over the adjacency graph `pairs` (max-p regionalisation
 * with household and span limits; the method and objective are in the module comment).
 *
 * @param candidates compounds to cluster (e.g. every pre-2000 compound of a subdistrict); centroids
 *   and gates in EPSG:4326.
 * @param pairs neighbouring compounds, e.g. `GET /api/compounds/adjacency` `pairs`; pairs naming
 *   compounds that are not given are ignored.
 * @example
 *   const { clusters, unassigned } = clusterCompounds(candidates, adjacency.pairs, { minHouseholds: 1000 });
 */
export function clusterCompounds(candidates: ClusterCompound[], pairs: AdjacencyLink[], options: ClusterOptions): ClusterResult {
  const s = settingsOf(options);
  const partners = partnersOf(options);
  const usePartners = partners.length > 0;
  const ctx = createContext(candidates, partners, pairs, s, options.walkGraph, s.maxSpanM);
  let best: { st: State; placed: number; p: number; objective: number } | undefined;
  for (const order of ["periphery", "id", "households"] as const) {
    const st = construct(ctx, order, usePartners);
    absorbEnclaves(ctx, st);
    if (s.improvePasses > 0) {
      improve(ctx, st);
      absorbEnclaves(ctx, st);
    }
    if (usePartners) bundlePartners(ctx, st);
    let placed = 0;
    for (let i = 0; i < ctx.nCand; i++) if (st.of[i] !== -1) placed += ctx.households[i];
    const live = st.regions.filter((r): r is Region => !!r);
    const objective = live.reduce((sum, r) => sum + heterogeneity(ctx, r.members), 0);
    const better =
      !best || placed > best.placed || (placed === best.placed && (live.length > best.p || (live.length === best.p && objective < best.objective - EPS)));
    if (better) best = { st, placed, p: live.length, objective };
  }
  return result(ctx, best!.st, usePartners);
}

/**
 * The baseline for the benchmark: sweep candidates by id; from each free one, add free neighbours
 * in id order (skipping those that would break the household or span limits) until the minimum is
 * reached, else release them. No objective, no enclave step, no improvement, no partners.
 */
export function greedyClusters(candidates: ClusterCompound[], pairs: AdjacencyLink[], options: ClusterOptions): ClusterResult {
  const s = settingsOf(options);
  const ctx = createContext(candidates, [], pairs, s, options.walkGraph, s.maxSpanM);
  const st = newState(ctx);
  for (let u = 0; u < ctx.nCand; u++) {
    if (st.of[u] !== -1 || tooBig(ctx, u)) continue;
    const out = grow(ctx, st, u, false, true);
    if ("members" in out) addRegion(st, out.members, out.households);
  }
  return result(ctx, st, false);
}

/**
 * The rules a hand-edited cluster breaks (contiguity, household limits, span), as warnings.
 * Members may be candidates or partners; spans are exact (network searches are not bounded here).
 *
 * @param members compound ids of the cluster.
 * @param compounds the compounds the ids refer to (others may be present).
 * @param pairs the adjacency graph, as for {@link clusterCompounds}.
 * @example
 *   checkCluster([12, 13, 40], compounds, pairs); // [{ code: "not_contiguous", message: "…" }]
 */
export function checkCluster(members: number[], compounds: ClusterCompound[], pairs: AdjacencyLink[], options: ClusterOptions): ClusterViolation[] {
  const s = settingsOf(options);
  const out: ClusterViolation[] = [];
  if (!members.length) return [{ code: "empty", message: "the cluster has no members" }];
  const known = new Map<number, ClusterCompound>();
  for (const c of [...compounds, ...(options.partners ?? [])]) if (!known.has(c.id)) known.set(c.id, c);
  const unknown = members.filter((id) => !known.has(id));
  if (unknown.length) out.push({ code: "unknown_compound", message: `no such compound: ${unknown.join(", ")}`, ids: unknown });
  const dups = [...new Set(members.filter((id, k) => members.indexOf(id) !== k))];
  if (dups.length) out.push({ code: "duplicate_member", message: `listed more than once: ${dups.join(", ")}`, ids: dups });
  const chosen = [...new Set(members)].filter((id) => known.has(id)).map((id) => known.get(id)!);
  if (!chosen.length) return out;
  const ctx = createContext(chosen, [], pairs, s, options.walkGraph, Infinity);
  const all = [...Array(ctx.n).keys()];

  // Contiguity: the pieces of the members' own adjacency graph.
  const groups = memberPieces(ctx.ids, pairs);
  if (groups.length > 1) {
    const pieces = [...groups].sort((a, b) => a.length - b.length || a[0] - b[0]);
    out.push({
      code: "not_contiguous",
      ids: pieces[0],
      value: pieces.length,
      groups,
      message: `the members form ${pieces.length} separate groups (${pieces.map((p) => p.join("+")).join(" | ")}); none of one neighbours any of another`,
    });
  }
  if (ctx.n < s.minMembers) out.push({ code: "too_few_members", message: `${ctx.n} compounds, fewer than the minimum ${s.minMembers}` });
  const households = ctx.households.reduce((a, b) => a + b, 0);
  if (households < s.minHouseholds) {
    out.push({
      code: "too_few_households",
      value: households,
      limit: s.minHouseholds,
      message: `${households} households, fewer than the minimum ${s.minHouseholds} (enough to carry one professional property service)`,
    });
  }
  if (households > s.maxHouseholds) {
    out.push({
      code: "too_many_households",
      value: households,
      limit: s.maxHouseholds,
      message: `${households} households, more than the maximum ${s.maxHouseholds} (to build in one season)`,
    });
  }
  const { spanM, ends } = spanOf(ctx, all);
  if (spanM > s.maxSpanM) {
    const how = ctx.spanMetric === "network" ? "walk" : `straight line × ${s.detourFactor}`;
    const length = Number.isFinite(spanM) ? `${Math.round(spanM)} m` : "not connected on the walk network";
    out.push({
      code: "span_too_long",
      ids: ends.map((x) => ctx.ids[x]),
      value: Number.isFinite(spanM) ? Math.round(spanM * 10) / 10 : null,
      limit: s.maxSpanM,
      message: `${ctx.ids[ends[0]]} to ${ctx.ids[ends[1]]}: ${how} ${length}, more than the maximum span ${s.maxSpanM} m`,
    });
  }
  return out;
}

/**
 * The pieces of a set of compounds that touch each other: the connected components of their own
 * adjacency graph (links to other compounds ignored), each ascending, the largest first (ties by
 * lowest id). One piece means the set is contiguous.
 */
export function memberPieces(ids: number[], pairs: AdjacencyLink[]): number[][] {
  const members = [...new Set(ids)].sort((a, b) => a - b);
  const index = new Map(members.map((id, i) => [id, i]));
  const adj = members.map(() => [] as number[]);
  for (const l of pairs) {
    const a = index.get(l.a),
      b = index.get(l.b);
    if (a === undefined || b === undefined || a === b) continue;
    adj[a].push(b);
    adj[b].push(a);
  }
  const piece = new Int32Array(members.length).fill(-1);
  const pieces: number[][] = [];
  for (let i = 0; i < members.length; i++) {
    if (piece[i] !== -1) continue;
    const list = [i];
    piece[i] = pieces.length;
    for (let q = 0; q < list.length; q++)
      for (const y of adj[list[q]])
        if (piece[y] === -1) {
          piece[y] = pieces.length;
          list.push(y);
        }
    pieces.push(list.map((x) => members[x]).sort((a, b) => a - b));
  }
  return pieces.sort((a, b) => b.length - a.length || a[0] - b[0]);
}

/** Households, span, mean build year and shared gaps of any set of compounds (e.g. a cluster edited by hand). */
export function describeCluster(members: number[], compounds: ClusterCompound[], options: ClusterOptions): Cluster {
  const s = settingsOf(options);
  const want = new Set(members);
  const chosen = compounds.filter((c) => want.delete(c.id));
  const partners = (options.partners ?? []).filter((c) => want.delete(c.id));
  if (want.size) throw new RangeError(`no such compound: ${[...want].join(", ")}`);
  const ctx = createContext(chosen, partners, [], s, options.walkGraph, Infinity);
  return describe(ctx, [...Array(ctx.n).keys()]);
}
