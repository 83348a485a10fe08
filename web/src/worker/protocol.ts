import type { CoverageCategory, CoverageCompound, CoverageFacility } from "../analysis/coverage";
import type { AdjacencyLink, ClusterCompound, ClusterOptions } from "../analysis/cluster";
import type { ScenarioChanges } from "../analysis/whatif";

/** Messages the page sends the analysis worker (each gets an `id`, echoed in the answer). */
export type AnalysisRequest =
  | {
      type: "init";
      graphUrl: string;
      data: { compounds: CoverageCompound[]; facilities: CoverageFacility[]; categories: CoverageCategory[]; exactDistances: boolean };
    }
  | { type: "coverage"; changes: ScenarioChanges }
  | { type: "distances"; category: string; changes: ScenarioChanges }
  | { type: "isochrone"; from: { lonLat: [number, number] } | { compoundId: number }; limitsM: number[]; changes: ScenarioChanges }
  | { type: "nearest"; compoundId: number; changes: ScenarioChanges }
  | { type: "serves"; amenityId: number; changes: ScenarioChanges }
  | { type: "site"; category: string; k: number; changes: ScenarioChanges; candidates?: Array<[number, number]>; within?: number[] }
  /** Auto-clustering over the walk graph; coverage gaps (`missing`) are filled in by the worker. */
  | {
      type: "cluster";
      candidates: ClusterCompound[];
      partners: ClusterCompound[];
      pairs: AdjacencyLink[];
      options: Omit<ClusterOptions, "walkGraph" | "partners">;
    }
  /** One cluster's figures and broken rules (for hand edits). */
  | {
      type: "describeCluster";
      members: number[];
      compounds: ClusterCompound[];
      pairs: AdjacencyLink[];
      options: Omit<ClusterOptions, "walkGraph" | "partners">;
    };

export type AnalysisResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
