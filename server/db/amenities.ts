import type { Knex } from "knex";
import type { BBox } from "../schemas/query.js";

export interface AmenityFilter {
  bbox?: BBox;
  category?: string[];
}

/** Amenities matching the filter as GeoJSON features, with their category's living circle. */
export async function findAmenities(knex: Knex, f: AmenityFilter): Promise<unknown[]> {
  const q = knex
    .from("amenities as a")
    .join("facility_categories as fc", "fc.code", "a.category")
    .select(
      knex.raw(`json_build_object(
      'type', 'Feature', 'id', a.id,
      'geometry', ST_AsGeoJSON(a.geom, 7)::json,
      'properties', json_build_object(
        'id', a.id, 'name', a.name, 'category', a.category, 'categoryName', fc.name_zh,
        'categoryNameEn', fc.name_en, 'circle', fc.circle, 'capacity', a.capacity)) AS feature`),
    )
    .orderBy("a.id");
  if (f.bbox) {
    const env = knex.raw("ST_MakeEnvelope(?, ?, ?, ?, 4326)", f.bbox);
    q.whereRaw("a.geom && ?", [env]);
  }
  if (f.category) q.whereIn("a.category", f.category);
  const rows = await q;
  return rows.map((r: { feature: unknown }) => r.feature);
}
