import type { Knex } from "knex";
import { WALK_EDGES_SQL } from "./network.js";

/** What {@link placeAssumedAccess} did: access points placed per compound, and compounds with none. */
export interface AssumedAccess {
  points: Map<number, number>;
  noAccess: number[];
}

/** At most this many assumed access points per compound (a big open neighbourhood meets many streets). */
const MAX_POINTS = 60;

/**
 * Access points of compounds without a walking gate (access "assumed" or "open"): every place
 * where the walk network the engine routes on (interiors of gated compounds left out) meets the
 * compound's boundary or comes within `withinM` metres of it — the point of the street nearest the
 * boundary — and, for an open compound, every walk node inside it. Points closer than ~10 m merge.
 * They replace the compound's earlier assumed gates (source "assumed"); a compound left with no
 * access at all is marked access "none". Only `compoundIds` are touched.
 */
export async function placeAssumedAccess(knex: Knex, compoundIds: number[], withinM: number): Promise<AssumedAccess> {
  if (!compoundIds.length) return { points: new Map(), noAccess: [] };
  await knex("gates").whereIn("compound_id", compoundIds).andWhere({ source: "assumed" }).del();
  // Degrees that cover `withinM` metres anywhere below 63° of latitude (the geography test is exact).
  const deg = withinM / 50_000;
  const { rows } = await knex.raw(
    `
    WITH target AS (
      SELECT id, geom, access FROM compounds WHERE id = ANY(?::int[]) AND access IN ('assumed', 'open', 'none')
    ),
    routed AS MATERIALIZED (${WALK_EDGES_SQL}),
    found AS (
      SELECT t.id AS compound_id, ST_ClosestPoint(r.geom, ST_Boundary(t.geom)) AS pt
      FROM target t JOIN routed r ON ST_DWithin(r.geom, t.geom, ?::float8)
      WHERE ST_DWithin(r.geom::geography, ST_Boundary(t.geom)::geography, ?::float8)
      UNION ALL
      SELECT t.id, n.geom FROM target t JOIN walk_nodes n ON t.access = 'open' AND n.geom && t.geom AND ST_Contains(t.geom, n.geom)
      WHERE EXISTS (SELECT 1 FROM routed r WHERE r.source = n.id OR r.target = n.id)
    ),
    merged AS (
      SELECT DISTINCT ON (compound_id, ST_SnapToGrid(pt, 0.0001)) compound_id, pt
      FROM found ORDER BY compound_id, ST_SnapToGrid(pt, 0.0001), ST_X(pt), ST_Y(pt)
    ),
    ranked AS (SELECT compound_id, pt, row_number() OVER (PARTITION BY compound_id ORDER BY ST_X(pt), ST_Y(pt)) AS k FROM merged)
    INSERT INTO gates (compound_id, name, kind, source, geom)
    SELECT compound_id, '推定出入口', 'pedestrian', 'assumed', ST_SetSRID(pt, 4326) FROM ranked WHERE k <= ${MAX_POINTS}
    RETURNING compound_id`,
    [compoundIds, deg, withinM],
  );
  const points = new Map<number, number>();
  for (const r of rows as Array<{ compound_id: number }>) points.set(r.compound_id, (points.get(r.compound_id) ?? 0) + 1);
  const { rows: none } = await knex.raw(
    `
    UPDATE compounds c SET access = 'none', updated_at = now()
    WHERE c.id = ANY(?::int[]) AND c.access IN ('assumed', 'open')
      AND NOT EXISTS (SELECT 1 FROM gates g WHERE g.compound_id = c.id)
    RETURNING c.id`,
    [compoundIds],
  );
  return { points, noAccess: none.map((r: { id: number }) => r.id) };
}

/** The gates (walking gates and assumed access points) of `compoundIds`, with their compound's name. */
export async function gatesOfCompounds(knex: Knex, compoundIds: number[]) {
  if (!compoundIds.length) return [];
  const { rows } = await knex.raw(
    `
    SELECT g.id, g.compound_id AS "compoundId", c.name AS compound, c.osm_id AS "compoundOsmId", g.osm_id AS "osmId", g.source,
           ST_X(g.geom) AS lon, ST_Y(g.geom) AS lat
    FROM gates g JOIN compounds c ON c.id = g.compound_id WHERE g.compound_id = ANY(?::int[]) ORDER BY g.id`,
    [compoundIds],
  );
  return rows as Array<{
    id: number;
    compoundId: number;
    compound: string;
    compoundOsmId: string | null;
    osmId: string | null;
    source: string;
    lon: number;
    lat: number;
  }>;
}

/** Amenities that came from these OSM elements. */
export async function amenitiesOfOsm(knex: Knex, osmIds: string[]) {
  if (!osmIds.length) return [];
  const { rows } = await knex.raw(
    `
    SELECT id, name, category, osm_id AS "osmId", ST_X(geom) AS lon, ST_Y(geom) AS lat
    FROM amenities WHERE osm_id = ANY(?::text[]) ORDER BY id`,
    [osmIds],
  );
  return rows as Array<{ id: number; name: string; category: string; osmId: string; lon: number; lat: number }>;
}

/** A compound's name and OpenStreetMap id (for the import's warnings), or undefined. */
export async function compoundLabel(knex: Knex, id: number): Promise<{ name: string; osm_id: string | null } | undefined> {
  return knex("compounds").where({ id }).first("name", "osm_id");
}
