import type { Knex } from "knex";

// The SQL of the bureau inventory import (server/import/inventory.ts): footprint checks, the
// place names rows refer to, and the compound rows it adds or updates. The import runs all of it
// in one transaction (see inTransaction in transaction.ts) and passes that transaction in here.

/** One row's footprint to check: GeoJSON in EPSG:4326; a point with `radius` (m) becomes a circle. */
export interface FootprintInput {
  row: number;
  geometry: unknown;
  radius: number | null;
}

export interface CheckedFootprint {
  row: number;
  valid: boolean;
  reason: string;
  /** Null when the footprint is invalid (not tested). */
  inside: boolean | null;
  /** The footprint as built (MultiPolygon GeoJSON text), to store as it was checked. */
  geojson: string;
}

/**
 * Build every footprint in SQL and check it: PostGIS validity (with its reason) and the city's
 * bounds (the extent of the subdistricts and the compounds, grown by ~2 km). Ordered by row.
 */
export async function checkFootprints(knex: Knex, payload: FootprintInput[]): Promise<CheckedFootprint[]> {
  const { rows: checked } = await knex.raw(
    `
      WITH input AS (
        SELECT (x->>'row')::int AS row,
               CASE WHEN x->>'radius' IS NULL THEN ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4326))
                    ELSE ST_Multi(ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4326)::geography, (x->>'radius')::float8, 16)::geometry) END AS geom
        FROM json_array_elements(?::json) AS x),
      city AS (SELECT ST_Extent(geom)::geometry AS box FROM (SELECT geom FROM subdistricts UNION ALL SELECT geom FROM compounds) g)
      -- GEOS predicates only on valid footprints: on an invalid one they raise (TopologyException).
      SELECT row, ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason,
             CASE WHEN NOT ST_IsValid(geom) THEN NULL
                  ELSE city.box IS NULL OR ST_Within(geom, ST_Expand(ST_SetSRID(city.box, 4326), 0.02)) END AS inside,
             ST_AsGeoJSON(geom)::text AS geojson
      FROM input, city ORDER BY row`,
    [JSON.stringify(payload)],
  );
  return checked;
}

/** The subdistricts (街道) and communities (社区) an inventory row may name. */
export async function placeNames(knex: Knex): Promise<{
  subdistricts: Array<{ id: number; name: string }>;
  communities: Array<{ id: number; name: string; subdistrict_id: number }>;
}> {
  const subdistricts = await knex("subdistricts").select("id", "name");
  const communities = await knex("communities").select("id", "name", "subdistrict_id");
  return { subdistricts, communities };
}

/** What an inventory row says about a compound (camelCase; columns are named here). */
export interface InventoryCompound {
  name: string;
  address: string | null;
  buildYear: number;
  households: number;
  buildingCount: number;
  floorAreaM2: number | null;
  management: string | null;
  tier: string | null;
  /** Lists the compound in this plan year: an unlisted one becomes planned. */
  planYear: number | null;
  subdistrictId?: number;
  /** With its subdistrict (which then wins over `subdistrictId`). */
  community?: { id: number; subdistrictId: number };
}

function inventoryColumns(knex: Knex, c: InventoryCompound): Record<string, unknown> {
  return {
    name: c.name,
    address: c.address,
    build_year: c.buildYear,
    households: c.households,
    building_count: c.buildingCount,
    ...(c.floorAreaM2 !== null ? { floor_area_m2: c.floorAreaM2 } : {}),
    ...(c.management ? { management: c.management } : {}),
    ...(c.tier ? { tier: c.tier } : {}),
    ...(c.planYear ? { plan_year: c.planYear, status: knex.raw("CASE WHEN status = 'unlisted' THEN 'planned' ELSE status END") } : {}),
    ...(c.subdistrictId !== undefined ? { subdistrict_id: c.subdistrictId } : {}),
    ...(c.community ? { community_id: c.community.id, subdistrict_id: c.community.subdistrictId } : {}),
    households_source: "inventory",
  };
}

const footprint = (knex: Knex, geojson: string) => knex.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)", [geojson]);

/** Add a compound from an inventory row with its footprint (GeoJSON text, EPSG:4326); returns its id. */
export async function insertInventoryCompound(knex: Knex, c: InventoryCompound, geojson: string): Promise<number> {
  const cols = inventoryColumns(knex, c);
  cols.geom = footprint(knex, geojson);
  if (c.planYear) cols.status = "planned";
  const [row] = await knex("compounds").insert(cols).returning("id");
  return row.id;
}

/**
 * Update compound `id` from an inventory row (its footprint too when `geojson` is given), bumping
 * its version; returns the fields it had before, for the audit log.
 */
export async function updateInventoryCompound(
  knex: Knex,
  id: number,
  c: InventoryCompound,
  geojson: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const cols = inventoryColumns(knex, c);
  if (geojson !== undefined) cols.geom = footprint(knex, geojson);
  const before = await knex("compounds").where({ id }).first("name", "address", "build_year", "households", "building_count");
  await knex("compounds")
    .where({ id })
    .update({ ...cols, version: knex.raw("version + 1"), updated_at: knex.fn.now() });
  return before;
}

/** Compounds of these names without a community take the community their footprint lies in. */
export async function assignCommunities(knex: Knex, names: string[]): Promise<void> {
  await knex.raw(
    `
      UPDATE compounds c SET community_id = cm.id, subdistrict_id = cm.subdistrict_id
      FROM communities cm
      WHERE c.community_id IS NULL AND c.name = ANY(?) AND ST_Contains(cm.geom, ST_PointOnSurface(c.geom))`,
    [names],
  );
}
