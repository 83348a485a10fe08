import type { Knex } from "knex";

/** Every compound's id and name (names are normalised in code, see import/names.ts). */
export async function compoundNames(knex: Knex): Promise<Array<{ id: number; name: string }>> {
  return knex("compounds").select("id", "name").orderBy("id");
}

/**
 * Distance in metres (0 inside) from each point to each given compound's footprint, on the spheroid.
 * `pairs[i]` = [lon, lat, compoundId]; answers in the same order.
 */
export async function pointToCompoundM(knex: Knex, pairs: Array<[number, number, number]>): Promise<number[]> {
  if (!pairs.length) return [];
  const { rows } = await knex.raw(
    `
    SELECT p.k, ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography)::float8 AS d
    FROM (SELECT (x.v->>0)::float8 AS lon, (x.v->>1)::float8 AS lat, (x.v->>2)::int AS cid, (x.n - 1)::int AS k
          FROM json_array_elements(?::json) WITH ORDINALITY AS x(v, n)) p
    JOIN compounds c ON c.id = p.cid
    ORDER BY p.k`,
    [JSON.stringify(pairs)],
  );
  const out = new Array<number>(pairs.length).fill(Infinity);
  for (const r of rows as Array<{ k: number; d: number }>) out[r.k] = r.d;
  return out;
}

/** For each point, the compounds within `withinM` metres of it (0 when it lies inside), nearest first. */
export async function compoundsNearPoints(knex: Knex, points: Array<[number, number]>, withinM: number) {
  if (!points.length) return [] as Array<Array<{ id: number; name: string; distanceM: number }>>;
  const { rows } = await knex.raw(
    `
    SELECT p.k, c.id, c.name, ST_Distance(c.geom::geography, p.g::geography)::float8 AS d
    FROM (SELECT ST_SetSRID(ST_MakePoint((x.v->>0)::float8, (x.v->>1)::float8), 4326) AS g, (x.n - 1)::int AS k
          FROM json_array_elements(?::json) WITH ORDINALITY AS x(v, n)) p
    JOIN compounds c ON ST_DWithin(c.geom, p.g, ?::float8) AND ST_DWithin(c.geom::geography, p.g::geography, ?::float8)
    ORDER BY p.k, d, c.id`,
    [JSON.stringify(points), withinM / 50_000, withinM],
  );
  const out = points.map(() => [] as Array<{ id: number; name: string; distanceM: number }>);
  for (const r of rows as Array<{ k: number; id: number; name: string; d: number }>) out[r.k].push({ id: r.id, name: r.name, distanceM: r.d });
  return out;
}
