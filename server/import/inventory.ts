import type { Knex } from "knex";
import { writeAudit, type Actor } from "../db/audit.js";
import { checkGeometry, fieldPath, type CheckedGeometry } from "../schemas/primitives.js";
import { assignCommunities, checkFootprints, insertInventoryCompound, placeNames, updateInventoryCompound, type InventoryCompound } from "../db/inventory.js";
import { compoundNames, compoundsNearPoints, pointToCompoundM } from "../db/inventory-join.js";
import { inTransaction } from "../db/transaction.js";
import type { FieldCode, ProblemParams } from "../schemas/problems.js";
import { ImportError, type ImportProblem } from "./errors.js";
import { normaliseName } from "./names.js";
import { toWgs84, type Crs, type LonLat } from "./crs.js";
import type { Table } from "./table.js";
import { parseWkt } from "./wkt.js";

/** One problem in an inventory: the sheet row (header = row 1), the column and why. */
export type RowError = ImportProblem & { row: number; field: string };

type Field =
  | "name"
  | "address"
  | "buildYear"
  | "households"
  | "buildingCount"
  | "floorAreaM2"
  | "management"
  | "tier"
  | "planYear"
  | "subdistrict"
  | "community"
  | "lon"
  | "lat"
  | "geometry";

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
  professional: "professional",
  self: "self",
  none: "none",
  专业物业: "professional",
  物业公司: "professional",
  自管: "self",
  自治: "self",
  单位管理: "self",
  无: "none",
  无物业: "none",
  无人管理: "none",
  托底: "none",
};
const TIERS: Record<string, string> = {
  basic: "basic",
  complete: "complete",
  enhanced: "enhanced",
  基础类: "basic",
  完善类: "complete",
  提升类: "enhanced",
  功能达标型: "basic",
  功能完善型: "complete",
  功能提高型: "enhanced",
};

/** One sheet row: what it says about the compound (db/inventory.ts's fields), and where. */
export interface InventoryRow extends Omit<InventoryCompound, "subdistrictId" | "community"> {
  row: number;
  subdistrict: string | null;
  community: string | null;
  /** WGS84 GeoJSON Polygon/MultiPolygon, or a point to draw a provisional footprint around. */
  geometry: PolygonalGeometry | { type: "Point"; coordinates: LonLat };
  provisional: boolean;
  /** The row's place as written in the file (before any --crs conversion): its point, or its polygon's vertex mean. */
  rawPoint: [number, number];
}

/** A GeoJSON Polygon or MultiPolygon, positions `[lon, lat]`. */
type PolygonalGeometry = Extract<CheckedGeometry, { type: "Polygon" | "MultiPolygon" }>;

/** GeoJSON coordinates: a position, or lists of them nested to any depth. */
type Coordinates = LonLat | Coordinates[];

const isPosition = (c: Coordinates): c is LonLat => typeof c[0] === "number";

