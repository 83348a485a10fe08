import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/connect.js";
import { wgs84ToBd09, wgs84ToGcj02 } from "../../server/import/crs.js";
import { ImportError } from "../../server/import/errors.js";
import { importInventory } from "../../server/import/inventory.js";
import { decodeText, parseCsv, readTable } from "../../server/import/table.js";
import { ROOT } from "../../server/config.js";
import { openCityDb } from "../helpers/db.js";
import { haversineM } from "../helpers/geometry.js";

const FIX = path.join(ROOT, "tests/fixtures/inventory");
const actor = { id: null, name: "cli:test" };
let db: Database;
const names = ["粮食局二号院", "棉纺厂东区", "教育局家属院", "转换测试小区", "点位小区"];

beforeAll(async () => {
  db = await openCityDb();
});
afterAll(async () => {
  await db.knex("compounds").whereIn("name", names).del();
  await db?.close();
});

async function snapshotCompounds() {
  const { rows } = await db.knex.raw("SELECT count(*)::int AS n, md5(string_agg(c::text, ',' ORDER BY id)) AS h FROM compounds c");
  return rows[0];
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: eight import cases on one city database
describe("compound inventory import", () => {
  it("a file with one bad row changes nothing and names the row, the field and why", async () => {
    const before = await snapshotCompounds();
    const err = await importInventory(db.knex, actor, await readTable(path.join(FIX, "inventory-broken.csv")), { crs: "wgs84" }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.problems).toEqual([
      {
        row: 3,
        field: "households",
        reason: expect.stringMatching(/两百四十.*whole number/),
        code: "not_whole_number",
        params: { value: expect.stringMatching(/两百四十/), minimum: 0, maximum: 100000 },
      },
    ]);
    expect(err.detail).toMatch(/row 3, households/);
    expect(await snapshotCompounds()).toEqual(before);
  });

  it("a dry run reports what would be added and writes nothing", async () => {
    const before = await snapshotCompounds();
    const plan = await importInventory(db.knex, actor, await readTable(path.join(FIX, "inventory-wgs84.csv")), { crs: "wgs84", dryRun: true });
    expect(plan.add.map((a) => a.name)).toEqual(["粮食局二号院", "棉纺厂东区", "教育局家属院"]);
    expect(plan.update).toEqual([]);
    expect(await snapshotCompounds()).toEqual(before);
  });

  it("the fixed file imports: attributes, footprints (WKT and GeoJSON), community by location, audit", async () => {
    const plan = await importInventory(db.knex, actor, await readTable(path.join(FIX, "inventory-wgs84.csv")), {
      crs: "wgs84",
      fileName: "inventory-wgs84.csv",
    });
    expect(plan.add.length).toBe(3);
    const rows = await db
      .knex("compounds")
      .whereIn("name", names.slice(0, 3))
      .orderBy("name")
      .select(
        "name",
        "households",
        "build_year",
        "management",
        "tier",
        "status",
        "plan_year",
        "community_id",
        db.knex.raw("round(ST_Area(geom::geography))::int AS area"),
      );
    const grain = rows.find((r) => r.name === "粮食局二号院");
    expect(grain).toMatchObject({ households: 96, build_year: 1989, management: "none", tier: "basic", status: "planned", plan_year: 2026 });
    // 0.0006° × 0.0005° at 33.6°N, by hand: 55.6 m × 55.3 m.
    expect(grain.area).toBeGreaterThan(3000);
    expect(grain.area).toBeLessThan(3150);
    expect(rows.find((r) => r.name === "教育局家属院")).toMatchObject({ status: "unlisted", plan_year: null });
    expect(rows.every((r) => r.community_id !== null)).toBe(true);
    const audit = await db.knex("audit_log").where({ action: "import", entity_id: "inventory-wgs84.csv" }).first();
    expect(audit.after).toEqual({ added: 3, updated: 0 });
  });

  it("importing again updates the compounds with the same name instead of duplicating them", async () => {
    const table = await readTable(path.join(FIX, "inventory-wgs84.csv"));
    table.rows[0].cells[3] = "100";
    const plan = await importInventory(db.knex, actor, table, { crs: "wgs84" });
    expect(plan.update.map((u) => u.name)).toEqual(["粮食局二号院", "棉纺厂东区", "教育局家属院"]);
    const rows = await db.knex("compounds").where({ name: "粮食局二号院" }).select("households");
    expect(rows).toEqual([{ households: 100 }]);
  });

  it.each([
    ["gcj02" as const, wgs84ToGcj02],
    ["bd09" as const, wgs84ToBd09],
  ])("converts %s coordinates to WGS84", async (crs, forward) => {
    // A footprint whose true (WGS84) corner is known, written in the Chinese web-map system.
    const corner = [114.6225, 33.6021];
    const ring = [
      [0, 0],
      [0.0005, 0],
      [0.0005, 0.0004],
      [0, 0.0004],
      [0, 0],
    ].map(([dx, dy]) => forward(corner[0] + dx, corner[1] + dy));
    const wkt = `POLYGON((${ring.map(([x, y]) => `${x} ${y}`).join(",")}))`;
    const csv = `name,build_year,households,buildings,geometry\n转换测试小区,1990,80,2,"${wkt}"\n`;
    await importInventory(db.knex, actor, parseCsv(csv), { crs });
    const { rows } = await db.knex.raw("SELECT ST_XMin(geom) AS x, ST_YMin(geom) AS y FROM compounds WHERE name = '转换测试小区'");
    expect(haversineM([rows[0].x, rows[0].y], corner)).toBeLessThan(2);
    // Read as WGS84 by mistake, the same file would sit hundreds of metres off.
    expect(haversineM(ring[0], corner)).toBeGreaterThan(100);
  });

  it("draws a provisional footprint for a row with only lon/lat, and says so", async () => {
    const csv = `名称,建成年份,户数,楼栋数,经度,纬度\n点位小区,1988,300,8,114.6235,33.6008\n`;
    const plan = await importInventory(db.knex, actor, parseCsv(csv), { crs: "wgs84" });
    expect(plan.provisional).toEqual([{ row: 2, name: "点位小区", radiusM: 76 }]);
    const { rows } = await db.knex.raw("SELECT ST_Area(geom::geography) AS a FROM compounds WHERE name = '点位小区'");
    expect(rows[0].a).toBeGreaterThan(Math.PI * 76 * 76 * 0.95);
    expect(rows[0].a).toBeLessThan(Math.PI * 76 * 76 * 1.01);
  });

  it("refuses a subdistrict or community the city does not have, naming the row, the column and the name", async () => {
    const before = await snapshotCompounds();
    const { rows } = await db.knex.raw("SELECT s.name AS s, c.name AS c FROM communities c JOIN subdistricts s ON s.id = c.subdistrict_id LIMIT 1");
    const csv = [
      "名称,建成年份,户数,楼栋数,经度,纬度,街道,社区",
      `地名甲小区,1990,80,2,114.6235,33.6008,${rows[0].s},${rows[0].c}`,
      `地名乙小区,1990,80,2,114.6240,33.6010,没有的街道,${rows[0].c}`,
      `地名丙小区,1990,80,2,114.6245,33.6012,${rows[0].s},没有的社区`,
    ].join("\n");
    const err = await importInventory(db.knex, actor, parseCsv(csv), { crs: "wgs84" }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.problems).toEqual([
      { row: 3, field: "subdistrict", reason: 'no subdistrict is named "没有的街道"', code: "unknown_subdistrict", params: { value: "没有的街道" } },
      { row: 4, field: "community", reason: 'no community is named "没有的社区"', code: "unknown_community", params: { value: "没有的社区" } },
    ]);
    expect(await snapshotCompounds()).toEqual(before);
  });

  it("rejects geometry PostGIS finds invalid or outside the city, by row", async () => {
    const before = await snapshotCompounds();
    const csv = [
      "name,build_year,households,buildings,geometry",
      `甲小区,1990,80,2,"POLYGON((114.6190 33.6030,114.6196 33.6036,114.6196 33.6030,114.6190 33.6036,114.6190 33.6030))"`,
      `乙小区,1990,80,2,"POLYGON((116.3 39.9,116.31 39.9,116.31 39.91,116.3 39.9))"`,
      `丙小区,1990,80,2,"POLYGON((114.6190 33.6030"`,
    ].join("\n");
    const err = await importInventory(db.knex, actor, parseCsv(csv), { crs: "wgs84" }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    // Shape errors are found before the database is asked; the rest after.
    expect(err.problems).toEqual([
      { row: 4, field: "geometry", reason: expect.stringMatching(/cannot read the polygon/), code: "invalid_geometry", params: { value: expect.any(String) } },
    ]);
    const err2 = await importInventory(db.knex, actor, parseCsv(csv.split("\n").slice(0, 3).join("\n")), { crs: "wgs84" }).catch((e) => e);
    expect(err2.problems.map((r: any) => [r.row, r.field])).toEqual([
      [2, "geometry"],
      [3, "geometry"],
    ]);
    expect(err2.problems[0].reason).toMatch(/Self-intersection/i);
    expect(err2.problems[1].reason).toMatch(/outside the city/);
    expect(await snapshotCompounds()).toEqual(before);
  });

  it("names missing columns and reads XLSX and GBK-encoded CSV", async () => {
    const err = await importInventory(db.knex, actor, parseCsv("名称,地址\n某小区,某路\n"), { crs: "wgs84" }).catch((e) => e);
    expect(err.problems.map((r: any) => r.field)).toEqual(["buildYear", "households", "buildingCount", "geometry"]);
    // GBK bytes for "名称": C3FB B3C6.
    expect(decodeText(new Uint8Array([0xc3, 0xfb, 0xb3, 0xc6]))).toBe("名称");
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("小区");
    ws.addRow(["小区名称", "建成年代", "户数", "楼栋数", "经度", "纬度"]);
    ws.addRow(["表格小区", 1991, 120, 4, 114.63, 33.64]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "inv-")), "inventory.xlsx");
    await wb.xlsx.writeFile(file);
    const table = await readTable(file);
    expect(table.headers).toEqual(["小区名称", "建成年代", "户数", "楼栋数", "经度", "纬度"]);
    expect(table.rows).toEqual([{ row: 2, cells: ["表格小区", "1991", "120", "4", "114.63", "33.64"] }]);
    const plan = await importInventory(db.knex, actor, table, { crs: "wgs84", dryRun: true });
    expect(plan.add).toEqual([{ row: 2, name: "表格小区" }]);
  });
});
