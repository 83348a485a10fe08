import request from "supertest";
import { describe, expect, it } from "vitest";
import type { Knex } from "knex";
import { findAdjacency } from "../../server/db/adjacency.js";
import { expectProblem } from "../helpers/problem.js";
import { setUpTestApp } from "../helpers/db.js";

const city = setUpTestApp();

interface Pair {
  a: number;
  b: number;
  gapM: number;
  sharedStreet: boolean;
  reason: string;
}

/**
 * The adjacency computed a second way: the candidates come from bounding boxes of the footprints
 * and edges projected to UTM zone 50N (EPSG:32650, metres), widened by 5 m and compared pair by
 * pair with no index; the decision is `ST_Distance` on geography. Facing the same street is paired
 * up here in TypeScript from (compound, edge) rows.
 */
async function referenceAdjacency(knex: Knex, distanceM: number, streetM: number): Promise<Pair[]> {
  const { rows: near } = await knex.raw(
    `
    WITH p AS MATERIALIZED (SELECT id, geom, ST_Transform(geom, 32650) AS utm FROM compounds)
    SELECT a.id AS a, b.id AS b, ST_Distance(a.geom::geography, b.geom::geography) AS d
    FROM p a CROSS JOIN p b
    WHERE a.id < b.id AND ST_Expand(a.utm, ?::float8 + 5) && b.utm`,
    [Math.max(distanceM, 0)],
  );
  const { rows: fronts } = await knex.raw(
    `
    WITH p AS MATERIALIZED (SELECT id, geom, ST_Transform(geom, 32650) AS utm FROM compounds),
    e AS MATERIALIZED (SELECT id, geom, ST_Transform(geom, 32650) AS utm FROM walk_edges
                       WHERE class IN ('arterial', 'branch', 'alley', 'footway'))
    SELECT p.id AS c, e.id AS e FROM p CROSS JOIN e
    WHERE ST_Expand(p.utm, ?::float8 + 5) && e.utm AND ST_Distance(p.geom::geography, e.geom::geography) <= ?::float8`,
    [streetM, streetM],
  );
  const byEdge = new Map<string, number[]>();
  for (const r of fronts as Array<{ c: number; e: string | number }>) {
    const list = byEdge.get(String(r.e)) ?? byEdge.set(String(r.e), []).get(String(r.e))!;
    list.push(Number(r.c));
  }
  const street = new Set<string>();
  for (const cs of byEdge.values()) for (const x of cs) for (const y of cs) if (x < y) street.add(`${x}-${y}`);
  const pairs = new Map<string, { a: number; b: number; near: boolean; street: boolean }>();
  for (const r of near as Array<{ a: number; b: number; d: number }>) {
    if (r.d <= distanceM) pairs.set(`${r.a}-${r.b}`, { a: Number(r.a), b: Number(r.b), near: true, street: false });
  }
  for (const key of street) {
    const [a, b] = key.split("-").map(Number);
    const p = pairs.get(key) ?? { a, b, near: false, street: false };
    p.street = true;
    pairs.set(key, p);
  }
  const keys = [...pairs.values()].sort((x, y) => x.a - y.a || x.b - y.b);
  const { rows: gaps } = await knex.raw(
    `
    SELECT k.a, k.b, ST_Distance(ca.geom::geography, cb.geom::geography) AS d
    FROM unnest(?::int[], ?::int[]) AS k(a, b) JOIN compounds ca ON ca.id = k.a JOIN compounds cb ON cb.id = k.b`,
    [keys.map((k) => k.a), keys.map((k) => k.b)],
  );
  const gap = new Map((gaps as Array<{ a: number; b: number; d: number }>).map((r) => [`${r.a}-${r.b}`, Number(r.d)]));
  return keys.map((k) => ({
    a: k.a,
    b: k.b,
    gapM: Math.round(gap.get(`${k.a}-${k.b}`)! * 10) / 10,
    sharedStreet: k.street,
    reason: k.near && k.street ? "both" : k.near ? "near" : "street",
  }));
}

