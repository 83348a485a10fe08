import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import type { Database } from "../../server/db/connect.js";
import { fuzz } from "../fuzz/fuzzer.js";
import { createScratchApp } from "../helpers/db.js";

// Bad input over every route, signed in and not (tests/fuzz/fuzzer.ts). `npm run fuzz` runs the
// same with 10,000 requests and more; here a bounded run with a fixed seed, on both databases.
let db: Database;
let app: Express;
beforeAll(async () => {
  ({ db, app } = await createScratchApp());
}, 180_000);
afterAll(async () => {
  await db?.close();
});

const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);

describe("fuzzing the API", () => {
  it(`answers ${COUNT} bad requests without a 500 or a dropped connection, with problem bodies that name the field`, async () => {
    const s = await fuzz(app, db.knex, { count: COUNT, seed: 20261201 });
    console.log(`fuzz: ${s.requests} requests; by status ${JSON.stringify(s.byStatus)}`);
    const show = (list: typeof s.server500) =>
      list
        .slice(0, 10)
        .map((f) => `${f.method.toUpperCase()} ${f.url} [${f.what}] → ${f.status}: ${f.detail}`)
        .join("\n");
    expect(s.server500, show(s.server500)).toEqual([]);
    expect(s.dropped, show(s.dropped)).toEqual([]);
    expect(s.notProblemJson, show(s.notProblemJson)).toEqual([]);
    expect(s.wrongField, show(s.wrongField)).toEqual([]);
    expect(s.byStatus["400"]).toBeGreaterThan(COUNT / 4);
  }, 900_000);
});
