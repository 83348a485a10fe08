import request from "supertest";
import { describe, expect, it } from "vitest";
import { withCancel } from "../../server/db/cancel.js";
import { connect } from "../../server/db/connect.js";
import { GEOMETRY_LIMITS } from "../../server/schemas/primitives.js";
import { importInventory } from "../../server/import/inventory.js";
import { parseCsv } from "../../server/import/table.js";
import { signedIn } from "../helpers/auth.js";
import { usingServer, setUpTestApp } from "../helpers/db.js";
import { expectProblem } from "../helpers/problem.js";
import { polygon } from "../helpers/geometry.js";

// Bad input is a 400 naming the field (never a 500), cached public reads follow every write,
// expensive reads do not hold up the rest, and the embedded database reports the errors PGlite
// loses. Runs on both databases.
const city = setUpTestApp({ scratch: true });

/** A d × d degree square from [lon, lat]; with `z`, every position carries it as a third coordinate. */
const square = (lon: number, lat: number, d = 0.0005, z?: number) => {
  const at = (x: number, y: number) => (z === undefined ? [x, y] : [x, y, z]);
  return polygon(at(lon, lat), at(lon + d, lat), at(lon + d, lat + d), at(lon, lat + d));
};
const firstCompound = async () => city.db.knex("compounds").orderBy("id").first("id", "version", "name");

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: kinds of bad input against one app
describe("bad input answers 400 naming the field", () => {
  it("text with a NUL or a lone surrogate, in a body, in JSON escapes and in a query", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    const c = await firstCompound();
    for (const name of ["a\u0000b", "x\ud800y", "\udfff"]) {
      expectProblem(await agent.patch(`/api/compounds/${c.id}`).set("X-CSRF-Token", csrf).send({ name, version: c.version }), 400, "name");
    }
    const escaped = await agent
      .patch(`/api/compounds/${c.id}`)
      .set("X-CSRF-Token", csrf)
      .set("Content-Type", "application/json")
      .send(`{"name":"\\u0000","version":${c.version}}`);
    expectProblem(escaped, 400, "name");
    expectProblem(await request(city.app).get("/api/compounds?subdistrict=%00"), 400, "subdistrict");
    expectProblem(await request(city.app).get("/api/compounds?subdistrict=%ED%A0%80"), 400, "subdistrict");
    const s = await agent
      .post("/api/scenarios")
      .set("X-CSRF-Token", csrf)
      .send({ name: "ok", changes: { facilities: [{ key: "k\u0000", action: "add", category: "kindergarten", lonLat: [114.64, 33.62] }] } });
    expectProblem(s, 400, "changes.facilities[0].key");
    expect((await firstCompound()).name).toBe(c.name);
  });

  it("integers past int4 in ids, versions and query parameters", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    const c = await firstCompound();
    expectProblem(await agent.patch(`/api/compounds/${c.id}`).set("X-CSRF-Token", csrf).send({ name: "x", version: 2147483648 }), 400, "version");
    expectProblem(
      await agent
        .patch(`/api/compounds/${c.id}`)
        .set("X-CSRF-Token", csrf)
        .send({ households: 2 ** 31, version: c.version }),
      400,
      "households",
    );
    expectProblem(await agent.patch("/api/compounds/2147483648").set("X-CSRF-Token", csrf).send({ name: "x", version: 1 }), 400, "id");
    expectProblem(
      await agent
        .post("/api/clusters/sheet")
        .set("X-CSRF-Token", csrf)
        .send({ memberIds: [2147483648] }),
      400,
      "memberIds[0]",
    );
    expectProblem(await request(city.app).get("/api/compounds?subdistrict=99999999999999999999"), 400, "subdistrict");
    expectProblem(await request(city.app).get("/api/compounds?limit=2147483648"), 400, "limit");
    expectProblem(await request(city.app).get(`/api/compounds?cursor=${Buffer.from("id:9999999999").toString("base64url")}`), 400, "cursor");
    const admin = await signedIn(city.app, city.db.knex, "admin");
    expectProblem(await admin.agent.get("/api/audit?before_id=2147483648"), 400, "before_id");
    expectProblem(await admin.agent.get("/api/audit?since=%201%20"), 400, "since");
  });

  it("malformed coordinate arrays name the position; a third coordinate is dropped, not an error", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    const c = await firstCompound();
    const patch = (geometry: unknown) => agent.patch(`/api/compounds/${c.id}`).set("X-CSRF-Token", csrf).send({ geometry, version: c.version });
    const cases: Array<[unknown, string]> = [
      [{ type: "Polygon", coordinates: [[[1]]] }, "geometry.coordinates[0]"],
      [{ type: "Polygon", coordinates: [[114.64, 33.62]] }, "geometry.coordinates[0]"],
      [{ type: "Polygon", coordinates: "x" }, "geometry.coordinates"],
      [
        {
          type: "Polygon",
          coordinates: [
            [
              ["a", "b"],
              [1, 2],
              [3, 4],
              [1, 2],
            ],
          ],
        },
        "geometry.coordinates[0][0]",
      ],
      [
        {
          type: "MultiPolygon",
          coordinates: [
            [
              [
                [114.64, 33.62],
                [114.641, 33.62],
                [114.64, 33.62],
              ],
            ],
          ],
        },
        "geometry.coordinates[0][0]",
      ],
      [{ type: "Point", coordinates: [114.64, 33.62] }, "geometry.type"],
      [null, "geometry"],
    ];
    for (const [g, field] of cases) expectProblem(await patch(g), 400, field);
    // Heights, as many tools write them, are dropped: the footprint is stored in 2D.
    const z = await patch(square(114.6401, 33.6201, 0.0004, 12.5));
    expect(z.status, JSON.stringify(z.body)).toBe(200);
    const { rows } = await city.db.knex.raw("SELECT ST_NDims(geom) AS dims FROM compounds WHERE id = ?", [c.id]);
    expect(rows[0].dims).toBe(2);
  });

  it("geometry past the vertex, part or area limit is refused with the limit named", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    const c = await firstCompound();
    const patch = (geometry: unknown) => agent.patch(`/api/compounds/${c.id}`).set("X-CSRF-Token", csrf).send({ geometry, version: c.version });
    const n = GEOMETRY_LIMITS.maxVertices + 1;
    const ring = Array.from({ length: n }, (_, i) => [114.64 + 0.001 * Math.cos((2 * Math.PI * i) / n), 33.62 + 0.001 * Math.sin((2 * Math.PI * i) / n)]);
    ring.push(ring[0]);
    const many = await patch({ type: "Polygon", coordinates: [ring] });
    expectProblem(many, 400, "geometry.coordinates[0]");
    expect(many.body.detail).toMatch(new RegExp(`at most ${GEOMETRY_LIMITS.maxVertices}`));
    const parts = Array.from({ length: GEOMETRY_LIMITS.maxParts + 1 }, (_, i) => square(114.6 + i * 0.001, 33.6).coordinates);
    expectProblem(await patch({ type: "MultiPolygon", coordinates: parts }), 400, "geometry.coordinates");
    const huge = await patch(square(114.5, 33.5, 0.1)); // ~10 km × 11 km
    expectProblem(huge, 400, "geometry.coordinates");
    expect(huge.body.detail).toMatch(new RegExp(`at most ${GEOMETRY_LIMITS.maxAreaKm2} km²`));
  });
});

