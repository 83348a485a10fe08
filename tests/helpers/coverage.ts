import type { CoverageResult } from "../../web/src/analysis/coverage.js";

/**
 * A hand-made coverage result: the compounds' rows as given, every other part empty unless `rest`
 * sets it (for tests of what the coverage view draws and tabulates from a result).
 */
export function coverageResult(compounds: CoverageResult["compounds"], rest: Partial<CoverageResult> = {}): CoverageResult {
  return {
    compounds,
    byCategory: [],
    byCircle: [],
    unattachedCompounds: [],
    noAccessHouseholds: 0,
    isolatedCompounds: [],
    absentCategories: [],
    unattachedFacilities: [],
    ...rest,
  };
}
