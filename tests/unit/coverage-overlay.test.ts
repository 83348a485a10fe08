import { describe, expect, it } from "vitest";
import type { Amenities } from "../../web/src/api/resources.js";
import type { CoverageResult } from "../../web/src/analysis/coverage.js";
import { coverageResult } from "../helpers/coverage.js";
import type { IsochroneSummary } from "../../web/src/analysis/session.js";
import type { ScenarioChanges } from "../../web/src/analysis/whatif.js";
import { CHANGE_COLORS } from "../../web/src/map/palette.js";
import { DISTANCE_BANDS } from "../../web/src/views/coverage/model.js";
import { coverageColours, coverageOverlay } from "../../web/src/views/coverage/overlay.js";

// What the coverage view draws on the map, from hand-made state: two isochrone bands, a facility
// removed, one moved, two added, a proposed gate and two suggested sites.

// The band colours, widest band last: within the limit, up to 1.5×, up to 2×, farther.
const [WITHIN, TO_1_5, TO_2, BEYOND] = DISTANCE_BANDS.map((b) => b.color);

const amenity = (id: number, category: string, coordinates: [number, number]): Amenities["features"][number] => ({
  type: "Feature",
  id,
  geometry: { type: "Point", coordinates },
  properties: { id, name: null, category, categoryName: category, categoryNameEn: category, circle: "5min", capacity: null },
});
const amenityById = new Map([
  [7, amenity(7, "kindergarten", [116.4, 39.9])],
  [8, amenity(8, "pharmacy", [116.5, 39.8])],
]);

const square = (x: number) => ({
  type: "MultiPolygon" as const,
  coordinates: [
    [
      [
        [0, 0],
        [x, 0],
        [x, x],
        [0, 0],
      ],
    ],
  ],
});
const band = (limitM: number, x: number): IsochroneSummary => ({
  limitM,
  polygon: square(x),
  areaM2: 0,
  compoundIds: [],
  households: 0,
  facilityIds: [],
});

describe("coverage overlay", () => {
  it("draws nothing without isochrones, changes or sites", () => {
    expect(coverageOverlay({ iso: null, changes: { facilities: [], gates: [] }, sites: null, amenityById })).toEqual({
      type: "FeatureCollection",
      features: [],
    });
  });

  it("draws the bands widest first (keeping each band's index), then the origin", () => {
    const iso = { origin: [116.1, 39.1] as [number, number], bands: [band(300, 1), band(600, 2), band(900, 3)] };
    const fc = coverageOverlay({ iso, changes: { facilities: [], gates: [] }, sites: null, amenityById });
    expect(fc.features).toEqual([
      { type: "Feature", geometry: square(3), properties: { layer: "isochrone", band: 2, limitM: 900 } },
      { type: "Feature", geometry: square(2), properties: { layer: "isochrone", band: 1, limitM: 600 } },
      { type: "Feature", geometry: square(1), properties: { layer: "isochrone", band: 0, limitM: 300 } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.1, 39.1] }, properties: { layer: "origin" } },
    ]);
    // From a compound's gates there is no origin point.
    expect(
      coverageOverlay({ iso: { origin: null, bands: [band(300, 1)] }, changes: { facilities: [], gates: [] }, sites: null, amenityById }).features,
    ).toEqual([{ type: "Feature", geometry: square(1), properties: { layer: "isochrone", band: 0, limitM: 300 } }]);
  });

  it("marks removed and moved facilities where they are, proposed ones with their category's mark, and gates", () => {
    const changes: ScenarioChanges = {
      facilities: [
        { key: "remove-1", action: "remove", amenityId: 7 },
        { key: "move-1", action: "move", amenityId: 8, lonLat: [116.6, 39.7] },
        { key: "add-1", action: "add", category: "kindergarten", lonLat: [116.2, 39.2] },
        { key: "add-2", action: "add", category: "no_such_category", lonLat: [116.3, 39.3] },
        // An amenity that is not loaded: nothing to mark.
        { key: "remove-2", action: "remove", amenityId: 99 },
      ],
      gates: [{ key: "gate-1", action: "add", compoundId: 5, lonLat: [116.25, 39.25] }],
    };
    expect(coverageOverlay({ iso: null, changes, sites: null, amenityById }).features).toEqual([
      { type: "Feature", geometry: { type: "Point", coordinates: [116.4, 39.9] }, properties: { layer: "removed", mark: "×" } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.5, 39.8] }, properties: { layer: "removed", mark: "↦" } },
      // The moved pharmacy's new place carries the pharmacy's mark (药).
      { type: "Feature", geometry: { type: "Point", coordinates: [116.6, 39.7] }, properties: { layer: "proposed", key: "move-1", mark: "药" } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.2, 39.2] }, properties: { layer: "proposed", key: "add-1", mark: "幼" } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.3, 39.3] }, properties: { layer: "proposed", key: "add-2", mark: "+" } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.25, 39.25] }, properties: { layer: "gate", key: "gate-1" } },
    ]);
  });

  it("numbers suggested sites by rank, with their gain", () => {
    const sites = {
      category: "kindergarten",
      proposals: [
        { lonLat: [116.7, 39.6] as [number, number], gainHouseholds: 500, coveredCompoundIds: [1, 2] },
        { lonLat: [116.8, 39.5] as [number, number], gainHouseholds: 120, coveredCompoundIds: [3] },
      ],
    };
    expect(coverageOverlay({ iso: null, changes: { facilities: [], gates: [] }, sites, amenityById }).features).toEqual([
      { type: "Feature", geometry: { type: "Point", coordinates: [116.7, 39.6] }, properties: { layer: "site", mark: "1", gain: 500 } },
      { type: "Feature", geometry: { type: "Point", coordinates: [116.8, 39.5] }, properties: { layer: "site", mark: "2", gain: 120 } },
    ]);
  });
});

