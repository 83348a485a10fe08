import { attachPoint, attachmentSources, distanceToAttachment, type Attachment } from "./attach";
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
import { isochrones } from "./isochrone";
import { proposeSites, type SiteProposal } from "./siting";
import type { WalkGraph } from "./walk-graph";
import { NO_CHANGES, applyFacilityChanges, runWhatIf, type CategoryChange, type CompoundChange, type ScenarioChanges } from "./whatif";

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

/**
 * Everything the coverage view asks of the engine, over one walk graph: baseline coverage,
 * what-if scenarios, exact distances to one category, isochrones and facility siting. Pure
 * TypeScript; the browser runs it in a Web Worker, tests and benchmarks in Node.
 */
export class AnalysisSession {
  readonly ctx: CoverageContext;
  readonly baseline: { result: CoverageResult; distances: Map<string, Float64Array> };
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
    this.baseline = { result: r, distances: r.distances };
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
    // Distances to attached points (gates, facilities) along the network, like the coverage runs.
    const reach = (a: Attachment) => {
      let d = distanceToAttachment(g, dist, a);
      for (const s of starts) if (s.edge === a.edge) d = Math.min(d, Math.abs(s.t - a.t) * g.edgeLengthM[a.edge] + s.connectorM + a.connectorM);
      return d;
    };
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
