import { attachPoint, attachmentSources, createEdgeIndex, distanceToAttachment, type Attachment, type EdgeIndex } from "./attach";
import { connectedComponents } from "./components";
import { type DistanceField, distanceField } from "./core-graph";
import { MinHeap } from "./dijkstra";
import type { WalkGraph } from "./walk-graph";

export interface CoverageCompound {
  id: number;
  households: number;
  gates: Array<[number, number]>;
}
export interface CoverageFacility {
  id: number;
  category: string;
  lonLat: [number, number];
}
export interface CoverageCategory {
  code: string;
  circle: string;
  limitM: number;
}

export interface CompoundCoverage {
  id: number;
  /** Share of the profile's categories reached within their limits (0–1). */
  score: number;
  /** Categories not reached within their limit. */
  missing: string[];
  /** Nearest network distance to each category (metres; Infinity when unreachable). */
  distanceM: Record<string, number>;
}

export interface CoverageSummary {
  code: string;
  coveredCompounds: number;
  coveredHouseholds: number;
  totalHouseholds: number;
  /** Household-weighted share covered (0–1). */
  share: number;
}

export interface CoverageResult {
  compounds: CompoundCoverage[];
  byCategory: CoverageSummary[];
  /** Per living circle: households × categories covered over households × categories. */
  byCircle: Array<{ circle: string; share: number }>;
  /** Compounds with no gate that joins the network (reported, not dropped): "no access". */
  unattachedCompounds: number[];
  /** Their households, counted apart (they are in every share's total, and never covered). */
  noAccessHouseholds: number;
  /** Compounds whose every gate joins a piece of the network cut off from the main one. */
  isolatedCompounds: number[];
  /** Categories with no facility at all in the city: "none in the city", not "unreachable". */
  absentCategories: string[];
  /** Facilities too far from any street to join the network. */
  unattachedFacilities: number[];
}

/** Everything that depends only on the network and the gates, reused across what-if runs. */
export interface CoverageContext {
  graph: WalkGraph;
  index: EdgeIndex;
  compounds: CoverageCompound[];
  gateAttachments: Attachment[][];
  heap: MinHeap;
  dist: Float64Array;
  /** Attachments of points already attached, by "lon,lat": what-if runs re-attach only what moved. */
  attachCache: Map<string, Attachment | undefined>;
  /** Connected component of every node (0 = the main network). */
  componentOfNode: Int32Array;
}

export function createCoverageContext(graph: WalkGraph, compounds: CoverageCompound[]): CoverageContext {
  const index = createEdgeIndex(graph);
  const gateAttachments = compounds.map((c) => c.gates.map(([lon, lat]) => attachPoint(graph, index, lon, lat)).filter((a): a is Attachment => !!a));
  return {
    graph,
    index,
    compounds,
    gateAttachments,
    heap: new MinHeap(4096),
    dist: new Float64Array(graph.nodeCount),
    attachCache: new Map(),
    componentOfNode: connectedComponents(graph).componentOfNode,
  };
}

/**
 * One category's distance field: a multi-source search from its facilities over the core graph
 * (core-graph.ts), each facility the owner of what it reaches first. `ids` name the owners (the
 * facilities' ids; their positions when absent), so a what-if can add or remove one later.
 */
export function facilityField(ctx: CoverageContext, facilities: Attachment[], maxDistM = Infinity, ids?: number[]): DistanceField {
  const { graph } = ctx;
  return distanceField(
    graph,
    facilities.map((a, k) => ({ owner: ids?.[k] ?? k, sources: attachmentSources(graph, a) })),
    maxDistM,
  );
}

/**
 * Nearest walking distance (metres) from every compound (the minimum over its gates) to the
 * facilities whose field `field` is; `facilities` are the same facilities' attachments.
 */
export function compoundDistances(ctx: CoverageContext, field: DistanceField, facilities: Attachment[]): Float64Array {
  const { graph } = ctx;
  // A facility on the same street segment as a gate is reached along that segment directly.
  const onEdge = new Map<number, Attachment[]>();
  for (const f of facilities) (onEdge.get(f.edge) ?? onEdge.set(f.edge, []).get(f.edge)!).push(f);
  const out = new Float64Array(ctx.compounds.length);
  ctx.gateAttachments.forEach((gates, i) => {
    let best = Infinity;
    for (const gate of gates) {
      best = Math.min(best, distanceToAttachment(graph, field, gate));
      for (const f of onEdge.get(gate.edge) ?? []) {
        best = Math.min(best, Math.abs(gate.t - f.t) * graph.edgeLengthM[gate.edge] + gate.connectorM + f.connectorM);
      }
    }
    out[i] = best;
  });
  return out;
}