/** The mean of a geometry's positions (the first ring of each polygon). */
function vertexMeanOf(coordinates: Coordinates): [number, number] {
  const pts: LonLat[] = [];
  const walk = (c: Coordinates) => {
    if (isPosition(c)) pts.push(c);
    else c.forEach(walk);
  };
  walk(coordinates);
  const n = Math.max(1, pts.length - 1); // rings repeat their first position
  let x = 0,
    y = 0;
  for (const p of pts.slice(0, n)) {
    x += p[0];
    y += p[1];
  }
  return [x / n, y / n];
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

/** The same nesting, every position read in `crs` and converted to WGS84. */
const convert = (crs: Crs, c: Coordinates): Coordinates => (isPosition(c) ? toWgs84(crs, c[0], c[1]) : c.map((x) => convert(crs, x)));

/** Validate every row of an inventory table and convert its coordinates to WGS84. */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one pass over the sheet's rows checking each field, so every error names its row
export function parseInventory(table: Table, crs: Crs): { rows: InventoryRow[]; errors: RowError[]; warnings: string[] } {
  const { index, unknown } = mapColumns(table.headers);
  const errors: RowError[] = [];
  const warnings = unknown.length ? [`ignored column(s): ${unknown.join(", ")}`] : [];
  for (const f of ["name", "buildYear", "households", "buildingCount"] as Field[]) {
    if (index[f] === undefined)
      errors.push({
        row: 1,
        field: f,
        reason: `missing column; name it one of ${COLUMN_ALIASES[f].join(" / ")}`,
        code: "missing_column",
        params: { values: COLUMN_ALIASES[f].join(" / ") },
      });
  }
  if (index.geometry === undefined && (index.lon === undefined || index.lat === undefined)) {
    errors.push({
      row: 1,
      field: "geometry",
      reason: "need either a polygon column (WKT or GeoJSON: 边界/geometry) or lon and lat columns (经度/纬度)",
      code: "missing_geometry_column",
    });
  }
  if (errors.length) return { rows: [], errors, warnings };

  const rows: InventoryRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const get = (f: Field) => (index[f] === undefined ? "" : (cells[index[f]!] ?? "").trim());
    const fail = (field: string, reason: string, code: FieldCode, params?: ProblemParams) => {
      errors.push({ row, field, reason, code, ...(params && { params }) });
    };
    const int = (f: Field, min: number, max: number, required: boolean) => {
      const raw = get(f)
        .replace(/[,，\s]/g, "")
        .replace(/(年|户|栋|个)$/, "");
      if (raw === "") {
        if (required) fail(f, "is empty", "required");
        return null;
      }
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        fail(f, `"${get(f)}" is not a whole number from ${min} to ${max}`, "not_whole_number", { value: get(f), minimum: min, maximum: max });
        return null;
      }
      return n;
    };
    const name = get("name");
    if (!name) fail("name", "is empty", "required");
    else if (seen.has(name)) fail("name", `"${name}" appears twice (also row ${seen.get(name)})`, "repeated_in_file", { value: name, row: seen.get(name)! });
    else seen.set(name, row);
    const buildYear = int("buildYear", 1900, 2100, true);
    const households = int("households", 0, 100000, true);
    const buildingCount = int("buildingCount", 0, 10000, true);
    const planYear = int("planYear", 2000, 2100, false);
    const areaRaw = get("floorAreaM2").replace(/[,，\s]/g, "");
    const floorAreaM2 = areaRaw === "" ? null : Number(areaRaw);
    if (floorAreaM2 !== null && !(floorAreaM2 >= 0))
      fail("floorAreaM2", `"${get("floorAreaM2")}" is not a non-negative number`, "not_non_negative", { value: get("floorAreaM2") });
    const management = get("management") ? (MANAGEMENT[get("management").toLowerCase()] ?? null) : null;
    if (get("management") && !management)
      fail("management", `"${get("management")}" is not one of ${Object.keys(MANAGEMENT).join(", ")}`, "invalid_value", {
        values: Object.keys(MANAGEMENT).join(", "),
      });
    const tier = get("tier") ? (TIERS[get("tier").toLowerCase()] ?? null) : null;
    if (get("tier") && !tier)
      fail("tier", `"${get("tier")}" is not one of ${Object.keys(TIERS).join(", ")}`, "invalid_value", { values: Object.keys(TIERS).join(", ") });

    let geometry: InventoryRow["geometry"] | null = null;
    let provisional = false;
    let rawPoint: [number, number] = [NaN, NaN];
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
        // checkGeometry allowed only these two types; convert keeps the nesting.
        const polygonal = checked.geometry as PolygonalGeometry;
        geometry = { type: polygonal.type, coordinates: convert(crs, polygonal.coordinates) } as PolygonalGeometry;
        rawPoint = vertexMeanOf(polygonal.coordinates);
      } catch (err) {
        fail("geometry", `cannot read the polygon: ${(err as Error).message}`, "invalid_geometry", { value: (err as Error).message });
      }
    } else {
      const lon = Number(get("lon"));
      const lat = Number(get("lat"));
      if (get("lon") === "" || get("lat") === "") fail(get("lon") === "" ? "lon" : "lat", "is empty (give lon and lat, or a polygon)", "required");
      else if (!(Math.abs(lon) <= 180)) fail("lon", `"${get("lon")}" is not a longitude in degrees`, "not_longitude", { value: get("lon") });
      else if (!(Math.abs(lat) <= 90)) fail("lat", `"${get("lat")}" is not a latitude in degrees`, "not_latitude", { value: get("lat") });
      else {
        geometry = { type: "Point", coordinates: toWgs84(crs, lon, lat) };
        provisional = true;
        rawPoint = [lon, lat];
      }
    }
    if (geometry && name && buildYear !== null && households !== null && buildingCount !== null) {
      rows.push({
        row,
        name,
        address: get("address") || null,
        buildYear,
        households,
        buildingCount,
        floorAreaM2,
        management,
        tier,
        planYear,
        subdistrict: get("subdistrict") || null,
        community: get("community") || null,
        geometry,
        provisional,
        rawPoint,
      });
    }
  }
  if (table.rows.length === 0) errors.push({ row: 2, field: "(file)", reason: "the file has a header but no rows", code: "no_rows" });
  return { rows, errors, warnings };
}

