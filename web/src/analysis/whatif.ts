import { attachPoint, attachmentSources, distanceToAttachment, type Attachment } from "./attach";
import {
  attachFacilities,
  compoundDistances,
  facilityField,
  updateSummary,
  type CoverageCategory,
  type CoverageContext,
  type CoverageFacility,
  type CoverageResult,
} from "./coverage";
import { addOwner, type DistanceField, distanceField, removeOwner } from "./core-graph";

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

/** One effective change to one category's facilities: a facility that goes, one that comes, or both (a move). */
export interface FacilityStep {
  category: string;
  removeId?: number;
  add?: CoverageFacility;
}

/**
 * The facilities after the changes. Added ones get negative ids (−1, −2, … in change order).
 * Also returns the categories whose facilities changed and the changes as steps in order.
 * Changes naming an amenity that does not exist are ignored and listed in `unknownAmenities`.
 */
export function applyFacilityChanges(base: CoverageFacility[], changes: FacilityChange[]) {
  const byId = new Map(base.map((f) => [f.id, f]));
  const out = new Map(byId);
  const touched = new Set<string>();
  const unknownAmenities: number[] = [];
  const steps: FacilityStep[] = [];
  let next = -1;
  for (const c of changes) {
    if (c.action === "add") {
      if (!c.category || !c.lonLat) continue;
      const add = { id: next, category: c.category, lonLat: c.lonLat };
      out.set(next, add);
      steps.push({ category: c.category, add });
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
    if (c.action === "remove") {
      out.delete(f.id);
      steps.push({ category: f.category, removeId: f.id });
    } else if (c.lonLat) {
      const add = { ...f, lonLat: c.lonLat };
      out.set(f.id, add);
      steps.push({ category: f.category, removeId: f.id, add });
    }
  }
  return { facilities: [...out.values()], touched, unknownAmenities, steps };
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

/** The baseline a what-if starts from: a coverage run (`computeCoverage`), its fields optional. */
export interface WhatIfBaseline {
  result: CoverageResult;
  distances: Map<string, Float64Array>;
  fields?: Map<string, DistanceField>;
}

/**
 * Coverage after a scenario, recomputing only what it touches. For each category whose facilities
 * changed, the baseline's field is updated in place of a new search: an added facility is one
 * search from it that stops where it no longer improves a node (and at the limit when bounded);
 * a removed one recomputes only the nodes it reached first; a move is both. Compounds with a
 * proposed gate get one search from their new gates. Only compounds whose distances changed get
 * new records; the rest are the baseline's.
 *
 * @param before the baseline (from `computeCoverage`)
 */
export function runWhatIf(
  ctx: CoverageContext,
  baseFacilities: CoverageFacility[],
  categories: CoverageCategory[],
  before: WhatIfBaseline,
  changes: ScenarioChanges,
  opts: { exactDistances?: boolean } = {},
): WhatIfResult {
  const { facilities, touched, unknownAmenities, steps } = applyFacilityChanges(baseFacilities, changes.facilities);
  const { after, newGates, unattachedGates } = withProposedGates(ctx, changes.gates);
  const bound = (cat: CoverageCategory) => (opts.exactDistances ? Infinity : cat.limitM);
  const touchedFacilities = attachFacilities(
    ctx,
    facilities.filter((f) => touched.has(f.category)),
  );
  const distances = new Map<string, Float64Array>();
  const changed = new Set<number>(newGates.keys());
  for (const cat of categories) {
    const was = before.distances.get(cat.code)!;
    if (!touched.has(cat.code)) {
      distances.set(cat.code, newGates.size ? was.slice() : was);
      continue;
    }
    const atts = touchedFacilities.byCategory.get(cat.code) ?? [];
    const base = before.fields?.get(cat.code);
    let field: DistanceField;
    if (base && base.maxDistM === bound(cat)) {
      field = base.clone();
      for (const step of steps) if (step.category === cat.code) applyStep(ctx, field, step);
    } else field = facilityField(after, atts, bound(cat), touchedFacilities.idsByCategory.get(cat.code));
    const now = compoundDistances(after, field, atts);
    for (let i = 0; i < now.length; i++) if (now[i] !== was[i]) changed.add(i);
    distances.set(cat.code, now);
  }
  // Untouched categories: only compounds with a new gate can get closer, through that gate.
  if (newGates.size) {
    const untouched = categories.filter((c) => !touched.has(c.code));
    const others = attachFacilities(
      ctx,
      facilities.filter((f) => !touched.has(f.category)),
    );
    const maxBound = Math.max(0, ...untouched.map(bound));
    for (const [i, gates] of newGates) {
      const reach = distanceField(ctx.graph, [{ owner: 0, sources: gates.flatMap((g) => attachmentSources(ctx.graph, g)) }], maxBound);
      for (const cat of untouched) {
        const d = distances.get(cat.code)!;
        for (const f of others.byCategory.get(cat.code) ?? []) {
          let x = distanceToAttachment(ctx.graph, reach, f);
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
  const result = updateSummary(after, categories, before, distances, changed, {
    unattachedFacilities: unattachedAfter(baseFacilities, before.result.unattachedFacilities, touched, touchedFacilities.unattached),
    absentCategories: categories.filter((c) => !present.has(c.code)).map((c) => c.code),
    gatesChanged: newGates.size > 0,
  });
  return { after: result, distances, ...diffCoverage(before.result, result, ctx, categories, changed), unattachedGates, unknownAmenities };
}

/** One step on a category's field: the facility that goes leaves, the one that comes is searched from. */
function applyStep(ctx: CoverageContext, field: DistanceField, step: FacilityStep): void {
  if (step.removeId !== undefined) removeOwner(field, step.removeId);
  if (!step.add) return;
  const a = attachFacilities(ctx, [step.add]).byCategory.get(step.category)?.[0];
  if (a) addOwner(field, attachmentSources(ctx.graph, a), step.add.id);
}

/** The context with the scenario's proposed gates joined to their compounds' gates. */
function withProposedGates(ctx: CoverageContext, gates: GateChange[]) {
  const indexOf = new Map(ctx.compounds.map((c, i) => [c.id, i]));
  const newGates = new Map<number, Attachment[]>();
  const unattachedGates: string[] = [];
  for (const g of gates) {
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
  return { after, newGates, unattachedGates };
}

/** Facilities off the network after the changes: the baseline's in untouched categories, and those of the touched ones now. */
function unattachedAfter(base: CoverageFacility[], baseline: number[], touched: Set<string>, touchedNow: number[]): number[] {
  if (!baseline.length) return touchedNow;
  const categoryOf = new Map(base.map((f) => [f.id, f.category]));
  return [...baseline.filter((id) => !touched.has(categoryOf.get(id) ?? "")), ...touchedNow];
}

/** What changed between two coverage results of the same compounds. */
export function diffCoverage(before: CoverageResult, after: CoverageResult, ctx: CoverageContext, categories: CoverageCategory[], only?: Iterable<number>) {
  const byCategory: CategoryChange[] = categories.map((c) => ({ code: c.code, gainedHouseholds: 0, lostHouseholds: 0, gainedCompounds: 0, lostCompounds: 0 }));
  const compounds: CompoundChange[] = [];
  const index = new Map(categories.map((c, k) => [c.code, k]));
  const indices = only ? [...only].sort((x, y) => x - y) : ctx.compounds.map((_, i) => i);
  for (const i of indices) {
    const c = ctx.compounds[i];
    const was = before.compounds[i].missing,
      now = after.compounds[i].missing;
    // Both lists follow the category order: equal lists (the common case) need no sets.
    if (was.length === now.length && was.every((m, j) => m === now[j])) continue;
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
  }
  return { byCategory: byCategory.filter((k) => k.gainedCompounds || k.lostCompounds), compounds };
}