/**
 * Nearest walking distance (metres) from every compound (the minimum over its gates) to the
 * nearest facility in `facilities`: one multi-source search for all of them.
 */
export function distancesToFacilities(ctx: CoverageContext, facilities: Attachment[], maxDistM = Infinity): Float64Array {
  return compoundDistances(ctx, facilityField(ctx, facilities, maxDistM), facilities);
}

/** Facilities attached to the network, grouped by category; those too far from any street are listed apart. */
export interface AttachedFacilities {
  byCategory: Map<string, Attachment[]>;
  /** The ids of the facilities in `byCategory`, in the same order. */
  idsByCategory: Map<string, number[]>;
  unattached: number[];
  /** Categories with no facility at all among those given (not merely none attached). */
  absent?: string[];
}

export function attachFacilities(ctx: CoverageContext, facilities: CoverageFacility[]): AttachedFacilities {
  const unattached: number[] = [];
  const byCategory = new Map<string, Attachment[]>();
  const idsByCategory = new Map<string, number[]>();
  for (const f of facilities) {
    const key = `${f.lonLat[0]},${f.lonLat[1]}`;
    let a = ctx.attachCache.get(key);
    if (a === undefined && !ctx.attachCache.has(key)) {
      a = attachPoint(ctx.graph, ctx.index, f.lonLat[0], f.lonLat[1]);
      ctx.attachCache.set(key, a);
    }
    if (!a) {
      unattached.push(f.id);
      continue;
    }
    (byCategory.get(f.category) ?? byCategory.set(f.category, []).get(f.category)!).push(a);
    (idsByCategory.get(f.category) ?? idsByCategory.set(f.category, []).get(f.category)!).push(f.id);
  }
  return { byCategory, idsByCategory, unattached };
}

export interface CoverageOptions {
  /**
   * When false (the default) each category's search stops at its limit, which is all coverage
   * needs; distances beyond the limit are then reported as Infinity. When true every distance is
   * exact, at the cost of searching the whole network once per category.
   */
  exactDistances?: boolean;
}

/** A coverage run with what a what-if needs to start from: per category the compounds' distances and the facilities' field. */
export interface CoverageRun extends CoverageResult {
  distances: Map<string, Float64Array>;
  fields: Map<string, DistanceField>;
}

/**
 * Coverage of every compound for every category of the standards profile. Tiers do not nest: each
 * category is judged only by its own facilities against its own limit.
 *
 * @example
 *   const ctx = createCoverageContext(graph, compounds);
 *   const result = computeCoverage(ctx, facilities, standards.categories);
 *   result.compounds[0].missing; // ["kindergarten", …]
 */
export function computeCoverage(
  ctx: CoverageContext,
  facilities: CoverageFacility[] | AttachedFacilities,
  categories: CoverageCategory[],
  opts: CoverageOptions = {},
): CoverageRun {
  const attached = Array.isArray(facilities) ? attachFacilities(ctx, facilities) : facilities;
  if (Array.isArray(facilities)) {
    const present = new Set(facilities.map((f) => f.category));
    attached.absent = categories.filter((c) => !present.has(c.code)).map((c) => c.code);
  }
  const distances = new Map<string, Float64Array>();
  const fields = new Map<string, DistanceField>();
  for (const cat of categories) {
    const atts = attached.byCategory.get(cat.code) ?? [];
    const field = facilityField(ctx, atts, opts.exactDistances ? Infinity : cat.limitM, attached.idsByCategory.get(cat.code));
    fields.set(cat.code, field);
    distances.set(cat.code, compoundDistances(ctx, field, atts));
  }
  return { ...summariseCoverage(ctx, categories, distances, attached.unattached, attached.absent), distances, fields };
}

/** One compound's record from the per-category distance columns (in category order). */
function compoundRecord(c: CoverageCompound, i: number, categories: CoverageCategory[], columns: Float64Array[]): CompoundCoverage {
  const distanceM: Record<string, number> = {};
  const missing: string[] = [];
  for (let k = 0; k < categories.length; k++) {
    const d = columns[k][i];
    distanceM[categories[k].code] = d;
    if (!(d <= categories[k].limitM)) missing.push(categories[k].code);
  }
  return { id: c.id, score: categories.length ? 1 - missing.length / categories.length : 1, missing, distanceM };
}

