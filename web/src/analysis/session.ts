import { attachPoint, attachmentSources, distanceToAttachment, type Attachment, type NodeDistances } from "./attach";
import {
  attachFacilities,
  computeCoverage,
  createCoverageContext,
  distancesToFacilities,
  type CoverageCategory,
  type CoverageCompound,
  type CoverageContext,
  type CoverageFacility,
  type CoverageResult,
} from "./coverage";
import { distanceField } from "./core-graph";
import { isochrones } from "./isochrone";
import { proposeSites, type SiteProposal } from "./siting";
import type { WalkGraph } from "./walk-graph";
import { NO_CHANGES, applyFacilityChanges, runWhatIf, type CategoryChange, type CompoundChange, type ScenarioChanges, type WhatIfBaseline } from "./whatif";

export interface SessionInput {
  graph: WalkGraph;
  compounds: CoverageCompound[];
  facilities: CoverageFacility[];
  categories: CoverageCategory[];
  /** Exact distances beyond each category's limit (slower on big cities; the UI wants them for the gap table). */
  exactDistances?: boolean;
}

/** Coverage as the UI shows it: the result plus, for a scenario, what changed against the baseline. */
export interface SessionCoverage extends CoverageResult {
  changes?: { byCategory: CategoryChange[]; compounds: CompoundChange[]; unattachedGates: string[]; unknownAmenities: number[] };
}

export interface IsochroneSummary {
  limitM: number;
  polygon: import("./isochrone").IsochroneBand["polygon"];
  areaM2: number;
  /** Compounds whose nearest gate is within the band, and their households. */
  compoundIds: number[];
  households: number;
  /** Facilities reached within the band, by id (proposed ones negative). */
  facilityIds: number[];
}

/** The nearest facility of one category from a compound (see {@link AnalysisSession.nearestFacilities}). */
export interface NearestFacility {
  category: string;
  facilityId: number | null;
  distanceM: number;
}

/** Who one facility serves (see {@link AnalysisSession.serves}). */
export interface FacilityService {
  category: string;
  limitM: number;
  /** Compounds within the category's walking limit of the facility, and their households. */
  compoundIds: number[];
  households: number;
  /** Of those, the ones no other facility of the category reaches within the limit, and their households. */
  soleCompoundIds: number[];
  soleHouseholds: number;
}

/**
 * Walking distance from the search's starts to an attached point (a gate, a facility) given the
 * search's node distances, like the coverage runs measure it: through either end of the point's
 * edge, or along the edge itself when a start lies on the same edge.
 */
function reachFrom(g: WalkGraph, dist: NodeDistances, starts: Attachment[]): (a: Attachment) => number {
  return (a) => {
    let d = distanceToAttachment(g, dist, a);
    for (const s of starts) if (s.edge === a.edge) d = Math.min(d, Math.abs(s.t - a.t) * g.edgeLengthM[a.edge] + s.connectorM + a.connectorM);
    return d;
  };
}

/**
 * Everything the coverage view asks of the engine, over one walk graph: baseline coverage,
 * what-if scenarios, exact distances to one category, isochrones and facility siting. Pure
 * TypeScript; the browser runs it in a Web Worker, tests and benchmarks in Node.
 */
export class AnalysisSession {
  readonly ctx: CoverageContext;
  readonly baseline: WhatIfBaseline;
  get graph(): WalkGraph {
    return this.ctx.graph;
  }
  private missingById?: Map<number, string[]>;
  /** The categories a compound lacks in the baseline (empty when unknown). */
  missingOf(id: number): string[] {
    this.missingById ??= new Map(this.baseline.result.compounds.map((c) => [c.id, c.missing]));
    return this.missingById.get(id) ?? [];
  }
  private readonly exact: boolean;

  constructor(private readonly input: SessionInput) {
    this.ctx = createCoverageContext(input.graph, input.compounds);
    this.exact = input.exactDistances ?? false;
    const r = computeCoverage(this.ctx, input.facilities, input.categories, { exactDistances: this.exact });
    this.baseline = { result: r, distances: r.distances, fields: r.fields };
  }

  /** Coverage with a scenario's changes applied (the baseline when there are none). */
  coverage(changes: ScenarioChanges = NO_CHANGES): SessionCoverage {
    if (!changes.facilities.length && !changes.gates.length) return this.baseline.result;
    const w = runWhatIf(this.ctx, this.input.facilities, this.input.categories, this.baseline, changes, { exactDistances: this.exact });
    return {
      ...w.after,
      changes: { byCategory: w.byCategory, compounds: w.compounds, unattachedGates: w.unattachedGates, unknownAmenities: w.unknownAmenities },
    };
  }

  /** Exact walking distance from every compound (in input order) to the nearest facility of one category. */
  distancesTo(category: string, changes: ScenarioChanges = NO_CHANGES): Float64Array {
    const { facilities } = applyFacilityChanges(this.input.facilities, changes.facilities);
    const attached = attachFacilities(
      this.ctx,
      facilities.filter((f) => f.category === category),
    );
    return distancesToFacilities(this.ctx, attached.byCategory.get(category) ?? []).slice();
  }

