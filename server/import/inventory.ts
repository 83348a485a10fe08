import type { Knex } from "knex";
import { writeAudit, type Actor } from "../db/audit.js";
import { checkGeometry, fieldPath } from "../schemas/primitives.js";
import { ImportError } from "./errors.js";
import { toWgs84, type Crs } from "./crs.js";
import type { Table } from "./table.js";
import { parseWkt } from "./wkt.js";

/** One problem in an inventory: the sheet row (header = row 1), the column and why. */
export interface RowError { row: number; field: string; reason: string }

type Field = "name" | "address" | "buildYear" | "households" | "buildingCount" | "floorAreaM2" | "management" | "tier"
  | "planYear" | "subdistrict" | "community" | "lon" | "lat" | "geometry";

/** Column names bureaus use, Chinese and English, per field (matched case-insensitively). */
export const COLUMN_ALIASES: Record<Field, string[]> = {
  name: ["name", "名称", "小区名称", "小区名", "项目名称"],
  address: ["address", "地址", "小区地址"],
  buildYear: ["build_year", "buildyear", "建成年代", "建成年份", "建成时间", "建设年代", "建成年"],
  households: ["households", "户数", "总户数", "住户数"],
  buildingCount: ["buildings", "building_count", "buildingcount", "楼栋数", "栋数", "楼栋"],
  floorAreaM2: ["floor_area_m2", "floorarea", "建筑面积", "建筑面积(㎡)", "建筑面积（㎡）", "建筑面积(m2)"],
  management: ["management", "物业", "物业管理", "物业类型"],
  tier: ["tier", "改造类型", "改造类别"],
  planYear: ["plan_year", "planyear", "计划年度", "改造年度", "计划年份"],
  subdistrict: ["subdistrict", "街道", "街道办"],
  community: ["community", "社区"],
  lon: ["lon", "lng", "longitude", "经度", "x"],
  lat: ["lat", "latitude", "纬度", "y"],
  geometry: ["geometry", "polygon", "wkt", "geojson", "边界", "范围", "轮廓", "四至"],
};

const MANAGEMENT: Record<string, string> = {
  professional: "professional", self: "self", none: "none", 专业物业: "professional", 物业公司: "professional",
  自管: "self", 自治: "self", 单位管理: "self", 无: "none", 无物业: "none", 无人管理: "none", 托底: "none",
};
const TIERS: Record<string, string> = {
  basic: "basic", complete: "complete", enhanced: "enhanced", 基础类: "basic", 完善类: "complete", 提升类: "enhanced",
  功能达标型: "basic", 功能完善型: "complete", 功能提高型: "enhanced",
};

export interface InventoryRow {
  row: number;
  name: string;
  address: string | null;
  buildYear: number;
  households: number;
  buildingCount: number;
  floorAreaM2: number | null;
  management: string | null;
  tier: string | null;
  planYear: number | null;
  subdistrict: string | null;
  community: string | null;
  /** WGS84 GeoJSON Polygon/MultiPolygon, or a point to draw a provisional footprint around. */
  geometry: { type: string; coordinates: any };
  provisional: boolean;
}

function mapColumns(headers: string[]): { index: Partial<Record<Field, number>>; unknown: string[] } {
  const index: Partial<Record<Field, number>> = {};
  const unknown: string[] = [];
  headers.forEach((h, i) => {
    const key = h.trim().toLowerCase().replace(/\s+/g, "");
    const field = (Object.keys(COLUMN_ALIASES) as Field[]).find((f) => COLUMN_ALIASES[f].some((a) => a.toLowerCase() === key));
    if (field && index[field] === undefined) index[field] = i;
    else if (h.trim()) unknown.push(h.trim());
  });
  return { index, unknown };
}

const convert = (crs: Crs, c: any): any => (typeof c[0] === "number" ? toWgs84(crs, c[0], c[1]) : c.map((x: any) => convert(crs, x)));