/** Household-weighted shares per category and per living circle from covered counts. */
function shares(categories: CoverageCategory[], coveredCompounds: number[], coveredHouseholds: number[], totalHouseholds: number) {
  const byCategory: CoverageSummary[] = categories.map((cat, k) => ({
    code: cat.code,
    coveredCompounds: coveredCompounds[k],
    coveredHouseholds: coveredHouseholds[k],
    totalHouseholds,
    share: totalHouseholds ? coveredHouseholds[k] / totalHouseholds : 0,
  }));
  const circleTotals = new Map<string, { covered: number; total: number }>();
  categories.forEach((cat, k) => {
    const t = circleTotals.get(cat.circle) ?? { covered: 0, total: 0 };
    t.covered += coveredHouseholds[k];
    t.total += totalHouseholds;
    circleTotals.set(cat.circle, t);
  });
  return { byCategory, byCircle: [...circleTotals].map(([circle, t]) => ({ circle, share: t.total ? t.covered / t.total : 0 })) };
}

/** Compounds with no gate on the network, their households, and those whose every gate is on a cut-off piece. */
function access(ctx: CoverageContext): Pick<CoverageResult, "unattachedCompounds" | "noAccessHouseholds" | "isolatedCompounds"> {
  return {
    unattachedCompounds: ctx.compounds.filter((_, i) => ctx.gateAttachments[i].length === 0).map((c) => c.id),
    noAccessHouseholds: ctx.compounds.reduce((s, c, i) => s + (ctx.gateAttachments[i].length === 0 ? c.households : 0), 0),
    isolatedCompounds: ctx.compounds
      .filter((_, i) => {
        const gates = ctx.gateAttachments[i];
        return gates.length > 0 && gates.every((a) => ctx.componentOfNode[ctx.graph.edgeSource[a.edge]] !== 0);
      })
      .map((c) => c.id),
  };
}

/** Scores, missing lists and household-weighted shares from per-category distances. */
export function summariseCoverage(
  ctx: CoverageContext,
  categories: CoverageCategory[],
  distances: Map<string, Float64Array>,
  unattachedFacilities: number[] = [],
  absentCategories: string[] = [],
): CoverageResult {
  // Row by row (one compound at a time): every record gets its keys in the same order, which
  // keeps this linear pass cheap on big cities.
  const columns = categories.map((c) => distances.get(c.code)!);
  const coveredCompounds = new Array<number>(categories.length).fill(0);
  const coveredHouseholds = new Array<number>(categories.length).fill(0);
  let totalHouseholds = 0;
  const compounds: CompoundCoverage[] = ctx.compounds.map((c, i) => {
    totalHouseholds += c.households;
    for (let k = 0; k < categories.length; k++) {
      if (columns[k][i] <= categories[k].limitM) {
        coveredCompounds[k]++;
        coveredHouseholds[k] += c.households;
      }
    }
    return compoundRecord(c, i, categories, columns);
  });
  return {
    compounds,
    ...shares(categories, coveredCompounds, coveredHouseholds, totalHouseholds),
    ...access(ctx),
    absentCategories,
    unattachedFacilities,
  };
}

/**
 * `before` with new distances for the compounds at `changed` only (a what-if): their records are
 * rebuilt and the counts adjusted; every other record is `before`'s own. `gatesChanged` recounts
 * the compounds without access (proposed gates can give some).
 */
export function updateSummary(
  ctx: CoverageContext,
  categories: CoverageCategory[],
  before: { result: CoverageResult; distances: Map<string, Float64Array> },
  distances: Map<string, Float64Array>,
  changed: Iterable<number>,
  rest: { unattachedFacilities: number[]; absentCategories: string[]; gatesChanged: boolean },
): CoverageResult {
  const was = categories.map((c) => before.distances.get(c.code)!);
  const now = categories.map((c) => distances.get(c.code)!);
  const coveredCompounds = before.result.byCategory.map((b) => b.coveredCompounds);
  const coveredHouseholds = before.result.byCategory.map((b) => b.coveredHouseholds);
  const compounds = before.result.compounds.slice();
  for (const i of changed) {
    const c = ctx.compounds[i];
    for (let k = 0; k < categories.length; k++) {
      const delta = Number(now[k][i] <= categories[k].limitM) - Number(was[k][i] <= categories[k].limitM);
      coveredCompounds[k] += delta;
      coveredHouseholds[k] += delta * c.households;
    }
    compounds[i] = compoundRecord(c, i, categories, now);
  }
  const totalHouseholds = before.result.byCategory[0]?.totalHouseholds ?? 0;
  return {
    compounds,
    ...shares(categories, coveredCompounds, coveredHouseholds, totalHouseholds),
    ...(rest.gatesChanged ? access(ctx) : pick(before.result)),
    absentCategories: rest.absentCategories,
    unattachedFacilities: rest.unattachedFacilities,
  };
}

const pick = (r: CoverageResult) => ({
  unattachedCompounds: r.unattachedCompounds,
  noAccessHouseholds: r.noAccessHouseholds,
  isolatedCompounds: r.isolatedCompounds,
});
