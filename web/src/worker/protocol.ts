import type { CoverageCategory, CoverageCompound, CoverageFacility } from "../analysis/coverage";
import type { ScenarioChanges } from "../analysis/whatif";

/** Messages the page sends the analysis worker (each gets an `id`, echoed in the answer). */
export type AnalysisRequest =
  | { type: "init"; graphUrl: string; data: { compounds: CoverageCompound[]; facilities: CoverageFacility[]; categories: CoverageCategory[]; exactDistances: boolean } }
  | { type: "coverage"; changes: ScenarioChanges }
  | { type: "distances"; category: string; changes: ScenarioChanges }
  | { type: "isochrone"; from: { lonLat: [number, number] } | { compoundId: number }; limitsM: number[]; changes: ScenarioChanges }
  | { type: "site"; category: string; k: number; changes: ScenarioChanges; candidates?: Array<[number, number]> };

export type AnalysisResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
