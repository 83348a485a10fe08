import { describe, expect, it } from "vitest";
import { computeCoverage, createCoverageContext } from "../../web/src/analysis/coverage.js";
import { buildWalkGraph } from "../../web/src/analysis/walk-graph.js";

// The states a compound × category can be in besides a distance: no access at all, a gate only on
// a piece cut off from the main network, and no facility of the category anywhere in the city.
// A street of three nodes (the main network) and, 600 m away, a lone footpath (an island).
const lon = 116.3,
  lat = 40;
const graph = buildWalkGraph({
  nodes: [
    { id: 1, lon, lat },
    { id: 2, lon: lon + 0.002, lat },
    { id: 3, lon: lon + 0.004, lat },
    { id: 10, lon, lat: lat + 0.006 },
    { id: 11, lon: lon + 0.001, lat: lat + 0.006 },
  ],
  edges: [
    { id: 1, source: 1, target: 2, lengthM: 170.8, class: "branch" },
    { id: 2, source: 2, target: 3, lengthM: 170.8, class: "branch" },
    { id: 3, source: 10, target: 11, lengthM: 85.4, class: "footway" },
  ],
});
const compounds = [
  { id: 1, households: 100, gates: [[lon + 0.001, lat + 0.0001]] as Array<[number, number]> }, // by the street
  { id: 2, households: 40, gates: [[lon + 0.0005, lat + 0.0061]] as Array<[number, number]> }, // on the island
  { id: 3, households: 60, gates: [] as Array<[number, number]> }, // no access at all
];
const categories = [
  { code: "kindergarten", circle: "5min", limitM: 300 },
  { code: "bank", circle: "15min", limitM: 1000 },
];

describe("coverage states", () => {
  const ctx = createCoverageContext(graph, compounds);
  const r = computeCoverage(ctx, [{ id: 1, category: "kindergarten", lonLat: [lon + 0.003, lat] }], categories, { exactDistances: true });

  it("a compound with no gate on the network is 'no access': never covered, its households counted apart and in the total", () => {
    expect(r.unattachedCompounds).toEqual([3]);
    expect(r.noAccessHouseholds).toBe(60);
    const kg = r.byCategory.find((c) => c.code === "kindergarten")!;
    expect(kg.totalHouseholds).toBe(200);
    expect(kg.coveredHouseholds).toBe(100);
    expect(r.compounds[2].missing).toEqual(["kindergarten", "bank"]);
  });

  it("a compound whose gates join only a cut-off piece is flagged", () => {
    expect(r.isolatedCompounds).toEqual([2]);
    expect(r.compounds[1].distanceM.kindergarten).toBe(Infinity);
  });

  it("a category without any facility in the city is 'absent', apart from merely unreachable", () => {
    expect(r.absentCategories).toEqual(["bank"]);
    expect(r.compounds[0].distanceM.kindergarten).toBeLessThan(300);
  });
});
