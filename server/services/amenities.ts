import type { Knex } from "knex";
import { findAmenities, type AmenityFilter } from "../db/amenities.js";

/**
 * Amenities (配套设施) as GeoJSON Point features in EPSG:4326, with their category's living circle;
 * `bbox` is `[minLon, minLat, maxLon, maxLat]`, `category` codes from the standards profile.
 */
export function listAmenities(knex: Knex, filter: AmenityFilter): Promise<unknown[]> {
  return findAmenities(knex, filter);
}
