import type { Knex } from "knex";
import type { BBox } from "../schemas/query.js";

/** A map layer read straight from one table: its GeoJSON properties as SQL expressions over `t`. */
interface LayerSpec {
  table: string;
  properties: Record<string, string>;
  /** Optional extra filter on `t` (SQL with ? bindings) and its bindings. */
  where?: [string, unknown[]];
}

export const LAYERS = {
  streets: { table: "streets", properties: { id: "t.id", name: "t.name", class: "t.class", bridge: "t.bridge" } },
  water: { table: "water", properties: { id: "t.id", name: "t.name", kind: "t.kind" } },
  buildings: {
    table: "buildings",
    properties: {
      id: "t.id",
      compoundId: "t.compound_id",
      name: "t.name",
      floors: "t.floors",
      units: "t.units",
      hasElevator: "t.has_elevator",
      households: "t.households",
      buildYear: "t.build_year",
    },
  },
  gates: { table: "gates", properties: { id: "t.id", compoundId: "t.compound_id", name: "t.name", kind: "t.kind", source: "t.source" } },
  subdistricts: { table: "subdistricts", properties: { id: "t.id", name: "t.name", code: "t.code" } },
  communities: { table: "communities", properties: { id: "t.id", name: "t.name", subdistrictId: "t.subdistrict_id" } },
  /** Completed renovation items that have a place on the map (parking, chargers, elevators …): public. */
  items: {
    table: "renovation_items",
    properties: {
      id: "t.id",
      compoundId: "t.compound_id",
      kind: "t.kind",
      quantity: "t.quantity::float8",
      unit: "t.unit",
      nameZh: "(SELECT k.name_zh FROM item_kinds k WHERE k.kind = t.kind)",
      nameEn: "(SELECT k.name_en FROM item_kinds k WHERE k.kind = t.kind)",
    },
    where: ["t.geom IS NOT NULL AND t.status = 'completed'", []],
  },
} satisfies Record<string, LayerSpec>;

export type LayerName = keyof typeof LAYERS;

/** Features of one layer (optionally only those intersecting `bbox`), ordered by id. */
export async function findLayerFeatures(knex: Knex, layer: LayerName, bbox?: BBox): Promise<unknown[]> {
  const spec: LayerSpec = LAYERS[layer];
  const props = Object.entries(spec.properties)
    .map(([k, expr]) => `'${k}', ${expr}`)
    .join(", ");
  const q = knex
    .from(`${spec.table} as t`)
    .select(
      knex.raw(`json_build_object('type', 'Feature', 'id', t.id,
      'geometry', ST_AsGeoJSON(t.geom, 7)::json, 'properties', json_build_object(${props})) AS feature`),
    )
    .orderBy("t.id");
  if (spec.where) q.whereRaw(spec.where[0], spec.where[1] as Knex.RawBinding[]);
  if (bbox) {
    const env = knex.raw("ST_MakeEnvelope(?, ?, ?, ?, 4326)", bbox);
    q.whereRaw("t.geom && ?", [env]).whereRaw("ST_Intersects(t.geom, ?)", [env]);
  }
  const rows = await q;
  return rows.map((r: { feature: unknown }) => r.feature);
}