describe("GET /api/compounds/adjacency", () => {
  it("equals an independent PostGIS computation on the demo city (defaults from geodata/clusters.json)", async () => {
    const res = await request(city.app).get("/api/compounds/adjacency").expect(200);
    expect(res.body.distanceM).toBe(city.reference.clusters.adjacencyM);
    expect(res.body.streetM).toBe(city.reference.clusters.streetFrontM);
    // The demo city has no walk edge inside a footprint, so the reference need not drop any.
    const {
      rows: [{ n }],
    } = await city.db.knex.raw(`SELECT count(*)::int AS n FROM walk_edges e JOIN compounds c ON ST_Intersects(c.geom, e.geom)`);
    expect(n).toBe(0);
    const expected = await referenceAdjacency(city.db.knex, res.body.distanceM, res.body.streetM);
    expect(expected.length).toBeGreaterThan(200);
    expect(expected.some((p) => p.reason === "street")).toBe(true);
    expect(expected.some((p) => p.reason === "near")).toBe(true);
    expect(res.body.pairs).toEqual(expected);
  });

  it("draws each pair as a line between the two centroids", async () => {
    const res = await request(city.app).get("/api/compounds/adjacency?distance_m=20&street_m=0").expect(200);
    const { pairs, edges } = res.body;
    expect(pairs.length).toBeGreaterThan(50);
    expect(edges.type).toBe("FeatureCollection");
    expect(edges.features.map((f: any) => f.properties)).toEqual(pairs);
    const { rows } = await city.db.knex.raw(`SELECT id, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM compounds`);
    const centroid = new Map(rows.map((r: { id: number; x: number; y: number }) => [Number(r.id), [r.x, r.y]]));
    for (const f of edges.features.slice(0, 20)) {
      expect(f.geometry.type).toBe("LineString");
      const [[x0, y0], [x1, y1]] = f.geometry.coordinates;
      const ca = centroid.get(f.properties.a)! as number[],
        cb = centroid.get(f.properties.b)! as number[];
      expect(x0).toBeCloseTo(ca[0], 6);
      expect(y0).toBeCloseTo(ca[1], 6);
      expect(x1).toBeCloseTo(cb[0], 6);
      expect(y1).toBeCloseTo(cb[1], 6);
    }
    for (const p of pairs) {
      expect(p.a).toBeLessThan(p.b);
      expect(p.gapM).toBeLessThanOrEqual(20);
    }
  });

  it("answers 400 naming a bad distance_m or street_m, and an unknown parameter", async () => {
    for (const q of ["distance_m=abc", "distance_m=-1", "distance_m=501", "distance_m=12.5", "distance_m=1&distance_m=2"]) {
      expectProblem(await request(city.app).get(`/api/compounds/adjacency?${q}`), 400, "distance_m");
    }
    expectProblem(await request(city.app).get("/api/compounds/adjacency?street_m=x"), 400, "street_m");
    expectProblem(await request(city.app).get("/api/compounds/adjacency?distance=50"), 400, "distance");
  });
});

describe("findAdjacency: what counts as facing the same street", () => {
  // Two 100 m squares 20 m apart, east of the demo city, built inside a transaction that is rolled
  // back. Local metres → degrees on the mean-radius sphere; the geography distances agree to < 0.5%.
  const LON0 = 114.75,
    LAT0 = 33.7;
  const M_LAT = 111_195,
    M_LON = M_LAT * Math.cos((LAT0 * Math.PI) / 180);
  const pt = (x: number, y: number) => [LON0 + x / M_LON, LAT0 + y / M_LAT];
  const square = (x0: number) => ({ type: "MultiPolygon", coordinates: [[[pt(x0, 0), pt(x0 + 100, 0), pt(x0 + 100, 100), pt(x0, 100), pt(x0, 0)]]] });
  const line = (x: number) => ({ type: "LineString", coordinates: [pt(x, 10), pt(x, 90)] });

  /** Run `fn` with the two compounds (ids returned) and one walk edge of `cls` at `x` metres, then roll back. */
  async function withFixture(edges: Array<{ cls: string; x: number }>, fn: (trx: Knex.Transaction, ids: [number, number]) => Promise<void>) {
    const trx = await city.db.knex.transaction();
    try {
      // Only the fixture compounds take part, so each run is quick and no demo pair interferes.
      await trx.raw("DELETE FROM compounds");
      const ids: number[] = [];
      for (const x0 of [0, 120]) {
        const { rows } = await trx.raw(
          `INSERT INTO compounds (name, households, geom)
          VALUES (?, 500, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)) RETURNING id`,
          [`fixture ${x0}`, JSON.stringify(square(x0))],
        );
        ids.push(rows[0].id);
      }
      let id = 9_000_000_000;
      for (const e of edges) {
        const [s, t] = [id + 1, id + 2];
        for (const [nid, y] of [
          [s, 10],
          [t, 90],
        ]) {
          await trx.raw("INSERT INTO walk_nodes (id, geom) VALUES (?, ST_SetSRID(ST_MakePoint(?, ?), 4326))", [nid, ...pt(e.x, y)]);
        }
        await trx.raw(
          `INSERT INTO walk_edges (id, source, target, length_m, class, geom)
          VALUES (?, ?, ?, 80, ?, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))`,
          [id, s, t, e.cls, JSON.stringify(line(e.x))],
        );
        id += 10;
      }
      await fn(trx, ids as [number, number]);
    } finally {
      await trx.rollback();
    }
  }

  const ours = (pairs: Pair[], ids: number[]) => pairs.filter((p) => ids.includes(p.a) && ids.includes(p.b));

  it("an alley between them (10 m from each) makes them neighbours; 20 m apart they are also near at 25 m", async () => {
    await withFixture([{ cls: "alley", x: 110 }], async (trx, ids) => {
      const [p] = ours((await findAdjacency(trx, { distanceM: 10, streetM: 30 })).pairs, ids);
      expect(p).toMatchObject({ a: ids[0], b: ids[1], sharedStreet: true, reason: "street" });
      expect(p.gapM).toBeCloseTo(20, 0);
      expect(ours((await findAdjacency(trx, { distanceM: 25, streetM: 30 })).pairs, ids)[0].reason).toBe("both");
      expect(ours((await findAdjacency(trx, { distanceM: 10, streetM: 5 })).pairs, ids)).toEqual([]);
    });
  });

  it("a footway inside one compound (5 m from its wall, 25 m from the other) is not a street", async () => {
    await withFixture([{ cls: "footway", x: 95 }], async (trx, ids) => {
      expect(ours((await findAdjacency(trx, { distanceM: 10, streetM: 30 })).pairs, ids)).toEqual([]);
    });
  });

  it("a service road between them does not count", async () => {
    await withFixture([{ cls: "service", x: 110 }], async (trx, ids) => {
      expect(ours((await findAdjacency(trx, { distanceM: 10, streetM: 30 })).pairs, ids)).toEqual([]);
    });
  });
});
