import { attachPoint, attachmentSources, distanceToAttachment, type Attachment } from "./attach";
import {
  attachFacilities,
  distancesToFacilities,
  summariseCoverage,
  type AttachedFacilities,
  type CoverageCategory,
  type CoverageContext,
  type CoverageFacility,
  type CoverageResult,
} from "./coverage";
import { multiSourceDijkstra } from "./dijkstra";

/** A proposed change to the facilities: a new one, an existing one moved, or one removed. */
export interface FacilityChange {
  /** The client's id for this change (stable across saves). */
  key: string;
  action: "add" | "move" | "remove";
  /** Category code (needed to add). */
  category?: string;
  /** The existing amenity moved or removed. */
  amenityId?: number;
  /** Where it goes (add, move), EPSG:4326. */
  lonLat?: [number, number];
}

/** A proposed new gate in a compound's wall. */
export interface GateChange {
  key: string;
  action: "add";
  compoundId: number;
  lonLat: [number, number];
}

/** What a what-if scenario changes; the API stores exactly this shape. */
export interface ScenarioChanges {
  facilities: FacilityChange[];
  gates: GateChange[];
}

export const NO_CHANGES: ScenarioChanges = { facilities: [], gates: [] };

/**
 * The facilities after the changes. Added ones get negative ids (−1, −2, … in change order).
 * Also returns the categories whose facilities changed. Changes naming an amenity that does not
 * exist are ignored and listed in `unknownAmenities`.
 */
export function applyFacilityChanges(base: CoverageFacility[], changes: FacilityChange[]) {
  const byId = new Map(base.map((f) => [f.id, f]));
  const out = new Map(byId);
  const touched = new Set<string>();
  const unknownAmenities: number[] = [];
  let next = -1;
  for (const c of changes) {
    if (c.action === "add") {
      if (!c.category || !c.lonLat) continue;
      out.set(next, { id: next, category: c.category, lonLat: c.lonLat });
      next--;
      touched.add(c.category);
      continue;
    }
    const f = c.amenityId === undefined ? undefined : byId.get(c.amenityId);
    if (!f) {
      if (c.amenityId !== undefined) unknownAmenities.push(c.amenityId);
      continue;
    }
    touched.add(f.category);
    if (c.action === "remove") out.delete(f.id);
    else if (c.lonLat) out.set(f.id, { ...f, lonLat: c.lonLat });
  }
  return { facilities: [...out.values()], touched, unknownAmenities };
}

/** Per category: households and compounds that the changes newly cover, or no longer cover. */
export interface CategoryChange {
  code: string;
  gainedHouseholds: number;
  lostHouseholds: number;
  gainedCompounds: number;
  lostCompounds: number;
}

/** A compound whose coverage changed: categories it gains and loses. */
export interface CompoundChange {
  id: number;
  gained: string[];
  lost: string[];
}

export interface WhatIfResult {
  after: CoverageResult;
  distances: Map<string, Float64Array>;
  byCategory: CategoryChange[];
  compounds: CompoundChange[];
  /** Proposed gates that lie too far from any street to join the network. */
  unattachedGates: string[];
  /** Changes naming amenities that do not exist (any more). */
  unknownAmenities: number[];
}

/**
 * Coverage after a scenario, recomputing only what it touches: one search per category whose
 * facilities changed, and for compounds with a proposed gate one search from the new gates.
 *
 * @param before the baseline's per-category distances (from `computeCoverage`)
 */
