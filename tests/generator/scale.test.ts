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
});