/** Validate every row of an inventory table and convert its coordinates to WGS84. */
export function parseInventory(table: Table, crs: Crs): { rows: InventoryRow[]; errors: RowError[]; warnings: string[] } {
  const { index, unknown } = mapColumns(table.headers);
  const errors: RowError[] = [];
  const warnings = unknown.length ? [`ignored column(s): ${unknown.join(", ")}`] : [];
  for (const f of ["name", "buildYear", "households", "buildingCount"] as Field[]) {
    if (index[f] === undefined) errors.push({ row: 1, field: f, reason: `missing column; name it one of ${COLUMN_ALIASES[f].join(" / ")}` });
  }
  if (index.geometry === undefined && (index.lon === undefined || index.lat === undefined)) {
    errors.push({ row: 1, field: "geometry", reason: "need either a polygon column (WKT or GeoJSON: 边界/geometry) or lon and lat columns (经度/纬度)" });
  }
  if (errors.length) return { rows: [], errors, warnings };

  const rows: InventoryRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const get = (f: Field) => (index[f] === undefined ? "" : (cells[index[f]!] ?? "").trim());
    const fail = (field: string, reason: string) => { errors.push({ row, field, reason }); };
    const int = (f: Field, min: number, max: number, required: boolean) => {
      const raw = get(f).replace(/[,，\s]/g, "").replace(/(年|户|栋|个)$/, "");
      if (raw === "") { if (required) fail(f, "is empty"); return null; }
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) { fail(f, `"${get(f)}" is not a whole number from ${min} to ${max}`); return null; }
      return n;
    };
    const name = get("name");
    if (!name) fail("name", "is empty");
    else if (seen.has(name)) fail("name", `"${name}" appears twice (also row ${seen.get(name)})`);
    else seen.set(name, row);
    const buildYear = int("buildYear", 1900, 2100, true);
    const households = int("households", 0, 100000, true);
    const buildingCount = int("buildingCount", 0, 10000, true);
    const planYear = int("planYear", 2000, 2100, false);
    const areaRaw = get("floorAreaM2").replace(/[,，\s]/g, "");
    const floorAreaM2 = areaRaw === "" ? null : Number(areaRaw);
    if (floorAreaM2 !== null && !(floorAreaM2 >= 0)) fail("floorAreaM2", `"${get("floorAreaM2")}" is not a non-negative number`);
    const management = get("management") ? MANAGEMENT[get("management").toLowerCase()] ?? null : null;
    if (get("management") && !management) fail("management", `"${get("management")}" is not one of ${Object.keys(MANAGEMENT).join(", ")}`);
    const tier = get("tier") ? TIERS[get("tier").toLowerCase()] ?? null : null;
    if (get("tier") && !tier) fail("tier", `"${get("tier")}" is not one of ${Object.keys(TIERS).join(", ")}`);

    let geometry: InventoryRow["geometry"] | null = null;
    let provisional = false;
    const geomText = get("geometry");
    if (geomText) {
      try {
        const g = geomText.startsWith("{") ? JSON.parse(geomText) : parseWkt(geomText);
        // The same checks as the API's (positions, rings, limits), so a file cannot pass what a request cannot.
        const checked = checkGeometry(g, ["Polygon", "MultiPolygon"]);
        if (checked.issues.length) {
          const i = checked.issues[0];
          throw new Error(`${i.path.length ? `${fieldPath(i.path)}: ` : ""}${i.message}`);
        }
        geometry = { type: checked.geometry!.type, coordinates: convert(crs, checked.geometry!.coordinates) };
      } catch (err) {
        fail("geometry", `cannot read the polygon: ${(err as Error).message}`);
      }
    } else {
      const lon = Number(get("lon"));
      const lat = Number(get("lat"));
      if (get("lon") === "" || get("lat") === "") fail(get("lon") === "" ? "lon" : "lat", "is empty (give lon and lat, or a polygon)");
      else if (!(Math.abs(lon) <= 180)) fail("lon", `"${get("lon")}" is not a longitude in degrees`);
      else if (!(Math.abs(lat) <= 90)) fail("lat", `"${get("lat")}" is not a latitude in degrees`);
      else { geometry = { type: "Point", coordinates: toWgs84(crs, lon, lat) }; provisional = true; }
    }
    if (geometry && name && buildYear !== null && households !== null && buildingCount !== null) {
      rows.push({
        row, name, address: get("address") || null, buildYear, households, buildingCount, floorAreaM2, management, tier, planYear,
        subdistrict: get("subdistrict") || null, community: get("community") || null, geometry, provisional,
      });
    }
  }
  if (table.rows.length === 0) errors.push({ row: 2, field: "(file)", reason: "the file has a header but no rows" });
  return { rows, errors, warnings };
}

export interface InventoryPlan {
  add: Array<{ row: number; name: string }>;
  update: Array<{ row: number; name: string; id: number }>;
  provisional: Array<{ row: number; name: string; radiusM: number }>;
  warnings: string[];
}

/** Provisional footprint for a point-only row: a circle of ~60 ㎡ of ground per household. */
const provisionalRadiusM = (households: number) => Math.round(Math.max(20, Math.sqrt((households * 60) / Math.PI)));

/**
 * Import (or with `dryRun`, only plan) an inventory: rows whose name matches an existing compound
 * update it; the rest are added. Every geometry is checked by PostGIS (valid, inside the city's
 * bounds). One transaction: any bad row → ImportError and nothing written.
 */