describe("cached public reads follow every write", () => {
  it("a write through the API and a write by another process both show at once", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    const c = await firstCompound();
    const publicName = async () => (await request(city.app).get(`/api/compounds/${c.id}`).expect(200)).body.properties.name;
    await publicName();
    const etag = (await request(city.app).get("/api/compounds?limit=5000")).headers.etag;
    await agent.patch(`/api/compounds/${c.id}`).set("X-CSRF-Token", csrf).send({ name: "改过的名字", version: c.version }).expect(200);
    expect(await publicName()).toBe("改过的名字");
    const after = await request(city.app).get("/api/compounds?limit=5000").set("If-None-Match", etag);
    expect(after.status).toBe(200); // not 304: the data changed
    // Another connection (a command-line tool, another app instance) writes directly.
    await city.db.knex("compounds").where({ id: c.id }).update({ name: "工具改的名字" });
    expect(await publicName()).toBe("工具改的名字");
  });
});

describe("expensive reads do not hold up the rest", () => {
  it("20 parallel adjacency calls leave /api/health answering at once", async () => {
    const calls = Array.from({ length: 20 }, (_, i) => request(city.app).get(`/api/compounds/adjacency?distance_m=${30 + (i % 4)}`));
    const health: number[] = [];
    let done = false;
    const all = Promise.all(calls).then((r) => {
      done = true;
      return r;
    });
    while (!done) {
      const t0 = Date.now();
      await request(city.app).get("/api/health").expect(200);
      health.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    const answers = await all;
    expect(answers.every((r) => r.status === 200)).toBe(true);
    health.sort((a, b) => a - b);
    console.log(
      `/api/health during 20 adjacency calls: ${health.length} probes, median ${health[health.length >> 1]} ms, slowest ${health[health.length - 1]} ms`,
    );
    expect(health.length).toBeGreaterThan(0);
    expect(health[health.length >> 1]).toBeLessThan(100);
  }, 120_000);

  it.skipIf(!usingServer)("a read whose clients have gone is cancelled on the server", async () => {
    const controller = new AbortController();
    const t0 = Date.now();
    const run = withCancel(city.db.knex, controller.signal, (q) => q.raw("SELECT pg_sleep(20)"));
    setTimeout(() => controller.abort(), 300);
    const err = await run.catch((e) => e);
    expect(err.code).toBe("57014"); // query_canceled
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it.skipIf(!usingServer)("no statement runs past the app's limit on the server", async () => {
    const limited = await connect({ databaseUrl: process.env.DATABASE_URL, statementTimeoutMs: 300 });
    const err = await limited.knex.raw("SELECT pg_sleep(5)").catch((e) => e);
    await limited.close();
    expect(err.code).toBe("57014");
  });
});

describe("a failing geometry operation is an error on both databases", () => {
  const selfCrossing = "POLYGON((114.64 33.62, 114.641 33.621, 114.641 33.62, 114.64 33.621, 114.64 33.62))";

  it("raises instead of answering nothing, and rolls its transaction back", async () => {
    const err = await city.db.knex
      .raw(`SELECT ST_Area(ST_Intersection(ST_GeomFromText(?, 4326), ST_Expand(ST_GeomFromText(?, 4326), 1)))`, [selfCrossing, selfCrossing])
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toMatch(/GEOS|TopologyException|PostGIS/);
    const before = (await city.db.knex("compounds").count({ n: "*" }))[0].n;
    const inTrx = await city.db.knex
      .transaction(async (trx) => {
        await trx.raw(`INSERT INTO compounds (name, geom) VALUES ('半截小区', ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(114.64, 33.62), 4326), 0.0003)))`);
        await trx.raw(`SELECT ST_Intersection(ST_GeomFromText(?, 4326), ST_GeomFromText(?, 4326))`, [selfCrossing, selfCrossing]);
      })
      .catch((e) => e);
    expect(inTrx).toBeInstanceOf(Error);
    expect((await city.db.knex("compounds").count({ n: "*" }))[0].n).toBe(before);
    expect((await city.db.knex.raw("SELECT 41 + 1 AS x")).rows[0].x).toBe(42); // the session goes on
  });

  it("a dry run refuses what the import would refuse: a ring of two points, a self-crossing polygon", async () => {
    const csv = [
      "name,build_year,households,buildings,geometry",
      `甲,1990,80,2,"POLYGON((114.619 33.603,114.6196 33.6036,114.619 33.603))"`,
      `乙,1990,80,2,"${selfCrossing}"`,
      `丙,1990,80,2,"POLYGON((114.62 33.604,114.621 33.604,114.621 33.605,114.62 33.605,114.62 33.604))"`,
    ].join("\n");
    const err = await importInventory(city.db.knex, null, parseCsv(csv), { crs: "wgs84", dryRun: true }).catch((e) => e);
    expect(err.status, String(err)).toBe(400);
    expect(err.problems.map((p: { row: number }) => p.row)).toEqual([2]); // shape first: the two-point ring
    const err2 = await importInventory(
      city.db.knex,
      null,
      parseCsv(
        csv
          .split("\n")
          .filter((_, i) => i !== 1)
          .join("\n"),
      ),
      { crs: "wgs84", dryRun: true },
    ).catch((e) => e);
    expect(err2.status, String(err2)).toBe(400);
    expect(err2.problems).toEqual([
      {
        row: 2,
        field: "geometry",
        reason: expect.stringMatching(/Self-intersection/i),
        code: "invalid_geometry",
        params: { value: expect.stringMatching(/Self-intersection/i) },
      },
    ]);
  });
});
