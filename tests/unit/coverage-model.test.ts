import { describe, expect, it } from "vitest";
import type { CoverageResult } from "../../web/src/analysis/coverage.js";
import { coverageResult } from "../helpers/coverage.js";
import { distanceColor, gapCsv, gapGeoJson, gapRows, rollUp, scoreColor, sortGapRows, type CompoundInfo } from "../../web/src/views/coverage/model.js";

// The coverage view's tables from a hand-made result: three compounds, two subdistricts with
// compounds and one without any, and a compound in no subdistrict.

const square = {
  type: "Polygon",
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ],
  ],
};
const info = new Map<number, CompoundInfo>([
  [1, { id: 1, name: "电力小区", households: 300, subdistrictId: 10, subdistrict: "东街道", communityId: 100, community: "甲社区", geometry: square }],
  [2, { id: 2, name: '=HYPERLINK("x")', households: 100, subdistrictId: 10, subdistrict: "东街道", communityId: 101, community: "乙社区", geometry: square }],
  [3, { id: 3, name: "棉纺厂", households: 200, subdistrictId: null, subdistrict: null, communityId: null, community: null, geometry: square }],
]);
const result: CoverageResult = coverageResult([
  { id: 1, score: 0.5, missing: ["kindergarten"], distanceM: { kindergarten: 420, bank: 100 } },
  { id: 2, score: 1, missing: [], distanceM: { kindergarten: 120, bank: 300 } },
  { id: 3, score: 0, missing: ["kindergarten", "bank"], distanceM: { kindergarten: Infinity, bank: 1500 } },
]);

describe("gap table", () => {
  it("lists compounds missing the focused category with its distance, or any category", () => {
    expect(gapRows(result, info, "kindergarten").map((r) => [r.id, r.distanceM])).toEqual([
      [1, 420],
      [3, Infinity],
    ]);
    expect(gapRows(result, info, "bank").map((r) => r.id)).toEqual([3]);
    expect(gapRows(result, info, null).map((r) => r.id)).toEqual([1, 3]);
  });

  it("says why a distance is missing: unreachable, no facility of the category in the city, or no access", () => {
    expect(gapRows(result, info, "kindergarten").map((r) => [r.id, r.distanceStatus])).toEqual([
      [1, "measured"],
      [3, "unreachable"],
    ]);
    const none = { ...result, absentCategories: ["kindergarten"] };
    expect(gapRows(none, info, "kindergarten").map((r) => r.distanceStatus)).toEqual(["absent", "absent"]);
    const cut = { ...result, unattachedCompounds: [3] };
    expect(gapRows(cut, info, "kindergarten").map((r) => r.distanceStatus)).toEqual(["measured", "noAccess"]);
    const csv = gapCsv(
      gapRows(none, info, "kindergarten"),
      ["id", "name", "s", "c", "h", "score", "missing", "d"],
      (c) => c,
      (st) => `<${st}>`,
    );
    expect(
      csv
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l) => l.split(",").at(-1)),
    ).toEqual(["<absent>", "<absent>"]);
  });

  it("sorts by any column, either way, unreachable last when ascending by distance", () => {
    const rows = gapRows(result, info, "kindergarten");
    expect(sortGapRows(rows, "households", true).map((r) => r.id)).toEqual([1, 3]);
    expect(sortGapRows(rows, "households", false).map((r) => r.id)).toEqual([3, 1]);
    expect(sortGapRows(rows, "distanceM", false).map((r) => r.id)).toEqual([1, 3]);
    expect(sortGapRows(gapRows(result, info, null), "missing", true).map((r) => r.id)).toEqual([3, 1]);
  });

  it("exports CSV with a BOM and defused formulas, and GeoJSON with the footprints", () => {
    const rows = gapRows(result, { ...info, get: (id: number) => info.get(id === 1 ? 2 : id) } as Map<number, CompoundInfo>, null);
    const csv = gapCsv(
      rows,
      ["id", "name", "s", "c", "h", "score", "missing", "d"],
      (c) => c.toUpperCase(),
      (st) => `<${st}>`,
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain("'=HYPERLINK");
    expect(csv).toContain("KINDERGARTEN、BANK");
    const fc = gapGeoJson(gapRows(result, info, "kindergarten"), info);
    expect(fc.features.map((f) => [f.id, f.properties.distanceM])).toEqual([
      [1, 420],
      [3, null],
    ]);
    expect(fc.features[0].geometry).toBe(square);
  });
});

describe("roll-ups", () => {
  const areas = [
    { id: 10, name: "东街道" },
    { id: 11, name: "西街道" },
  ];
  it("shares of households covered for one category, every area listed (0% and empty ones too)", () => {
    const rows = rollUp(result, info, areas, "subdistrict", "kindergarten", "未划入");
    expect(rows).toEqual([
      { id: null, name: "未划入", compounds: 1, households: 200, coveredHouseholds: 0, share: 0 },
      { id: 11, name: "西街道", compounds: 0, households: 0, coveredHouseholds: 0, share: 0 },
      { id: 10, name: "东街道", compounds: 2, households: 400, coveredHouseholds: 100, share: 0.25 },
    ]);
  });
  it("for all categories, the household-weighted mean score", () => {
    const east = rollUp(result, info, areas, "subdistrict", null, "-").find((r) => r.id === 10)!;
    expect(east.share).toBeCloseTo((300 * 0.5 + 100 * 1) / 400, 9);
  });
});

describe("colours", () => {
  it("score and distance bands", () => {
    expect(scoreColor(1)).toBe("#1a9850");
    expect(scoreColor(0)).toBe("#d73027");
    expect(scoreColor(0.6)).toBe("#fee08b");
    expect(distanceColor(300, 300)).toBe("#1a9850");
    expect(distanceColor(301, 300)).toBe("#fee08b");
    expect(distanceColor(Infinity, 300)).toBe("#d73027");
  });
});
