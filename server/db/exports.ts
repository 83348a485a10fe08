import type { Knex } from "knex";
import type { CompoundFilter } from "./compounds.js";

/** Renovation items of the compounds matching `f` as GeoJSON features (geometry may be null). */
export async function findItems(knex: Knex, f: Omit<CompoundFilter, "limit" | "afterId">): Promise<unknown[]> {
  const q = knex
    .from("renovation_items as ri")
    .join("compounds as c", "c.id", "ri.compound_id")
    .join("item_kinds as k", "k.kind", "ri.kind")
    .select(
      knex.raw(`json_build_object('type', 'Feature', 'id', ri.id,
      'geometry', ST_AsGeoJSON(ri.geom, 7)::json,
      'properties', json_build_object(
        'id', ri.id, 'compoundId', c.id, 'compound', c.name, 'kind', ri.kind, 'nameZh', k.name_zh, 'nameEn', k.name_en,
        'tier', k.tier, 'quantity', ri.quantity::float8, 'unit', ri.unit, 'costYuan', ri.cost_yuan::float8,
        'status', ri.status, 'planYear', c.plan_year)) AS feature`),
    )
    .orderBy(["c.id", "ri.id"]);
  if (f.bbox) q.whereRaw("ST_Intersects(c.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))", f.bbox);
  if (f.status) q.whereIn("c.status", f.status);
  if (f.planYear) q.whereIn("c.plan_year", f.planYear);
  if (f.tier) q.whereIn("c.tier", f.tier);
  if (f.subdistrictId !== undefined) q.where("c.subdistrict_id", f.subdistrictId);
  const rows = await q;
  return rows.map((r: { feature: unknown }) => r.feature);
}

/** A representative point (inside the polygon) of each compound, for CSV lon/lat columns. */
export async function compoundPoints(knex: Knex, ids: number[]): Promise<Map<number, [number, number]>> {
  if (!ids.length) return new Map();
  const { rows } = await knex.raw(
    "SELECT id, ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT id, ST_PointOnSurface(geom) AS p FROM compounds WHERE id = ANY(?)) s",
    [ids],
  );
  return new Map(rows.map((r: { id: number; lon: number; lat: number }) => [r.id, [Math.round(r.lon * 1e7) / 1e7, Math.round(r.lat * 1e7) / 1e7]]));
}