export function runWhatIf(
  ctx: CoverageContext,
  baseFacilities: CoverageFacility[],
  categories: CoverageCategory[],
  before: { result: CoverageResult; distances: Map<string, Float64Array> },
  changes: ScenarioChanges,
  opts: { exactDistances?: boolean } = {},
): WhatIfResult {
  const { facilities, touched, unknownAmenities } = applyFacilityChanges(baseFacilities, changes.facilities);
  const attached: AttachedFacilities = attachFacilities(ctx, facilities);
  // Proposed gates join the compound's gates.
  const indexOf = new Map(ctx.compounds.map((c, i) => [c.id, i]));
  const newGates = new Map<number, Attachment[]>();
  const unattachedGates: string[] = [];
  for (const g of changes.gates) {
    const i = indexOf.get(g.compoundId);
    const a = i === undefined ? undefined : attachPoint(ctx.graph, ctx.index, g.lonLat[0], g.lonLat[1]);
    if (i === undefined || !a) {
      unattachedGates.push(g.key);
      continue;
    }
    (newGates.get(i) ?? newGates.set(i, []).get(i)!).push(a);
  }
  const after: CoverageContext =
    newGates.size === 0
      ? ctx
      : {
          ...ctx,
          gateAttachments: ctx.gateAttachments.map((gs, i) => (newGates.has(i) ? [...gs, ...newGates.get(i)!] : gs)),
        };
  const bound = (cat: CoverageCategory) => (opts.exactDistances ? Infinity : cat.limitM);
  const distances = new Map<string, Float64Array>();
  for (const cat of categories) {
    if (touched.has(cat.code)) distances.set(cat.code, distancesToFacilities(after, attached.byCategory.get(cat.code) ?? [], bound(cat)).slice());
    else distances.set(cat.code, before.distances.get(cat.code)!.slice());
  }
  // Untouched categories: only compounds with a new gate can get closer, through that gate.
  if (newGates.size) {
    const maxBound = Math.max(0, ...categories.map(bound));
    const dist = new Float64Array(ctx.graph.nodeCount);
    for (const [i, gates] of newGates) {
      multiSourceDijkstra(
        ctx.graph,
        gates.flatMap((g) => attachmentSources(ctx.graph, g)),
        { out: dist, heap: ctx.heap, maxDistM: maxBound },
      );
      for (const cat of categories) {
        if (touched.has(cat.code)) continue;
        const d = distances.get(cat.code)!;
        for (const f of attached.byCategory.get(cat.code) ?? []) {
          let x = distanceToAttachment(ctx.graph, dist, f);
          for (const g of gates) {
            if (g.edge === f.edge) x = Math.min(x, Math.abs(g.t - f.t) * ctx.graph.edgeLengthM[g.edge] + g.connectorM + f.connectorM);
          }
          // Bounded searches report only distances within the limit.
          if (x <= bound(cat) && x < d[i]) d[i] = x;
        }
      }
    }
  }
  const present = new Set(facilities.map((f) => f.category));
  const result = summariseCoverage(
    after,
    categories,
    distances,
    attached.unattached,
    categories.filter((c) => !present.has(c.code)).map((c) => c.code),
  );
  return { after: result, distances, ...diffCoverage(before.result, result, ctx, categories), unattachedGates, unknownAmenities };
}

/** What changed between two coverage results of the same compounds. */
export function diffCoverage(before: CoverageResult, after: CoverageResult, ctx: CoverageContext, categories: CoverageCategory[]) {
  const byCategory: CategoryChange[] = categories.map((c) => ({ code: c.code, gainedHouseholds: 0, lostHouseholds: 0, gainedCompounds: 0, lostCompounds: 0 }));
  const compounds: CompoundChange[] = [];
  const index = new Map(categories.map((c, k) => [c.code, k]));
  ctx.compounds.forEach((c, i) => {
    const was = before.compounds[i].missing,
      now = after.compounds[i].missing;
    // Both lists follow the category order: equal lists (the common case) need no sets.
    if (was.length === now.length && was.every((m, j) => m === now[j])) return;
    const gained = was.filter((m) => !now.includes(m));
    const lost = now.filter((m) => !was.includes(m));
    compounds.push({ id: c.id, gained, lost });
    for (const m of gained) {
      const k = byCategory[index.get(m)!];
      k.gainedHouseholds += c.households;
      k.gainedCompounds++;
    }
    for (const m of lost) {
      const k = byCategory[index.get(m)!];
      k.lostHouseholds += c.households;
      k.lostCompounds++;
    }
  });
  return { byCategory: byCategory.filter((k) => k.gainedCompounds || k.lostCompounds), compounds };
}
