import type { Knex } from "knex";
import { withCancel } from "./cancel.js";
import { COMPOUND_INTERIOR_EDGES_SQL } from "./network.js";

/**
 * Street classes whose walk edges count as a street two compounds can face (not service roads,
 * not steps): the city-wide adjacency graph here and a cluster's pieces (db/clusters.ts) use it.
 */
export const FACING_STREET_CLASSES = ["arterial", "branch", "alley", "footway"] as const;

export interface AdjacencyOptions {
  /** Footprints at most this far apart (metres on the spheroid) are neighbours ("near"). */
  distanceM: number;
  /** Both footprints within this distance (metres) of one walk edge: they face the same street. */
  streetM: number;
}

/** One neighbouring pair of compounds, `a < b`. */
export interface AdjacencyPair {
  a: number;
  b: number;
  /** Shortest distance between the two footprints, metres on the spheroid (0.1 m). */
  gapM: number;
  /** Both face the same street segment (see {@link findAdjacency}). */
  sharedStreet: boolean;
  /** Why they are neighbours: near (gap ≤ distanceM), street (same street segment) or both. */
  reason: "near" | "street" | "both";
}

export interface Adjacency {
  distanceM: number;
  streetM: number;
  pairs: AdjacencyPair[];
  /** One LineString per pair, centroid of `a` to centroid of `b`, for drawing the graph. */
  edges: {
    type: "FeatureCollection";
    features: Array<{ type: "Feature"; geometry: { type: "LineString"; coordinates: number[][] }; properties: AdjacencyPair }>;
  };
}

/**
 * A bounding box around `col` that holds every point within `param` metres of it: the GiST
 * prefilter for `ST_DWithin(…::geography, …)`. A degree of latitude is ≥ 110 574 m and a degree
 * of longitude ≥ 111 319·cos φ m on WGS 84, so `m / (110 000 · cos φmax)` degrees, with φmax the
 * footprint's largest |latitude| (capped at 89°), covers both with a margin of about 1% for the
 * part of the box that lies nearer the pole. Only the index uses it; metres come from geography.
 */
const expandM = (col: string) => `ST_Expand(${col}, ?::float8 / (110000 * cos(radians(least(89, greatest(abs(ST_YMin(${col})), abs(ST_YMax(${col}))))))))`;

/**
 * Neighbouring compounds (邻近小区), the graph that 连片 clusters grow over. Compounds `a` and `b`
 * are neighbours when
 *
 * - **near**: their footprints are at most `distanceM` apart (`ST_DWithin` on geography, spheroid),
 *   e.g. two compounds separated by a wall, the 拆墙并院 case; or
 * - **street**: they face the same street segment: there is one walk edge of class arterial,
 *   branch, alley or footway that lies within `streetM` metres of both footprints. A walk edge is
 *   one segment between consecutive street nodes (the import splits ways at every node; the demo
 *   city densifies to ~10 m), so "the same segment" means opposite or side by side along one stretch
 *   of street, not merely on the same long road. Edges running through a compound's interior
 *   ({@link COMPOUND_INTERIOR_EDGES_SQL}) are not streets, and service roads and steps do not count.
 *
 * Facing pairs can be up to about 2·streetM + the edge's length apart; `gapM` (the footprint
 * distance, also for pairs that are only "street") says how far.
 *
 * Both tests use the geometry GiST index through an expanded bounding box first; the metres come
 * from `::geography`. The query is shaped so the plan stays index-driven without table statistics
 * (an embedded PGlite database is never ANALYZEd): a LATERAL probe per compound, and compounds
 * that front one edge grouped with array_agg rather than a self-join (which, misestimated, ran as
 * a nested loop over 25 000² rows).
 */
export async function findAdjacency(knex: Knex, opts: AdjacencyOptions, signal?: AbortSignal): Promise<Adjacency> {
  const { rows } = await withCancel(knex, signal, (q) =>
    q.raw(
      `
    WITH near AS (
      SELECT a.id AS a, b.id AS b
      FROM compounds b JOIN compounds a
        ON a.id < b.id AND a.geom && ${expandM("b.geom")}
       AND ST_DWithin(a.geom::geography, b.geom::geography, ?::float8)
    ),
    interior AS MATERIALIZED (${COMPOUND_INTERIOR_EDGES_SQL}),
    fronting AS (
      SELECT array_agg(c.id) AS compounds
      FROM compounds c CROSS JOIN LATERAL (
        SELECT e.id FROM walk_edges e
        WHERE e.geom && ${expandM("c.geom")} AND e.class = ANY(?::text[])
          AND ST_DWithin(c.geom::geography, e.geom::geography, ?::float8)
      ) s
      WHERE s.id NOT IN (SELECT id FROM interior)
      GROUP BY s.id HAVING count(*) > 1
    ),
    street AS (
      SELECT DISTINCT x AS a, y AS b
      FROM fronting f CROSS JOIN LATERAL unnest(f.compounds) x CROSS JOIN LATERAL unnest(f.compounds) y
      WHERE x < y
    ),
    pairs AS (
      SELECT COALESCE(n.a, s.a) AS a, COALESCE(n.b, s.b) AS b, n.a IS NOT NULL AS near, s.a IS NOT NULL AS street
      FROM near n FULL JOIN street s ON s.a = n.a AND s.b = n.b
    )
    SELECT p.a, p.b, p.near, p.street,
      round(ST_Distance(ca.geom::geography, cb.geom::geography)::numeric, 1)::float8 AS gap_m,
      ST_AsGeoJSON(ST_MakeLine(ST_Centroid(ca.geom), ST_Centroid(cb.geom)), 7)::json AS line
    FROM pairs p JOIN compounds ca ON ca.id = p.a JOIN compounds cb ON cb.id = p.b
    ORDER BY p.a, p.b`,
      [opts.distanceM, opts.distanceM, opts.streetM, [...FACING_STREET_CLASSES], opts.streetM],
    ),
  );
  const pairs: AdjacencyPair[] = [];
  const features: Adjacency["edges"]["features"] = [];
  for (const r of rows as Array<{
    a: number;
    b: number;
    near: boolean;
    street: boolean;
    gap_m: number;
    line: { type: "LineString"; coordinates: number[][] };
  }>) {
    const pair: AdjacencyPair = {
      a: Number(r.a),
      b: Number(r.b),
      gapM: Number(r.gap_m),
      sharedStreet: r.street,
      reason: r.near && r.street ? "both" : r.near ? "near" : "street",
    };
    pairs.push(pair);
    features.push({ type: "Feature", geometry: r.line, properties: pair });
  }
  return { distanceM: opts.distanceM, streetM: opts.streetM, pairs, edges: { type: "FeatureCollection", features } };
}
