import { describe, expect, it } from "vitest";
import { fuzz } from "../fuzz/fuzzer.js";
import { setUpTestApp } from "../helpers/db.js";

// Bad input over every route, signed in and not (tests/fuzz/fuzzer.ts). `npm run fuzz` runs the
// same with 10,000 requests and more; here a bounded run with a fixed seed, on both databases.
const city = setUpTestApp({ scratch: true });

const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);

describe("fuzzing the API", () => {
  it(`answers ${COUNT} bad requests without a 500 or a dropped connection, with problem bodies that name the field`, async () => {
    const s = await fuzz(city.app, city.db.knex, { count: COUNT, seed: 20261201 });
    console.log(`fuzz: ${s.requests} requests; by status ${JSON.stringify(s.byStatus)}`);
    const show = (list: typeof s.server500) =>
      list
        .slice(0, 10)
        .map((f) => `${f.method.toUpperCase()} ${f.url} [${f.what}] → ${f.status}: ${f.detail}`)
        .join("\n");
    expect(s.server500, show(s.server500)).toEqual([]);
    expect(s.dropped, show(s.dropped)).toEqual([]);
    expect(s.notProblemJson, show(s.notProblemJson)).toEqual([]);
    expect(s.noCode, show(s.noCode)).toEqual([]);
    expect(s.wrongField, show(s.wrongField)).toEqual([]);
    expect(s.byStatus["400"]).toBeGreaterThan(COUNT / 4);
  }, 900_000);
});
