import type { Knex } from "knex";
import type { WalkGraphInput } from "../../web/src/analysis/walk-graph.js";

/**
 * Walk edges that run through a compound's interior: more than half of the edge's length (metres
 * on the spheroid) lies strictly inside one compound footprint. Length on the footprint's boundary
 * does not count as inside: real OSM residential areas are often drawn along the street centre
 * line, sharing its nodes, and those streets stay walkable (seen on the Shenzhen extract, where 32
 * edges lie on compound boundaries). Compounds are gated, so the network does not pass through them;
 * residents join it at the gates.
 *
 * Public streets (classes arterial and branch) are never dropped: an OSM "residential" area may be a
 * whole neighbourhood with through roads rather than a walled compound (seen in Shenzhen). Nor is
 * anything inside an open compound (access "open": no gate and no wall mapped), whose streets are
 * public (server/import/osm-steps/interiors.ts).
 *
 * The join is compound-driven (one GiST probe of `walk_edges_geom_gist` per compound), and the
 * exact lengths are only measured for edges whose geometry meets the footprint.
 */
export const COMPOUND_INTERIOR_EDGES_SQL = `
  SELECT e.id FROM compounds c
  JOIN walk_edges e ON ST_Intersects(c.geom, e.geom)
  WHERE c.access <> 'open' AND e.class NOT IN ('arterial', 'branch')
    AND ST_Length(ST_Intersection(e.geom, c.geom)::geography)
      - ST_Length(ST_Intersection(e.geom, ST_Boundary(c.geom))::geography)
      > 0.5 * ST_Length(e.geom::geography)`;

/**
 * The walk edges the graph is built from: every walk edge except those running through a compound
 * interior ({@link COMPOUND_INTERIOR_EDGES_SQL}). Columns: id, source, target, length_m, class, geom.
 * References (pgRouting in the tests) wrap this so they use exactly the same edge set, e.g.
 * `SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM (${WALK_EDGES_SQL}) w`.
 */
export const WALK_EDGES_SQL = `SELECT e.id, e.source, e.target, e.length_m, e.class, e.geom FROM walk_edges e
  WHERE e.id NOT IN (${COMPOUND_INTERIOR_EDGES_SQL})`;

/**
 * A cheap fingerprint that changes whenever walk nodes, walk edges (and their classes) or compounds change (compounds
 * decide which edges are usable): counts, id maxima, versions and the latest compound update.
 */
export async function walkNetworkSignature(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(`
    SELECT (SELECT count(*) FROM walk_nodes)::text || ':' || count(*)::text || ':' ||
           COALESCE(max(id), 0)::text || ':' || COALESCE(round(sum(length_m)::numeric, 3), 0)::text ||
           ':' || COALESCE(sum(source * 7 + target * 13) % 1000000007, 0)::text ||
           ':' || COALESCE(sum((hashtext(class)::bigint % 100003) * (id % 1009)), 0)::text || '|' ||
           (SELECT count(*)::text || ':' || COALESCE(max(id), 0)::text || ':' ||
                   COALESCE(sum(id::bigint * 31 + version) % 1000000007, 0)::text || ':' ||
                   COALESCE(extract(epoch FROM max(updated_at))::text, '')
            FROM compounds) AS sig
    FROM walk_edges`);
  return rows[0].sig;
}

/** What {@link readWalkNetwork} returns: the graph input plus how many edges were left out. */
export interface WalkNetworkData extends WalkGraphInput {
  /** Walk edges left out because they run through a compound interior. */
  compoundInteriorEdges: number;
}

/**
 * All walk nodes (those left without edges stay, isolated) and the usable walk edges
 * ({@link WALK_EDGES_SQL}), for building the binary graph.
 */
export async function readWalkNetwork(knex: Knex): Promise<WalkNetworkData> {
  // One after another: inside a transaction they share one connection.
  const nodes = await knex.raw("SELECT id::float8 AS id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM walk_nodes ORDER BY id");
  const edges = await knex.raw(`SELECT id::float8 AS id, source::float8 AS source, target::float8 AS target,
                     length_m AS "lengthM", class FROM (${WALK_EDGES_SQL}) w ORDER BY id`);
  const interior = await knex.raw(`SELECT count(DISTINCT id)::int AS n FROM (${COMPOUND_INTERIOR_EDGES_SQL}) i`);
  return { nodes: nodes.rows, edges: edges.rows, compoundInteriorEdges: interior.rows[0].n };
}
