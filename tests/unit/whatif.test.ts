import { beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { engineInputs, type EngineInputs } from "../../geodata/generator/engine-inputs.js";
import { loadReferenceData } from "../../server/db/reference.js";
import { computeCoverage, createCoverageContext } from "../../web/src/analysis/coverage.js";
import { AnalysisSession } from "../../web/src/analysis/session.js";
import { applyFacilityChanges, type ScenarioChanges } from "../../web/src/analysis/whatif.js";

// What-if runs recompute only what a scenario touches. Checked against a full recomputation from
// scratch with the changed facilities and gates (a different code path), on the demo city.

const categories = loadReferenceData(path.resolve(import.meta.dirname, "../../geodata")).standards.categories;
let city: EngineInputs;
beforeAll(() => {
  city = engineInputs(1);
});

/** Coverage from scratch: the scenario's facilities, and its gates added to their compounds. */
function fromScratch(changes: ScenarioChanges, exact: boolean) {
  const compounds = city.compounds.map((c) => ({ ...c, gates: [...c.gates, ...changes.gates.filter((g) => g.compoundId === c.id).map((g) => g.lonLat)] }));
  const ctx = createCoverageContext(city.graph, compounds);
  return computeCoverage(ctx, applyFacilityChanges(city.facilities, changes.facilities).facilities, categories, { exactDistances: exact });
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: five cases sharing one demo city built once
describe("what-if", () => {
  it("equals a full recomputation for added, moved and removed facilities and new gates", () => {
    for (const exact of [false, true]) {
      const session = new AnalysisSession({ ...city, categories, exactDistances: exact });
      const kg = city.facilities.filter((f) => f.category === "kindergarten");
      const market = city.facilities.find((f) => f.category === "fresh_market")!;
      // A gate on the far side of a compound: just outside its first gate, mirrored.
      const c = city.compounds[40];
      const changes: ScenarioChanges = {
        facilities: [
          { key: "a", action: "add", category: "kindergarten", lonLat: city.compounds[7].gates[0] },
          { key: "m", action: "move", amenityId: kg[0].id, lonLat: city.compounds[120].gates[0] },
          { key: "r", action: "remove", amenityId: market.id },
        ],
        gates: [{ key: "g", action: "add", compoundId: c.id, lonLat: city.compounds[41].gates[0] }],
      };
      // The same amenity moved twice, another removed, one of a second category added.
      const again: ScenarioChanges = {
        facilities: [
          { key: "m1", action: "move", amenityId: kg[1].id, lonLat: city.compounds[60].gates[0] },
          { key: "m2", action: "move", amenityId: kg[1].id, lonLat: city.compounds[90].gates[0] },
          { key: "r", action: "remove", amenityId: kg[2].id },
          { key: "n", action: "add", category: "nursery", lonLat: city.compounds[33].gates[0] },
        ],
        gates: [],
      };
      const repeated = session.coverage(again);
      const scratch = fromScratch(again, exact);
      expect(repeated.compounds.map((x) => x.missing)).toEqual(scratch.compounds.map((x) => x.missing));
      expect(repeated.byCategory).toEqual(scratch.byCategory);
      const after = session.coverage(changes);
      const expected = fromScratch(changes, exact);
      expect(after.byCircle).toEqual(expected.byCircle);
      expect(after.absentCategories).toEqual(expected.absentCategories);
      expect([...after.unattachedFacilities].sort()).toEqual([...expected.unattachedFacilities].sort());
      expect(after.isolatedCompounds).toEqual(expected.isolatedCompounds);
      expect(after.compounds.map((x) => x.missing)).toEqual(expected.compounds.map((x) => x.missing));
      for (let i = 0; i < after.compounds.length; i++) {
        for (const cat of categories) {
          const a = after.compounds[i].distanceM[cat.code],
            b = expected.compounds[i].distanceM[cat.code];
          if (Number.isFinite(b)) expect(a).toBeCloseTo(b, 6);
          else expect(a).toBe(Infinity);
        }
      }
      expect(after.byCategory).toEqual(expected.byCategory);
      // The diff counts the households that changed, per category, against the baseline.
      const before = session.baseline.result;
      for (const k of after.changes!.byCategory) {
        const was = before.byCategory.find((x) => x.code === k.code)!.coveredHouseholds;
        const now = after.byCategory.find((x) => x.code === k.code)!.coveredHouseholds;
        expect(now - was).toBe(k.gainedHouseholds - k.lostHouseholds);
      }
      expect(after.changes!.byCategory.some((k) => k.code === "kindergarten" && k.gainedHouseholds > 0)).toBe(true);
      expect(after.changes!.byCategory.some((k) => k.code === "fresh_market" && k.lostHouseholds > 0)).toBe(true);
    }
  });

  it("a suggested kindergarten site closes a compound's gap once proposed", () => {
    const session = new AnalysisSession({ ...city, categories });
    const before = session.baseline.result;
    const gap = before.compounds.filter((c) => c.missing.includes("kindergarten"));
    expect(gap.length).toBeGreaterThan(0);
    const [site] = session.site("kindergarten", 1);
    expect(site.gainHouseholds).toBeGreaterThan(0);
    const households = new Map(city.compounds.map((c) => [c.id, c.households]));
    expect(site.gainHouseholds).toBe(site.coveredCompoundIds.reduce((s, id) => s + households.get(id)!, 0));
    const after = session.coverage({ facilities: [{ key: "s", action: "add", category: "kindergarten", lonLat: site.lonLat }], gates: [] });
    for (const id of site.coveredCompoundIds) {
      expect(before.compounds.find((c) => c.id === id)!.missing).toContain("kindergarten");
      expect(after.compounds.find((c) => c.id === id)!.missing).not.toContain("kindergarten");
    }
    expect(after.changes!.byCategory.find((k) => k.code === "kindergarten")!.gainedHouseholds).toBe(site.gainHouseholds);
    // Once proposed, the next suggestion does not count those households again.
    const [next] = session.site("kindergarten", 1, { facilities: [{ key: "s", action: "add", category: "kindergarten", lonLat: site.lonLat }], gates: [] });
    expect(next.coveredCompoundIds.filter((id) => site.coveredCompoundIds.includes(id))).toEqual([]);
  });

  it("an isochrone from a compound lists exactly the compounds within each band", () => {
    const session = new AnalysisSession({ ...city, categories, exactDistances: true });
    const c = city.compounds[60];
    const bands = session.isochrone({ compoundId: c.id }, [300, 600, 900])!;
    expect(bands.map((b) => b.limitM)).toEqual([300, 600, 900]);
    // Independent: coverage of a facility placed at each gate of c gives the distance to every compound.
    const probe = computeCoverage(
      createCoverageContext(city.graph, city.compounds),
      c.gates.map((g, i) => ({ id: i + 1, category: "probe", lonLat: g })),
      [{ code: "probe", circle: "x", limitM: 900 }],
      { exactDistances: true },
    );
    for (const b of bands) {
      const expected = probe.compounds
        .filter((x) => x.distanceM.probe <= b.limitM)
        .map((x) => x.id)
        .sort((x, y) => x - y);
      expect([...b.compoundIds].sort((x, y) => x - y)).toEqual(expected);
      expect(b.households).toBe(expected.reduce((s, id) => s + city.compounds.find((x) => x.id === id)!.households, 0));
    }
    expect(bands[0].areaM2).toBeLessThan(bands[1].areaM2);
    expect(bands[1].areaM2).toBeLessThan(bands[2].areaM2);
  });

  it("names a compound's nearest facility of each category, at the distance the coverage run measures", () => {
    const session = new AnalysisSession({ ...city, categories, exactDistances: true });
    for (const c of [city.compounds[5], city.compounds[60], city.compounds[200]]) {
      const nearest = session.nearestFacilities(c.id);
      expect(nearest.map((n) => n.category)).toEqual(categories.map((k) => k.code));
      const exact = session.baseline.result.compounds.find((x) => x.id === c.id)!;
      const only = createCoverageContext(city.graph, [c]);
      for (const n of nearest) {
        // The coverage run searches from the facilities to the gates; this one from the gates out.
        expect(n.distanceM, `${c.id} ${n.category}`).toBeCloseTo(exact.distanceM[n.category], 6);
        if (!Number.isFinite(n.distanceM)) continue;
        // That facility alone gives the same distance: it is the nearest one, not just any.
        const alone = computeCoverage(only, [city.facilities.find((f) => f.id === n.facilityId)!], categories, {
          exactDistances: true,
        });
        expect(alone.compounds[0].distanceM[n.category]).toBeCloseTo(n.distanceM, 6);
      }
    }
    // A proposed kindergarten at a gate becomes the nearest one.
    const c = city.compounds[60];
    const before = session.nearestFacilities(c.id).find((n) => n.category === "kindergarten")!;
    const after = session
      .nearestFacilities(c.id, { facilities: [{ key: "k", action: "add", category: "kindergarten", lonLat: c.gates[0] }], gates: [] })
      .find((n) => n.category === "kindergarten")!;
    expect(after.distanceM).toBeLessThan(Math.min(before.distanceM, 60));
    expect(after.facilityId).not.toBe(before.facilityId);
  });
});

describe("who a facility serves", () => {
  it("the compounds it alone would cover, and those that lose the category if it is removed", () => {
    const session = new AnalysisSession({ ...city, categories, exactDistances: true });
    const cases = ["kindergarten", "fresh_market", "health_centre"].map((code) => city.facilities.find((f) => f.category === code)!);
    let sole = 0;
    for (const f of cases) {
      const s = session.serves(f.id)!;
      const limitM = categories.find((c) => c.code === f.category)!.limitM;
      expect(s).toMatchObject({ category: f.category, limitM });
      // Served: what a coverage run with this facility as the only one covers.
      const alone = computeCoverage(createCoverageContext(city.graph, city.compounds), [f], categories, { exactDistances: true });
      const covered = alone.compounds.filter((c) => !c.missing.includes(f.category)).map((c) => c.id);
      expect(s.compoundIds.sort((a, b) => a - b)).toEqual(covered.sort((a, b) => a - b));
      const households = new Map(city.compounds.map((c) => [c.id, c.households]));
      expect(s.households).toBe(covered.reduce((n, id) => n + households.get(id)!, 0));
      // Sole: exactly the compounds a what-if removing it loses.
      const removed = session.coverage({ facilities: [{ key: "r", action: "remove", amenityId: f.id }], gates: [] });
      const lost = removed.compounds.filter((c) => c.missing.includes(f.category) && !session.missingOf(c.id).includes(f.category)).map((c) => c.id);
      expect(s.soleCompoundIds.sort((a, b) => a - b)).toEqual(lost.sort((a, b) => a - b));
      expect(s.soleHouseholds).toBe(lost.reduce((n, id) => n + households.get(id)!, 0));
      sole += s.soleCompoundIds.length;
    }
    expect(sole, "at least one of the facilities is some compound's only one").toBeGreaterThan(0);
    // A facility the scenario removes, or one that is not there, serves no one.
    expect(session.serves(cases[0].id, { facilities: [{ key: "r", action: "remove", amenityId: cases[0].id }], gates: [] })).toBeUndefined();
    expect(session.serves(-999)).toBeUndefined();
  });
});