export interface InventoryPlan {
  /** Rows that match no compound: added as new compounds. */
  add: Array<{ row: number; name: string }>;
  /** Rows joined onto a compound (by normalised name, name and place, or place alone): it is updated. */
  update: Array<{ row: number; name: string; id: number; compound: string; by: JoinedBy; distanceM: number | null }>;
  /** Rows that could be more than one compound, or whose namesake lies far away: not applied. */
  ambiguous: Array<{ row: number; name: string; reason: string; candidates: Array<{ id: number; name: string; distanceM: number | null }> }>;
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
  knex: Knex,
  actor: Actor | null,
  table: Table,
  opts: { crs: Crs; dryRun?: boolean; fileName?: string; onProgress?: (done: number, total: number) => void },
): Promise<InventoryPlan> {
  const parsed = parseInventory(table, opts.crs);
  if (parsed.errors.length) throw new ImportError(parsed.errors, opts.fileName);
  const rows = parsed.rows;
  let plan!: InventoryPlan;
  const run = async (trx: Knex.Transaction) => {
    const payload = rows.map((r) => ({
      row: r.row,
      geometry: r.geometry,
      radius: r.provisional ? provisionalRadiusM(r.households) : null,
    }));
    // Build every footprint in SQL and check it; report by sheet row.
    const checked = await checkFootprints(trx, payload);
    const { subdistricts: names, communities } = await placeNames(trx);
    const errors = rowErrorsAfterChecks(rows, checked, names, communities);
    if (errors.length)
      throw new ImportError(
        errors.sort((a, b) => a.row - b.row),
        opts.fileName,
      );

    const joined = await joinRows(trx, rows, opts.crs);
    const byName = new Map<number, number>(); // sheet row → compound id
    for (const u of joined.update) byName.set(u.row, u.id);
    const skip = new Set(joined.ambiguous.map((a) => a.row));
    const geomByRow = new Map<number, string>(checked.map((c) => [c.row, c.geojson]));
    plan = {
      add: rows.filter((r) => !byName.has(r.row) && !skip.has(r.row)).map((r) => ({ row: r.row, name: r.name })),
      update: joined.update,
      ambiguous: joined.ambiguous,
      provisional: rows
        .filter((r) => r.provisional && !byName.has(r.row) && !skip.has(r.row))
        .map((r) => ({ row: r.row, name: r.name, radiusM: provisionalRadiusM(r.households) })),
      warnings: [...parsed.warnings, ...joined.warnings],
    };
    if (opts.dryRun) return;
    let done = 0;
    for (const r of rows) {
      if (skip.has(r.row)) continue;
      const community = communities.find((c) => c.name === r.community);
      const compound: InventoryCompound = {
        name: r.name,
        address: r.address,
        buildYear: r.buildYear,
        households: r.households,
        buildingCount: r.buildingCount,
        floorAreaM2: r.floorAreaM2,
        management: r.management,
        tier: r.tier,
        planYear: r.planYear,
        ...(r.subdistrict ? { subdistrictId: names.find((s) => s.name === r.subdistrict)!.id } : {}),
        ...(community ? { community: { id: community.id, subdistrictId: community.subdistrict_id } } : {}),
      };
      const id = byName.get(r.row);
      // A joined compound keeps its footprint unless the row draws one; a new one needs one.
      if (id === undefined) {
        const newId = await insertInventoryCompound(trx, compound, geomByRow.get(r.row)!);
        if (actor)
          await writeAudit(trx, { actor, action: "create", entity: "compound", entityId: newId, after: { ...r, geometry: undefined, source: opts.fileName } });
      } else {
        const before = await updateInventoryCompound(trx, id, compound, r.provisional ? undefined : geomByRow.get(r.row)!);
        if (actor)
          await writeAudit(trx, {
            actor,
            action: "update",
            entity: "compound",
            entityId: id,
            before,
            after: { ...r, geometry: undefined, source: opts.fileName },
          });
      }
      opts.onProgress?.(++done, rows.length);
    }
    // Rows without 街道/社区 take the community their footprint lies in.
    await assignCommunities(
      trx,
      rows.map((r) => r.name),
    );
    if (actor) {
      await writeAudit(trx, {
        actor,
        action: "import",
        entity: "import",
        entityId: opts.fileName ?? null,
        after: { added: plan.add.length, updated: plan.update.length },
      });
    }
  };
  await inTransaction(knex, run);
  return plan;
}

