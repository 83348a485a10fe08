import type { Knex } from "knex";
import { findLayerFeatures, type LayerName } from "../db/layers.js";
import type { BBox } from "../schemas/query.js";

export type { LayerName };

/**
 * The features of a plain map layer (streets, water, buildings, gates, subdistricts, communities,
 * items) as GeoJSON in EPSG:4326, within `bbox` (`[minLon, minLat, maxLon, maxLat]`) when given.
 * Items: the public sees completed ones only; `internal` (signed in) also planned and started ones.
 */
export function layerFeatures(knex: Knex, name: LayerName, bbox?: BBox, opts: { internal?: boolean } = {}): Promise<unknown[]> {
  return findLayerFeatures(knex, name, bbox, opts);
}
