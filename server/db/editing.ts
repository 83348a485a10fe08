import type { Knex } from "knex";
import type { FieldProblem } from "../schemas/problems.js";

// Generic, versioned row writes for the editable tables. Column names and SQL stay here; the
// service layer speaks camelCase fields.

export const EDITABLE_TABLES = ["compounds", "gates", "buildings", "renovation_items"] as const;
export type EditableTable = (typeof EDITABLE_TABLES)[number];

const geomFromGeoJson = "ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)";

/** A row as JSON for the audit log: every column, geometry as GeoJSON. */
export async function snapshot(knex: Knex, table: EditableTable, id: number): Promise<Record<string, unknown> | undefined> {
  const { rows } = await knex.raw(
    `SELECT (to_jsonb(t) - 'geom') || jsonb_build_object('geometry', ST_AsGeoJSON(t.geom, 7)::jsonb) AS row
     FROM ${table} t WHERE id = ?`,
    [id],
  );
  return rows[0]?.row;
}

function withGeometry(knex: Knex, cols: Record<string, unknown>, geometry: unknown, multi: boolean) {
  if (geometry === undefined) return cols;
  if (geometry === null) return { ...cols, geom: null };
  const expr = multi ? `ST_Multi(${geomFromGeoJson})` : geomFromGeoJson;
  return { ...cols, geom: knex.raw(expr, [JSON.stringify(geometry)]) };
}

export async function insertRow(knex: Knex, table: EditableTable, cols: Record<string, unknown>, geometry?: unknown, multi = false): Promise<number> {
  const [row] = await knex(table)
    .insert(withGeometry(knex, cols, geometry, multi))
    .returning("id");
  return row.id;
}

/** Update when `version` matches; returns false when it does not (the caller tells 404 from 409). */
export async function updateRow(
  knex: Knex,
  table: EditableTable,
  id: number,
  version: number,
  cols: Record<string, unknown>,
  geometry?: unknown,
  multi = false,
): Promise<boolean> {
  const touched = table === "compounds" || table === "renovation_items" ? { updated_at: knex.fn.now() } : {};
  // `returning` rather than the affected-row count: the embedded driver does not report it for every statement.
  const rows = await knex(table)
    .where({ id, version })
    .update({ ...withGeometry(knex, cols, geometry, multi), ...touched, version: knex.raw("version + 1") }, ["id"]);
  return rows.length === 1;
}

export async function deleteRow(knex: Knex, table: EditableTable, id: number, version: number): Promise<boolean> {
  return (await knex(table).where({ id, version }).del(["id"])).length === 1;
}

export async function currentVersion(knex: Knex, table: EditableTable, id: number): Promise<number | undefined> {
  const row = await knex(table).where({ id }).first("version");
  return row?.version;
}

/**
 * Why a geometry is unacceptable, or undefined: PostGIS validity (with its reason), and the
 * city's bounds (the extent of the subdistricts and the compounds, grown by ~2 km).
 */
export async function geometryProblem(knex: Knex, geometry: unknown): Promise<Omit<FieldProblem, "name"> | undefined> {
  const { rows } = await knex.raw(
    `
    WITH g AS (SELECT ${geomFromGeoJson} AS geom),
         city AS (SELECT ST_Extent(geom)::geometry AS box FROM (SELECT geom FROM subdistricts UNION ALL SELECT geom FROM compounds) g)
    SELECT ST_IsValid(g.geom) AS valid, ST_IsValidReason(g.geom) AS reason, ST_IsEmpty(g.geom) AS empty,
           -- GEOS predicates only on a valid geometry: on an invalid one they raise (TopologyException).
           CASE WHEN NOT ST_IsValid(g.geom) THEN NULL
                ELSE city.box IS NULL OR ST_Within(g.geom, ST_Expand(ST_SetSRID(city.box, 4326), 0.02)) END AS inside,
           CASE WHEN city.box IS NOT NULL THEN
             format('[%s, %s, %s, %s]', round(ST_XMin(city.box)::numeric, 4), round(ST_YMin(city.box)::numeric, 4),
                    round(ST_XMax(city.box)::numeric, 4), round(ST_YMax(city.box)::numeric, 4)) END AS bounds
    FROM g, city`,
    [JSON.stringify(geometry)],
  );
  const r = rows[0];
  if (r.empty) return { reason: "is empty", code: "invalid_geometry" };
  if (!r.valid) return { reason: `is not a valid geometry: ${r.reason}`, code: "invalid_geometry", params: { value: String(r.reason) } };
  if (!r.inside)
    return { reason: `lies outside the city's bounds ${r.bounds} (EPSG:4326 lon/lat expected)`, code: "outside_city", params: { value: String(r.bounds) } };
  return undefined;
}

/** Distance in metres from a point to a compound's boundary (for gates). */
export async function distanceToBoundaryM(knex: Knex, compoundId: number, point: unknown): Promise<number | undefined> {
  const { rows } = await knex.raw(`SELECT ST_Distance(ST_Boundary(c.geom)::geography, ${geomFromGeoJson}::geography) AS d FROM compounds c WHERE c.id = ?`, [
    JSON.stringify(point),
    compoundId,
  ]);
  return rows[0]?.d;
}

export async function compoundOf(knex: Knex, table: "gates" | "buildings" | "renovation_items", id: number): Promise<number | undefined> {
  const row = await knex(table).where({ id }).first("compound_id");
  return row?.compound_id;
}

/** Distance in metres from a geometry to a compound's footprint (0 inside). */
export async function distanceToCompoundM(knex: Knex, compoundId: number, geometry: unknown): Promise<number | undefined> {
  const { rows } = await knex.raw(`SELECT ST_Distance(c.geom::geography, ${geomFromGeoJson}::geography) AS d FROM compounds c WHERE c.id = ?`, [
    JSON.stringify(geometry),
    compoundId,
  ]);
  return rows[0]?.d;
}

/**
 * A building for a renovation item on it: its compound, its number of units, and the point where
 * an item on unit `unit` (1 when null) goes when it has no geometry of its own — that share along
 * the building's long side, on the footprint. Undefined when there is no such building.
 */
export async function buildingForItem(
  knex: Knex,
  buildingId: number,
  unit: number | null,
): Promise<{ compound_id: number; units: number; point: unknown } | undefined> {
  const {
    rows: [b],
  } = await knex.raw(
    `
    SELECT compound_id, units, ST_AsGeoJSON(ST_ClosestPoint(geom, CASE
      WHEN ST_XMax(geom) - ST_XMin(geom) >= ST_YMax(geom) - ST_YMin(geom)
      THEN ST_SetSRID(ST_MakePoint(ST_XMin(geom) + (ST_XMax(geom) - ST_XMin(geom)) * f, (ST_YMin(geom) + ST_YMax(geom)) / 2), 4326)
      ELSE ST_SetSRID(ST_MakePoint((ST_XMin(geom) + ST_XMax(geom)) / 2, ST_YMin(geom) + (ST_YMax(geom) - ST_YMin(geom)) * f), 4326) END), 7)::json AS point
    FROM (SELECT geom, compound_id, units, (LEAST(COALESCE(?::int, 1), units) - 0.5) / units::float8 AS f FROM buildings WHERE id = ?) x`,
    [unit, buildingId],
  );
  return b;
}
