import type { Knex } from "knex";
import { LAYERS, type LayerSpec } from "./layers.js";

// Vector tiles (Mapbox Vector Tile 2.1) of the map's layers. On the PostgreSQL server PostGIS cuts
// and encodes them (ST_AsMVTGeom, ST_AsMVT); the embedded PostGIS has no ST_AsMVT (it is built
// without protobuf), so there the features come from PostGIS as GeoJSON and server/services/tiles.ts
// cuts them with geojson-vt and encodes them with vt-pbf. Both give the same features and properties.

/** Tile coordinates: each tile is `EXTENT` units a side, with `BUFFER` units drawn beyond its edge. */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;

/** Every layer a tile can hold, with the properties it carries (as the GeoJSON routes, published fields only). */
export const TILE_LAYERS = {
  ...LAYERS,
  compounds: {
    table: "compounds",
    properties: { id: "t.id", name: "t.name", status: "t.status", tier: "t.tier", planYear: "t.plan_year", households: "t.households" },
  },
  amenities: {
    table: "amenities",
    properties: {
      id: "t.id",
      name: "t.name",
      category: "t.category",
      categoryName: "(SELECT fc.name_zh FROM facility_categories fc WHERE fc.code = t.category)",
      circle: "(SELECT fc.circle FROM facility_categories fc WHERE fc.code = t.category)",
    },
  },
} satisfies Record<string, LayerSpec>;
export type TileLayer = keyof typeof TILE_LAYERS;
export const TILE_LAYER_NAMES = Object.keys(TILE_LAYERS) as TileLayer[];

/** How many compounds the city has (whether the map draws it from tiles). */
export async function compoundCount(knex: Knex): Promise<number> {
  const { rows } = await knex.raw("SELECT count(*)::int AS n FROM compounds");
  return rows[0].n;
}

/** A tile's bounds in lon/lat (Web Mercator tiling), grown by `margin` of its width on every side. */
export function tileBounds(z: number, x: number, y: number, margin = 0): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (tx: number) => (tx / n) * 360 - 180;
  const lat = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
  const clampY = (ty: number) => Math.min(n, Math.max(0, ty));
  return [lon(x - margin), lat(clampY(y + 1 + margin)), lon(x + 1 + margin), lat(clampY(y - margin))];
}

/**
 * One layer's tile encoded by PostGIS (the PostgreSQL server): features whose geometry meets the
 * tile and its buffer, clipped and snapped to the tile's grid; the feature id is the row's id.
 */
export async function postgisTile(knex: Knex, layer: TileLayer, z: number, x: number, y: number, opts: { internal?: boolean } = {}): Promise<Buffer> {
  const spec: LayerSpec = TILE_LAYERS[layer];
  const where = opts.internal && spec.internalWhere ? spec.internalWhere : spec.where;
  const props = Object.entries(spec.properties)
    .map(([k, expr]) => `${expr} AS "${k}"`)
    .join(", ");
  const margin = TILE_BUFFER / TILE_EXTENT;
  const { rows } = await knex.raw(
    `WITH b AS (SELECT ST_TileEnvelope(?, ?, ?) AS env, ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?), 4326) AS area),
          f AS (SELECT t.id AS tile_fid, ${props},
                       ST_AsMVTGeom(ST_Transform(t.geom, 3857), b.env, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
                FROM ${spec.table} t, b
                WHERE t.geom && b.area AND ST_Intersects(t.geom, b.area) ${where ? `AND (${where[0]})` : ""})
     SELECT ST_AsMVT(f.*, ?, ${TILE_EXTENT}, 'geom', 'tile_fid') AS tile FROM f WHERE f.geom IS NOT NULL`,
    [z, x, y, z, x, y, margin, ...((where?.[1] as Knex.RawBinding[]) ?? []), layer],
  );
  return Buffer.from(rows[0]?.tile ?? []);
}
