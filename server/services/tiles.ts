import { geoJSONToTile } from "@maplibre/geojson-vt";
import { fromGeojsonVt } from "@maplibre/vt-pbf";
import type { Knex } from "knex";
import type { MapTiles } from "../config.js";
import type { DatabaseKind } from "../db/connect.js";
import { findSpecFeatures } from "../db/layers.js";
import { compoundCount, postgisTile, TILE_BUFFER, TILE_EXTENT, TILE_LAYERS, tileBounds, type TileLayer } from "../db/tiles.js";

export { TILE_LAYER_NAMES, type TileLayer } from "../db/tiles.js";

/** The base layers the map then draws from tiles: the big ones, which as GeoJSON would be cut or slow. */
const TILED_BASE_LAYERS: TileLayer[] = ["compounds", "buildings", "streets", "water"];

/** A district's worth of compounds: a larger city is drawn from tiles (周口, a prefecture city, has 1,075). */
export const DISTRICT_COMPOUNDS = 1000;

/** The layers the web map draws from tiles under `mode`. */
export async function tiledLayers(knex: Knex, mode: MapTiles): Promise<TileLayer[]> {
  if (mode === "never") return [];
  if (mode === "always" || (await compoundCount(knex)) > DISTRICT_COMPOUNDS) return TILED_BASE_LAYERS;
  return [];
}

/** The deepest zoom a tile is cut at (street level and beyond: buildings are a few metres). */
export const TILE_MAX_ZOOM = 22;

/**
 * One layer's vector tile `z/x/y` (MVT 2.1, the layer named as asked): on the PostgreSQL server
 * PostGIS's ST_AsMVT; on the embedded database (no ST_AsMVT) the features meeting the tile and its
 * buffer, read from PostGIS as GeoJSON, cut with geojson-vt and encoded with vt-pbf. Published
 * fields only; `internal` (a signed-in reader) as the GeoJSON layer routes.
 */
export function vectorTile(
  knex: Knex,
  kind: DatabaseKind,
  layer: TileLayer,
  z: number,
  x: number,
  y: number,
  opts: { internal?: boolean; path?: "postgis" | "geojson-vt" } = {},
): Promise<Buffer> {
  const path = opts.path ?? (kind === "server" ? "postgis" : "geojson-vt");
  return path === "postgis" ? postgisTile(knex, layer, z, x, y, opts) : geojsonVtTile(knex, layer, z, x, y, opts);
}

async function geojsonVtTile(knex: Knex, layer: TileLayer, z: number, x: number, y: number, opts: { internal?: boolean }): Promise<Buffer> {
  const features = await findSpecFeatures(knex, TILE_LAYERS[layer], tileBounds(z, x, y, TILE_BUFFER / TILE_EXTENT), opts);
  const tile = geoJSONToTile({ type: "FeatureCollection", features } as GeoJSON.FeatureCollection, z, x, y, {
    extent: TILE_EXTENT,
    buffer: TILE_BUFFER,
    // Keep every vertex and every feature, as ST_AsMVTGeom does (it snaps to the grid, it does not simplify).
    tolerance: 0,
    clip: true,
  });
  return Buffer.from(fromGeojsonVt({ [layer]: tile ?? { features: [] } } as Parameters<typeof fromGeojsonVt>[0], { version: 2, extent: TILE_EXTENT }));
}
