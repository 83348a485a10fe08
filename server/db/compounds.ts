import type { Knex } from "knex";
import type { CompoundStatus } from "../schemas/compounds.js";
import type { BBox } from "../schemas/query.js";

export interface CompoundFilter {
  bbox?: BBox;
  status?: CompoundStatus[];
  planYear?: number[];
  tier?: string[];
  subdistrictId?: number;
  /** Return compounds with id greater than this (keyset pagination). */
  afterId?: number;
  limit: number;
}

/** SQL for a compound's GeoJSON properties (camelCase), with `c` the compound row. */
export const COMPOUND_PROPERTIES = `json_build_object(
  'id', c.id,
  'name', c.name,
  'address', c.address,
  'buildYear', c.build_year,
  'households', c.households,
  'householdsSource', c.households_source,
  'access', c.access,
  'buildingCount', c.building_count,
  'floorAreaM2', c.floor_area_m2,
  'areaM2', round(ST_Area(c.geom::geography)::numeric, 1)::float8,
  'management', c.management,
  'tier', c.tier,
  'status', c.status,
  'planYear', c.plan_year,
  'startedOn', to_char(c.started_on, 'YYYY-MM-DD'),
  'completedOn', to_char(c.completed_on, 'YYYY-MM-DD'),
  'acceptedOn', to_char(c.accepted_on, 'YYYY-MM-DD'),
  'communityId', c.community_id,
  'community', cm.name,
  'subdistrictId', c.subdistrict_id,
  'subdistrict', sd.name,
  'version', c.version
)`;

export const FROM_COMPOUNDS = `compounds c
  LEFT JOIN communities cm ON cm.id = c.community_id
  LEFT JOIN subdistricts sd ON sd.id = c.subdistrict_id`;

function applyFilter(q: Knex.QueryBuilder, f: Omit<CompoundFilter, "limit" | "afterId">, knex: Knex) {
  if (f.bbox) {
    const env = knex.raw("ST_MakeEnvelope(?, ?, ?, ?, 4326)", f.bbox);
    q.whereRaw("c.geom && ?", [env]).whereRaw("ST_Intersects(c.geom, ?)", [env]);
  }
  if (f.status) q.whereIn("c.status", f.status);
  if (f.planYear) q.whereIn("c.plan_year", f.planYear);
  if (f.tier) q.whereIn("c.tier", f.tier);
  if (f.subdistrictId !== undefined) q.where("c.subdistrict_id", f.subdistrictId);
  return q;
}

export interface CompoundPage {
  features: unknown[];
  numberMatched: number;
  lastId?: number;
  hasMore: boolean;
}

/** Compounds matching `f` as GeoJSON features ordered by id, one page at a time. */
export async function findCompounds(knex: Knex, f: CompoundFilter): Promise<CompoundPage> {
  const page = applyFilter(knex.from(knex.raw(FROM_COMPOUNDS)), f, knex)
    .select(
      knex.raw(`c.id, json_build_object(
        'type', 'Feature', 'id', c.id,
        'geometry', ST_AsGeoJSON(c.geom, 7)::json,
        'properties', ${COMPOUND_PROPERTIES}) AS feature`),
    )
    .orderBy("c.id")
    .limit(f.limit + 1);
  if (f.afterId !== undefined) page.where("c.id", ">", f.afterId);
  const count = applyFilter(knex.from(knex.raw("compounds c")), f, knex).count({ n: "*" });
  const [rows, [{ n }]] = await Promise.all([page, count]);
  const hasMore = rows.length > f.limit;
  const kept = hasMore ? rows.slice(0, f.limit) : rows;
  return {
    features: kept.map((r: { feature: unknown }) => r.feature),
    numberMatched: Number(n),
    lastId: kept.length ? kept[kept.length - 1].id : undefined,
    hasMore,
  };
}

/**
 * One compound as a GeoJSON Feature, with its buildings, gates and renovation items as foreign
 * members (`buildings`, `gates`: FeatureCollections; `renovationItems`: features whose geometry
 * may be null). Undefined when there is no such compound.
 */
export async function getCompound(knex: Knex, id: number): Promise<unknown | undefined> {
  const { rows } = await knex.raw(
    `
    SELECT json_build_object(
      'type', 'Feature', 'id', c.id,
      'geometry', ST_AsGeoJSON(c.geom, 7)::json,
      'properties', ${COMPOUND_PROPERTIES}::jsonb || jsonb_build_object(
        'surveyedHouseholds', c.surveyed_households,
        'satisfiedHouseholds', c.satisfied_households),
      'buildings', json_build_object('type', 'FeatureCollection', 'features', COALESCE((
        SELECT json_agg(json_build_object(
          'type', 'Feature', 'id', b.id, 'geometry', ST_AsGeoJSON(b.geom, 7)::json,
          'properties', json_build_object(
            'id', b.id, 'name', b.name, 'floors', b.floors, 'units', b.units,
            'hasElevator', b.has_elevator, 'households', b.households, 'buildYear', b.build_year,
            'footprintM2', round(ST_Area(b.geom::geography)::numeric, 1)::float8, 'version', b.version)) ORDER BY b.id)
        FROM buildings b WHERE b.compound_id = c.id), '[]'::json)),
      'gates', json_build_object('type', 'FeatureCollection', 'features', COALESCE((
        SELECT json_agg(json_build_object(
          'type', 'Feature', 'id', g.id, 'geometry', ST_AsGeoJSON(g.geom, 7)::json,
          'properties', json_build_object('id', g.id, 'name', g.name, 'kind', g.kind, 'source', g.source, 'version', g.version)) ORDER BY g.id)
        FROM gates g WHERE g.compound_id = c.id), '[]'::json)),
      'renovationItems', COALESCE((
        SELECT json_agg(json_build_object(
          'type', 'Feature', 'id', ri.id, 'geometry', ST_AsGeoJSON(ri.geom, 7)::json,
          'properties', json_build_object(
            'id', ri.id, 'kind', ri.kind, 'nameZh', k.name_zh, 'nameEn', k.name_en, 'tier', k.tier,
            'quantity', ri.quantity::float8, 'unit', ri.unit, 'costYuan', ri.cost_yuan::float8,
            'status', ri.status, 'startedOn', to_char(ri.started_on, 'YYYY-MM-DD'), 'completedOn', to_char(ri.completed_on, 'YYYY-MM-DD'),
            'notes', ri.notes, 'buildingId', ri.building_id, 'buildingUnit', ri.building_unit,
            'version', ri.version)) ORDER BY k.tier, ri.id)
        FROM renovation_items ri JOIN item_kinds k ON k.kind = ri.kind
        WHERE ri.compound_id = c.id), '[]'::json)
    ) AS feature
    FROM ${FROM_COMPOUNDS}
    WHERE c.id = ?`,
    [id],
  );
  return rows[0]?.feature;
}

/** The id of the subdistrict with this name, if any. */
export async function findSubdistrictId(knex: Knex, name: string): Promise<number | undefined> {
  const row = await knex("subdistricts").where({ name }).first("id");
  return row?.id;
}