describe("coverage colours", () => {
  const result: CoverageResult = coverageResult([
    { id: 1, score: 1, missing: [], distanceM: { kindergarten: 300, bank: 301 } },
    { id: 2, score: 0.6, missing: ["kindergarten"], distanceM: { kindergarten: 400 } },
    { id: 3, score: 0.85, missing: ["kindergarten"], distanceM: { kindergarten: 550 } },
    { id: 4, score: 0, missing: ["kindergarten", "bank"], distanceM: { kindergarten: Infinity } },
  ]);
  const categories = [
    { code: "kindergarten", limitM: 300 },
    { code: "bank", limitM: 1000 },
  ];

  it("colours by score without a focused category, in either mode", () => {
    // Score stops: 1 green, ≤0.7 yellow, ≤0.85 light green, 0 red.
    const expected = new Map([
      [1, WITHIN],
      [2, TO_1_5],
      [3, "#91cf60"],
      [4, BEYOND],
    ]);
    expect(coverageColours(result, "score", null, categories)).toEqual(expected);
    expect(coverageColours(result, "distance", null, categories)).toEqual(expected);
  });

  it("colours what a scenario changes against the baseline, for one category or any; the score without a scenario", () => {
    const changes = {
      byCategory: [],
      compounds: [
        { id: 2, gained: ["kindergarten"], lost: [] },
        { id: 3, gained: ["kindergarten"], lost: ["bank"] },
      ],
      unattachedGates: [],
      unknownAmenities: [],
    };
    const withScenario = { ...result, changes };
    const { gained, lost, unchanged } = CHANGE_COLORS;
    expect(coverageColours(withScenario, "change", "kindergarten", categories)).toEqual(
      new Map([
        [1, unchanged],
        [2, gained],
        [3, gained],
        [4, unchanged],
      ]),
    );
    expect(coverageColours(withScenario, "change", "bank", categories).get(3)).toBe(lost);
    // Any category: a compound that loses one counts as losing.
    expect(coverageColours(withScenario, "change", null, categories)).toEqual(
      new Map([
        [1, unchanged],
        [2, gained],
        [3, lost],
        [4, unchanged],
      ]),
    );
    expect(coverageColours(result, "change", null, categories)).toEqual(coverageColours(result, "score", null, categories));
  });

  it("colours covered or not for a focused category by score", () => {
    expect(coverageColours(result, "score", "kindergarten", categories)).toEqual(
      new Map([
        [1, WITHIN],
        [2, BEYOND],
        [3, BEYOND],
        [4, BEYOND],
      ]),
    );
  });

  it("colours the distance against the focused category's limit", () => {
    // Kindergarten, 300 m: 300 within, 400 ≤ 450, 550 ≤ 600, unreachable beyond.
    expect(coverageColours(result, "distance", "kindergarten", categories)).toEqual(
      new Map([
        [1, WITHIN],
        [2, TO_1_5],
        [3, TO_2],
        [4, BEYOND],
      ]),
    );
    // Bank, 1000 m: 301 within; no distance at all counts as unreachable.
    expect(coverageColours(result, "distance", "bank", categories)).toEqual(
      new Map([
        [1, WITHIN],
        [2, BEYOND],
        [3, BEYOND],
        [4, BEYOND],
      ]),
    );
  });

  it("takes 300 m as the limit of a category the profile does not list", () => {
    // 301 m against 300 m: just over the limit, within 1.5×.
    expect(coverageColours(result, "distance", "bank", []).get(1)).toBe(TO_1_5);
  });
});
