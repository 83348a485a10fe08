/**
 * The generator at scale 10 (about 10 s): apart from tests/unit/generator.test.ts so that
 * `npm run test:unit` stays fast; it runs with the api project (vitest.config.ts).
 */
import { describe, expect, it } from "vitest";
import { generateCity } from "../../geodata/generator/city.js";

const SEED = 20190601;

describe("demo-city generator at scale", () => {
  it("scales: scale 10 has ≥ 1,400 compounds and ≥ 200,000 walk edges", () => {
    const big = generateCity({ seed: SEED, scale: 10 });
    expect(big.compounds.features.length).toBeGreaterThanOrEqual(1400);
    expect(big.walkNetwork.edges.length).toBeGreaterThanOrEqual(200000);
    expect(big.meta.counts.bridges as number).toBeGreaterThanOrEqual(8);
  }, 120_000);

  // Province scale (issue 16): about a minute and 1.5 GB; the name pools must not run dry (the
  // numbered schools and stations go past 九十九).
  it("scales to a province: scale 40 has ≥ 6,000 compounds and ≥ 800,000 walk edges, every name unique", () => {
    const huge = generateCity({ seed: SEED, scale: 40 });
    expect(huge.compounds.features.length).toBeGreaterThanOrEqual(6000);
    expect(huge.walkNetwork.edges.length).toBeGreaterThanOrEqual(800000);
    const names = huge.compounds.features.map((f) => f.properties.name as string);
    expect(new Set(names).size).toBe(names.length);
    for (const a of huge.amenities.features) expect(String(a.properties.name)).not.toMatch(/undefined/);
  }, 600_000);
});
