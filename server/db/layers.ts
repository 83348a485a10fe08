import type { Knex } from "knex";
import type { BBox } from "../schemas/query.js";

/** A map layer read straight from one table: its GeoJSON properties as SQL expressions over `t`. */
export interface LayerSpec {
  table: string;
  properties: Record<string, string>;
  /** Optional extra filter on `t` (SQL with ? bindings) and its bindings. */
  where?: [string, unknown[]];
  /** The filter for signed-in readers instead of `where`, when they see more than the public. */
  internalWhere?: [string, unknown[]];
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
  /**
   * Renovation items that have a place on the map (parking, chargers, elevators …): the public sees
   * completed ones only; signed-in readers also planned and started ones (not cancelled).
   */
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
      status: "t.status",
      startedOn: "to_char(t.started_on, 'YYYY-MM-DD')",
      completedOn: "to_char(t.completed_on, 'YYYY-MM-DD')",
    },
    where: ["t.geom IS NOT NULL AND t.status = 'completed'", []],
    internalWhere: ["t.geom IS NOT NULL AND t.status <> 'cancelled'", []],
  },
} satisfies Record<string, LayerSpec>;

export type LayerName = keyof typeof LAYERS;

/**
 * Features of one layer (optionally only those intersecting `bbox`), ordered by id; `internal`
 * (a signed-in reader) takes the layer's `internalWhere` filter when it has one.
 */
export function findLayerFeatures(knex: Knex, layer: LayerName, bbox?: BBox, opts: { internal?: boolean } = {}): Promise<unknown[]> {
  return findSpecFeatures(knex, LAYERS[layer], bbox, opts);
}

/** {@link findLayerFeatures} for any layer spec (the vector tiles' layers too). */
export async function findSpecFeatures(knex: Knex, spec: LayerSpec, bbox?: BBox, opts: { internal?: boolean } = {}): Promise<unknown[]> {
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
  const where = opts.internal && spec.internalWhere ? spec.internalWhere : spec.where;
  if (where) q.whereRaw(where[0], where[1] as Knex.RawBinding[]);
  if (bbox) {
    const env = knex.raw("ST_MakeEnvelope(?, ?, ?, ?, 4326)", bbox);
    q.whereRaw("t.geom && ?", [env]).whereRaw("ST_Intersects(t.geom, ?)", [env]);
  }
  const rows = await q;
  return rows.map((r: { feature: unknown }) => r.feature);
}