export async function importInventory(
  knex: Knex, actor: Actor | null, table: Table, opts: { crs: Crs; dryRun?: boolean; fileName?: string; onProgress?: (done: number, total: number) => void },
): Promise<InventoryPlan> {
  const parsed = parseInventory(table, opts.crs);
  if (parsed.errors.length) throw new ImportError(parsed.errors, opts.fileName);
  const rows = parsed.rows;
  let plan!: InventoryPlan;
  const run = async (trx: Knex.Transaction) => {
    const payload = rows.map((r) => ({
      row: r.row, geometry: r.geometry, radius: r.provisional ? provisionalRadiusM(r.households) : null,
    }));
    // Build every footprint in SQL and check it; report by sheet row.
    const { rows: checked } = await trx.raw(`
      WITH input AS (
        SELECT (x->>'row')::int AS row,
               CASE WHEN x->>'radius' IS NULL THEN ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4326))
                    ELSE ST_Multi(ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(x->>'geometry'), 4326)::geography, (x->>'radius')::float8, 16)::geometry) END AS geom
        FROM json_array_elements(?::json) AS x),
      city AS (SELECT COALESCE((SELECT ST_Extent(geom)::geometry FROM subdistricts), (SELECT ST_Extent(geom)::geometry FROM compounds)) AS box)
      -- GEOS predicates only on valid footprints: on an invalid one they raise (TopologyException).
      SELECT row, ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason,
             CASE WHEN NOT ST_IsValid(geom) THEN NULL
                  ELSE city.box IS NULL OR ST_Within(geom, ST_Expand(ST_SetSRID(city.box, 4326), 0.02)) END AS inside,
             ST_AsGeoJSON(geom)::text AS geojson
      FROM input, city ORDER BY row`, [JSON.stringify(payload)]);
    const errors: RowError[] = [];
    for (const c of checked) {
      if (!c.valid) errors.push({ row: c.row, field: "geometry", reason: `not a valid polygon: ${c.reason}` });
      else if (c.inside === false) errors.push({ row: c.row, field: "geometry", reason: "lies outside the city's bounds (check --crs: WGS84, GCJ-02 or BD-09?)" });
    }
    const names = await trx("subdistricts").select("id", "name");
    const communities = await trx("communities").select("id", "name", "subdistrict_id");
    for (const r of rows) {
      if (r.subdistrict && !names.some((s) => s.name === r.subdistrict)) errors.push({ row: r.row, field: "subdistrict", reason: `no subdistrict is named "${r.subdistrict}"` });
      if (r.community && !communities.some((c) => c.name === r.community)) errors.push({ row: r.row, field: "community", reason: `no community is named "${r.community}"` });
    }
    if (errors.length) throw new ImportError(errors.sort((a, b) => a.row - b.row), opts.fileName);

    const existing = await trx("compounds").whereIn("name", rows.map((r) => r.name)).select("id", "name");
    const byName = new Map(existing.map((e: { id: number; name: string }) => [e.name, e.id]));
    const geomByRow = new Map<number, string>(checked.map((c: { row: number; geojson: string }) => [c.row, c.geojson]));
    plan = {
      add: rows.filter((r) => !byName.has(r.name)).map((r) => ({ row: r.row, name: r.name })),
      update: rows.filter((r) => byName.has(r.name)).map((r) => ({ row: r.row, name: r.name, id: byName.get(r.name)! })),
      provisional: rows.filter((r) => r.provisional).map((r) => ({ row: r.row, name: r.name, radiusM: provisionalRadiusM(r.households) })),
      warnings: parsed.warnings,
    };
    if (opts.dryRun) return;
    let done = 0;
    for (const r of rows) {
      const community = communities.find((c) => c.name === r.community);
      const cols: Record<string, unknown> = {
        name: r.name, address: r.address, build_year: r.buildYear, households: r.households, building_count: r.buildingCount,
        ...(r.floorAreaM2 !== null ? { floor_area_m2: r.floorAreaM2 } : {}),
        ...(r.management ? { management: r.management } : {}),
        ...(r.tier ? { tier: r.tier } : {}),
        ...(r.planYear ? { plan_year: r.planYear, status: knex.raw("CASE WHEN status = 'unlisted' THEN 'planned' ELSE status END") } : {}),
        ...(r.subdistrict ? { subdistrict_id: names.find((s) => s.name === r.subdistrict)!.id } : {}),
        ...(community ? { community_id: community.id, subdistrict_id: community.subdistrict_id } : {}),
        geom: trx.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)", [geomByRow.get(r.row)!]),
      };
      const id = byName.get(r.name);
      if (id === undefined) {
        if (r.planYear) cols.status = "planned";
        const [row] = await trx("compounds").insert(cols).returning("id");
        if (actor) await writeAudit(trx, { actor, action: "create", entity: "compound", entityId: row.id, after: { ...r, geometry: undefined, source: opts.fileName } });
      } else {
        const before = await trx("compounds").where({ id }).first("name", "address", "build_year", "households", "building_count");
        await trx("compounds").where({ id }).update({ ...cols, version: trx.raw("version + 1"), updated_at: trx.fn.now() });
        if (actor) await writeAudit(trx, { actor, action: "update", entity: "compound", entityId: id, before, after: { ...r, geometry: undefined, source: opts.fileName } });
      }
      opts.onProgress?.(++done, rows.length);
    }
    // Rows without 街道/社区 take the community their footprint lies in.
    await trx.raw(`
      UPDATE compounds c SET community_id = cm.id, subdistrict_id = cm.subdistrict_id
      FROM communities cm
      WHERE c.community_id IS NULL AND c.name = ANY(?) AND ST_Contains(cm.geom, ST_PointOnSurface(c.geom))`, [rows.map((r) => r.name)]);
    if (actor) {
      await writeAudit(trx, { actor, action: "import", entity: "import", entityId: opts.fileName ?? null, after: { added: plan.add.length, updated: plan.update.length } });
    }
  };
  await knex.transaction(run);
  return plan;
}
