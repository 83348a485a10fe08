import type { Knex } from "knex";
import type { BBox } from "../schemas/query.js";
import { COMPOUND_PROPERTIES, FROM_COMPOUNDS } from "./compounds.js";
import type { LayerSpec } from "./layers.js";

// The SQL behind OGC API – Features collections (server/services/ogc.ts): a page of a table's
// features with the number matched, one feature, and the extent. Each collection reads the same
// SQL as the map layer it publishes (the GeoJSON routes and the vector tiles), so the fields are
// the published ones everywhere.

/** A property a client may filter on (`?name=value[,value]`, equality): its SQL and its type. */
export interface Queryable {
  expr: string;
  type: "integer" | "string" | "boolean";
}

/** A collection read from SQL: the feature row is `alias` in `from`. */
export interface SqlSource {
  from: string;
  alias: string;
  /** SQL of the feature's properties (a json or jsonb object). */
  properties: string;
  where?: [string, unknown[]];
  /** The filter for signed-in readers instead of `where`. */
  internalWhere?: [string, unknown[]];
}

export interface SqlPageQuery {
  bbox?: BBox;
  /** Equality filters: a queryable and the values it may take (any of them). */
  filters: Array<{ expr: string; values: unknown[] }>;
  limit: number;
  offset: number;
  internal: boolean;
}

/** A map layer's spec as a collection source (the same properties as its GeoJSON route and tiles). */
export function layerSource(spec: LayerSpec): SqlSource {
  const props = Object.entries(spec.properties)
    .map(([k, expr]) => `'${k}', ${expr}`)
    .join(", ");
  return { from: `${spec.table} t`, alias: "t", properties: `json_build_object(${props})`, where: spec.where, internalWhere: spec.internalWhere };
}

/** Compounds as the list route gives them; the public never sees the row version. */
export const compoundSource = (internal: boolean): SqlSource => ({
  from: FROM_COMPOUNDS,
  alias: "c",
  properties: internal ? COMPOUND_PROPERTIES : `(${COMPOUND_PROPERTIES}::jsonb - 'version')`,
});

function filtered(knex: Knex, src: SqlSource, q: Pick<SqlPageQuery, "bbox" | "filters" | "internal">): Knex.QueryBuilder {
  const a = src.alias;
  const query = knex.from(knex.raw(src.from));
  const where = q.internal && src.internalWhere ? src.internalWhere : src.where;
  if (where) query.whereRaw(where[0], where[1] as Knex.RawBinding[]);
  if (q.bbox) {
    const env = knex.raw("ST_MakeEnvelope(?, ?, ?, ?, 4326)", q.bbox);
    query.whereRaw(`${a}.geom && ?`, [env]).whereRaw(`ST_Intersects(${a}.geom, ?)`, [env]);
  }
  for (const f of q.filters) query.whereRaw(`(${f.expr}) IN (${f.values.map(() => "?").join(", ")})`, f.values as Knex.RawBinding[]);
  return query;
}

const featureSql = (a: string, properties: string) =>
  `json_build_object('type', 'Feature', 'id', ${a}.id, 'geometry', ST_AsGeoJSON(${a}.geom, 7)::json, 'properties', ${properties}) AS feature`;

/** One page of features (ordered by id) and how many match in all. */
export async function sqlFeatures(knex: Knex, src: SqlSource, q: SqlPageQuery): Promise<{ features: unknown[]; numberMatched: number }> {
  const page = filtered(knex, src, q)
    .select(knex.raw(featureSql(src.alias, src.properties)))
    .orderBy(`${src.alias}.id`)
    .limit(q.limit)
    .offset(q.offset);
  const count = filtered(knex, src, q).count({ n: "*" });
  const [rows, [{ n }]] = await Promise.all([page, count]);
  return { features: rows.map((r: { feature: unknown }) => r.feature), numberMatched: Number(n) };
}

/** One feature by id, if the reader may see it. */
export async function sqlFeature(knex: Knex, src: SqlSource, id: number, internal: boolean): Promise<unknown | undefined> {
  const row = await filtered(knex, src, { filters: [], internal })
    .where(`${src.alias}.id`, id)
    .first(knex.raw(featureSql(src.alias, src.properties)));
  return row?.feature;
}

/** The bounding box of every feature the reader may see (null when there are none). */
export async function sqlExtent(knex: Knex, src: SqlSource, internal: boolean): Promise<BBox | null> {
  const extent = filtered(knex, src, { filters: [], internal }).select(knex.raw(`ST_Extent(${src.alias}.geom)::geometry AS e`));
  const { rows } = await knex.raw("SELECT ST_XMin(x.e) AS x0, ST_YMin(x.e) AS y0, ST_XMax(x.e) AS x1, ST_YMax(x.e) AS y1 FROM (?) x", [extent]);
  const r = rows[0];
  return r?.x0 == null ? null : ([r.x0, r.y0, r.x1, r.y1].map(Number) as BBox);
}