export type JoinedBy = "name" | "name+place" | "place";

/** A namesake farther than this from the row's place is not taken for the same compound. */
const JOIN_NAME_WITHIN_M = 500;
/** A row whose point lies this close to (or inside) an unnamed compound joins it by place. */
const JOIN_PLACE_WITHIN_M = 30;
/** The names the OSM import gives areas without one (server/import/osm-steps/areas.ts). */
const UNNAMED = /^未命名小区（OSM /;

/**
 * Which compound each row of an inventory is: the one whose name is the same once normalised
 * (full-width forms, punctuation and a suffix such as 小区/院/家属院/宿舍 aside, see names.ts) and
 * which lies within 500 m of the row's place; or, with no namesake, the one the row's point lies in
 * (or within 30 m of). Several candidates make the row ambiguous: it is listed and not applied; a
 * namesake farther than 500 m is another compound, and the report says so. Also: when the rows' points lie systematically off the compounds they name
 * but fit once read as GCJ-02 or BD-09 (a 高德/百度 export given as WGS 84), say which `--crs` to use.
 */
async function joinRows(trx: Knex, rows: InventoryRow[], crs: Crs) {
  const all = await compoundNames(trx);
  const byNorm = new Map<string, Array<{ id: number; name: string }>>();
  for (const c of all) {
    const k = normaliseName(c.name);
    (byNorm.get(k) ?? byNorm.set(k, []).get(k)!).push(c);
  }
  const located = (r: InventoryRow) => Number.isFinite(r.rawPoint[0]);
  const point = (r: InventoryRow): [number, number] => toWgs84(crs, r.rawPoint[0], r.rawPoint[1]);
  // Distances from each row's place to each of its namesakes.
  const pairs: Array<[number, number, number]> = [];
  const pairOf: Array<{ row: InventoryRow; id: number }> = [];
  for (const r of rows) {
    if (!located(r)) continue;
    for (const c of byNorm.get(normaliseName(r.name)) ?? []) {
      pairs.push([...point(r), c.id]);
      pairOf.push({ row: r, id: c.id });
    }
  }
  const dists = await pointToCompoundM(trx, pairs);
  const distOf = new Map<string, number>(pairOf.map((p, i) => [`${p.row.row}:${p.id}`, dists[i]]));
  const update: InventoryPlan["update"] = [];
  const ambiguous: InventoryPlan["ambiguous"] = [];
  const unnamed: InventoryRow[] = [];
  const farNamesakes: string[] = [];
  for (const r of rows) {
    const namesakes = byNorm.get(normaliseName(r.name)) ?? [];
    if (!namesakes.length) {
      unnamed.push(r);
      continue;
    }
    const withD = namesakes.map((c) => ({ ...c, distanceM: located(r) ? (distOf.get(`${r.row}:${c.id}`) ?? Infinity) : null }));
    const near = withD.filter((c) => c.distanceM === null || c.distanceM <= JOIN_NAME_WITHIN_M);
    const round = (d: number | null) => (d === null || !Number.isFinite(d) ? null : Math.round(d));
    if (near.length === 1) {
      update.push({
        row: r.row,
        name: r.name,
        id: near[0].id,
        compound: near[0].name,
        by: near[0].distanceM === null ? "name" : "name+place",
        distanceM: round(near[0].distanceM),
      });
    } else if (near.length > 1) {
      ambiguous.push({
        row: r.row,
        name: r.name,
        reason: `${near.length} compounds have this name${located(r) ? ` within ${JOIN_NAME_WITHIN_M} m` : ""}`,
        candidates: withD.map((c) => ({ id: c.id, name: c.name, distanceM: round(c.distanceM) })),
      });
    } else {
      // The namesakes lie far away: another compound of a similar name (often one employer's two
      // housing sites). The row is a compound of its own; say so, in case the place is wrong.
      const nearest = withD.reduce((a, b) => ((a.distanceM ?? Infinity) <= (b.distanceM ?? Infinity) ? a : b));
      farNamesakes.push(
        `row ${r.row}, ${r.name}: ${nearest.name} (id ${nearest.id}) has the same name but lies ${round(nearest.distanceM)} m away; added as a compound of its own`,
      );
      unnamed.push(r);
    }
  }
  // No namesake near: the compound the row's point falls in, if exactly one.
  const placed = unnamed.filter((r) => r.provisional && located(r));
  const near = await compoundsNearPoints(trx, placed.map(point), JOIN_PLACE_WITHIN_M);
  placed.forEach((r, i) => {
    const hits = near[i];
    if (!hits.length) return; // a compound of its own
    const one = hits.length === 1 || (hits[0].distanceM === 0 && hits[1].distanceM > 0);
    // Only a compound without a real name (an unnamed OSM area) takes the row's name by place; a
    // point inside a compound named otherwise may be that compound under another name, or a rough
    // point: the user decides.
    if (one && UNNAMED.test(hits[0].name)) {
      update.push({ row: r.row, name: r.name, id: hits[0].id, compound: hits[0].name, by: "place", distanceM: Math.round(hits[0].distanceM) });
    } else {
      ambiguous.push({
        row: r.row,
        name: r.name,
        reason: one
          ? `its point lies ${hits[0].distanceM === 0 ? "inside" : `${Math.round(hits[0].distanceM)} m from`} ${hits[0].name}, a compound of another name (rename one of them, or give the row a polygon)`
          : `its point lies by ${hits.length} compounds of other names`,
        candidates: hits.map((h) => ({ id: h.id, name: h.name, distanceM: Math.round(h.distanceM) })),
      });
    }
  });
  update.sort((a, b) => a.row - b.row);
  ambiguous.sort((a, b) => a.row - b.row);
  return { update, ambiguous, warnings: [...farNamesakes, ...(await crsHint(trx, pairOf, dists, crs))] };
}