  /**
   * Network isochrones from a point or from a compound's gates, with the compounds (and their
   * households) and facilities reached within each band. Undefined when the start does not join
   * the network (no street within 500 m, or a compound without gates).
   */
  isochrone(
    from: { lonLat: [number, number] } | { compoundId: number },
    limitsM: number[],
    changes: ScenarioChanges = NO_CHANGES,
  ): IsochroneSummary[] | undefined {
    const g = this.ctx.graph;
    let starts: Attachment[];
    if ("lonLat" in from) {
      const a = attachPoint(g, this.ctx.index, from.lonLat[0], from.lonLat[1]);
      starts = a ? [a] : [];
    } else {
      const i = this.ctx.compounds.findIndex((c) => c.id === from.compoundId);
      starts = i < 0 ? [] : this.ctx.gateAttachments[i];
    }
    if (!starts.length) return undefined;
    const { bands, dist } = isochrones(
      g,
      starts.flatMap((a) => attachmentSources(g, a)),
      limitsM,
      { origins: starts, heap: this.ctx.heap },
    );
    const reach = reachFrom(g, dist, starts);
    const compoundDist = this.ctx.gateAttachments.map((gates) => Math.min(Infinity, ...gates.map(reach)));
    const { facilities } = applyFacilityChanges(this.input.facilities, changes.facilities);
    const facilityDist = facilities.map((f) => {
      const a = attachPoint(g, this.ctx.index, f.lonLat[0], f.lonLat[1]);
      return a ? reach(a) : Infinity;
    });
    return bands.map((b) => {
      const compoundIds: number[] = [];
      let households = 0;
      this.ctx.compounds.forEach((c, i) => {
        if (compoundDist[i] <= b.limitM) {
          compoundIds.push(c.id);
          households += c.households;
        }
      });
      return {
        limitM: b.limitM,
        polygon: b.polygon,
        areaM2: b.areaM2,
        compoundIds,
        households,
        facilityIds: facilities.filter((_, i) => facilityDist[i] <= b.limitM).map((f) => f.id),
      };
    });
  }

  /**
   * The nearest facility of every category from a compound's gates (after the scenario's changes),
   * walking on the network without a limit: what the compound card shows for each gap. A category
   * the compound cannot reach (no gate on the network, no facility) has `facilityId` null and
   * `distanceM` Infinity.
   */
  nearestFacilities(compoundId: number, changes: ScenarioChanges = NO_CHANGES): NearestFacility[] {
    const g = this.ctx.graph;
    const i = this.ctx.compounds.findIndex((c) => c.id === compoundId);
    const starts = i < 0 ? [] : this.ctx.gateAttachments[i];
    const best = new Map<string, NearestFacility>(this.input.categories.map((c) => [c.code, { category: c.code, facilityId: null, distanceM: Infinity }]));
    if (!starts.length) return [...best.values()];
    const dist = distanceField(g, [{ owner: 0, sources: starts.flatMap((a) => attachmentSources(g, a)) }]);
    const reach = reachFrom(g, dist, starts);
    const { facilities } = applyFacilityChanges(this.input.facilities, changes.facilities);
    for (const f of facilities) {
      const b = best.get(f.category);
      const a = b && attachPoint(g, this.ctx.index, f.lonLat[0], f.lonLat[1]);
      if (!b || !a) continue;
      const d = reach(a);
      if (d < b.distanceM) best.set(f.category, { category: f.category, facilityId: f.id, distanceM: d });
    }
    return [...best.values()];
  }

  /**
   * Who a facility serves (after the scenario's changes): the compounds within its category's
   * walking limit of it, measured as coverage measures (from the facility to the nearest gate),
   * and of those the ones that no other facility of the category reaches within the limit, which
   * lose the category if it goes. Undefined for a facility that is not there (unknown, removed by
   * the scenario, a category the profile lacks) or too far from any street to join the network.
   */
  serves(amenityId: number, changes: ScenarioChanges = NO_CHANGES): FacilityService | undefined {
    const { facilities } = applyFacilityChanges(this.input.facilities, changes.facilities);
    const f = facilities.find((x) => x.id === amenityId);
    const cat = f && this.input.categories.find((c) => c.code === f.category);
    if (!f || !cat) return undefined;
    const self = attachFacilities(this.ctx, [f]).byCategory.get(f.category);
    if (!self) return undefined;
    const own = distancesToFacilities(this.ctx, self, cat.limitM);
    const others = attachFacilities(
      this.ctx,
      facilities.filter((x) => x.category === f.category && x.id !== f.id),
    ).byCategory.get(f.category);
    const rest = others ? distancesToFacilities(this.ctx, others, cat.limitM) : undefined;
    const out: FacilityService = { category: f.category, limitM: cat.limitM, compoundIds: [], households: 0, soleCompoundIds: [], soleHouseholds: 0 };
    this.ctx.compounds.forEach((c, i) => {
      if (!(own[i] <= cat.limitM)) return;
      out.compoundIds.push(c.id);
      out.households += c.households;
      if (rest && rest[i] <= cat.limitM) return;
      out.soleCompoundIds.push(c.id);
      out.soleHouseholds += c.households;
    });
    return out;
  }

  /**
   * Up to k sites for a category that cover the most households not yet covered (after the
   * scenario's changes); with `within`, only those compounds' households count (one shared
   * facility for a cluster).
   */
  site(category: string, k: number, changes: ScenarioChanges = NO_CHANGES, candidates?: Array<[number, number]>, within?: number[]): SiteProposal[] {
    const cat = this.input.categories.find((c) => c.code === category);
    if (!cat) throw new Error(`unknown category "${category}"`);
    const { facilities } = applyFacilityChanges(this.input.facilities, changes.facilities);
    const existing =
      attachFacilities(
        this.ctx,
        facilities.filter((f) => f.category === category),
      ).byCategory.get(category) ?? [];
    let ctx = this.ctx;
    if (within) {
      const keep = new Set(within);
      const idx = ctx.compounds.map((c, i) => (keep.has(c.id) ? i : -1)).filter((i) => i >= 0);
      ctx = { ...ctx, compounds: idx.map((i) => ctx.compounds[i]), gateAttachments: idx.map((i) => ctx.gateAttachments[i]) };
    }
    return proposeSites(ctx, { limitM: cat.limitM, existing, k, candidates });
  }
}
