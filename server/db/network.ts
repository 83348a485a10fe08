import type { Knex } from "knex";
import type { WalkGraphInput } from "../../web/src/analysis/walk-graph.js";

/** A cheap fingerprint of the walk network that changes whenever nodes or edges change. */
export async function walkNetworkSignature(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(`
    SELECT (SELECT count(*) FROM walk_nodes)::text || ':' || count(*)::text || ':' ||
           COALESCE(max(id), 0)::text || ':' || COALESCE(round(sum(length_m)::numeric, 3), 0)::text ||
           ':' || COALESCE(sum(source * 7 + target * 13) % 1000000007, 0)::text AS sig
    FROM walk_edges`);
  return rows[0].sig;
}

/** All walk nodes and edges, for building the binary graph. */
export async function readWalkNetwork(knex: Knex): Promise<WalkGraphInput> {
  const [nodes, edges] = await Promise.all([
    knex.raw("SELECT id::float8 AS id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM walk_nodes ORDER BY id"),
    knex.raw(`SELECT id::float8 AS id, source::float8 AS source, target::float8 AS target,
                     length_m AS "lengthM", class FROM walk_edges ORDER BY id`),
  ]);
  return { nodes: nodes.rows, edges: edges.rows };
}