/**
 * When most rows with a namesake lie far (> 200 m, median) from it, try reading their places as
 * GCJ-02 and BD-09: if one fits (median under 60 m), say so and name the --crs to use.
 */
async function crsHint(trx: Knex, pairOf: Array<{ row: InventoryRow; id: number }>, dists: number[], crs: Crs): Promise<string[]> {
  // One pair per row (its nearest namesake).
  const best = new Map<number, { row: InventoryRow; id: number; d: number }>();
  pairOf.forEach((p, i) => {
    const b = best.get(p.row.row);
    if (!b || dists[i] < b.d) best.set(p.row.row, { ...p, d: dists[i] });
  });
  const items = [...best.values()];
  if (items.length < 3) return [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const now = median(items.map((x) => x.d));
  if (now <= 200) return [];
  const out: string[] = [];
  for (const alt of (["wgs84", "gcj02", "bd09"] as const).filter((c) => c !== crs)) {
    const d = await pointToCompoundM(
      trx,
      items.map((x) => [...toWgs84(alt, x.row.rawPoint[0], x.row.rawPoint[1]), x.id] as [number, number, number]),
    );
    const m = median(d);
    if (m < 60 && m < now / 4) {
      out.push(
        `the rows' places lie ${Math.round(now)} m (median) from the compounds they name, but ${Math.round(m)} m once read as ${alt.toUpperCase()}: ` +
          `the file looks like a ${alt === "gcj02" ? "高德/腾讯 (GCJ-02)" : alt === "bd09" ? "百度 (BD-09)" : "WGS 84"} export; import it again with --crs ${alt}`,
      );
    }
  }
  return out;
}

/** The rows the database refuses: a footprint PostGIS finds invalid or outside the city, a subdistrict or community no one has. */
function rowErrorsAfterChecks(
  rows: InventoryRow[],
  checked: Array<{ row: number; valid: boolean; reason?: unknown; inside?: boolean | null }>,
  names: Array<{ name: string }>,
  communities: Array<{ name: string }>,
): RowError[] {
  const errors: RowError[] = [];
  for (const c of checked) {
    if (!c.valid)
      errors.push({ row: c.row, field: "geometry", reason: `not a valid polygon: ${c.reason}`, code: "invalid_geometry", params: { value: String(c.reason) } });
    else if (c.inside === false)
      errors.push({ row: c.row, field: "geometry", reason: "lies outside the city's bounds (check --crs: WGS84, GCJ-02 or BD-09?)", code: "outside_city_crs" });
  }
  const places = [
    ["subdistrict", names, "unknown_subdistrict"],
    ["community", communities, "unknown_community"],
  ] as const;
  for (const r of rows) {
    for (const [field, known, code] of places) {
      const name = r[field];
      if (name && !known.some((k) => k.name === name))
        errors.push({ row: r.row, field, reason: `no ${field} is named "${name}"`, code, params: { value: name } });
    }
  }
  return errors;
}
