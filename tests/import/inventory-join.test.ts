import path from "node:path";
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import type { Database } from "../../server/db/connect.js";
import { wgs84ToGcj02 } from "../../server/import/crs.js";
import { importInventory } from "../../server/import/inventory.js";
import { normaliseName } from "../../server/import/names.js";
import { runImport } from "../../server/import/run.js";
import { parseCsv } from "../../server/import/table.js";
import { openCityDb } from "../helpers/db.js";

// A bureau's inventory joined onto compounds already there (from OpenStreetMap or the demo city):
// by normalised name and place, or by place onto an unnamed area; households then come from the
// inventory; a file of 高德 coordinates given as WGS 84 is recognised.
let db: Database;
beforeAll(async () => {
  db = await openCityDb();
});
afterAll(async () => {
  await db?.close();
});

async function rolledBack(fn: (trx: Knex.Transaction) => Promise<void>) {
  const stop = new Error("rollback");
  await db.knex
    .transaction(async (trx) => {
      await fn(trx);
      throw stop;
    })
    .catch((e) => {
      if (e !== stop) throw e;
    });
}

describe("normalised compound names", () => {
  it("ignore width, spacing, punctuation and one generic suffix", () => {
    expect(normaliseName("电力小区")).toBe(normaliseName("电力"));
    expect(normaliseName("ＡＢＣ１２小区")).toBe(normaliseName("abc12"));
    expect(normaliseName("人行 家属院")).toBe(normaliseName("人行"));
    expect(normaliseName("粮食局（二号）宿舍")).toBe(normaliseName("粮食局二号"));
    expect(normaliseName("电力小区")).not.toBe(normaliseName("电力局家属院"));
    expect(normaliseName("小区")).toBe("小区"); // a suffix alone stays a name
  });
});

describe("joining an inventory onto imported compounds", () => {
  it("joins by name and place, or by place onto an unnamed area; a far namesake is a compound of its own", async () => {
    await rolledBack(async (trx) => {
      const osm = await runImport(trx, null, path.join(ROOT, "tests/fixtures/osm/small.osm"));
      expect(osm.kind).toBe("osm");
      const a = await trx("compounds").where({ osm_id: "way/200" }).first("id", "households_source");
      const b = await trx("compounds").where({ osm_id: "way/201" }).first("id");
      expect(a.households_source).toBe("estimated");
      const csv = [
        "名称,建成年代,户数,楼栋数,经度,纬度",
        "清华园,1985,212,4,116.301,40.001", // 清华园小区 without its suffix, inside A
        "ＸＸ新村,1990,150,3,116.3045,40.0003", // inside the unnamed B
        "嘉园,1995,90,2,116.32,40.015", // C is named 嘉园 but lies ~2 km from this place
      ].join("\n");
      const plan = await importInventory(trx, null, parseCsv(csv), { crs: "wgs84" });
      expect(plan.update.map((u) => [u.row, u.id, u.by])).toEqual([
        [2, a.id, "name+place"],
        [3, b.id, "place"],
      ]);
      expect(plan.update[0].distanceM).toBe(0);
      expect(plan.add.map((x) => x.name)).toEqual(["嘉园"]);
      expect(plan.warnings.join("\n")).toMatch(/row 4, 嘉园: 嘉园 \(id \d+\) has the same name but lies \d+ m away; added as a compound of its own/);
      const rowA = await trx("compounds").where({ id: a.id }).first("households", "households_source", "osm_id", trx.raw("ST_NPoints(geom) AS n"));
      expect(rowA).toMatchObject({ households: 212, households_source: "inventory", osm_id: "way/200", n: 5 }); // OSM footprint kept
      const rowB = await trx("compounds").where({ id: b.id }).first("name", "households", "households_source");
      expect(rowB).toEqual({ name: "ＸＸ新村", households: 150, households_source: "inventory" });
    });
  });

  it("lists a point inside a compound of another name as ambiguous and does not apply it", async () => {
    await rolledBack(async (trx) => {
      const { rows } = await trx.raw(
        "SELECT id, name, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM compounds ORDER BY id LIMIT 1",
      );
      const c = rows[0];
      const plan = await importInventory(trx, null, parseCsv(`名称,建成年代,户数,楼栋数,经度,纬度\n别的名字,1990,80,2,${c.x},${c.y}\n`), { crs: "wgs84" });
      expect(plan.ambiguous).toEqual([
        { row: 2, name: "别的名字", reason: expect.stringMatching(new RegExp(`inside ${c.name}`)), candidates: [{ id: c.id, name: c.name, distanceM: 0 }] },
      ]);
      expect(plan.add).toEqual([]);
      expect(await trx("compounds").where({ name: "别的名字" }).first()).toBeUndefined();
    });
  });

  it("says when the places are GCJ-02 (a 高德 export) given as WGS 84, and joins them once told", async () => {
    await rolledBack(async (trx) => {
      const { rows } = await trx.raw("SELECT name, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM compounds ORDER BY id LIMIT 6");
      // Where 高德 would show these compounds: ~500 m off in WGS 84.
      const lines = rows.map((r: { name: string; x: number; y: number }) => {
        const [x, y] = wgs84ToGcj02(r.x, r.y);
        return `${r.name},1990,100,3,${x},${y}`;
      });
      const csv = ["名称,建成年代,户数,楼栋数,经度,纬度", ...lines].join("\n");
      const asWgs = await importInventory(trx, null, parseCsv(csv), { crs: "wgs84", dryRun: true });
      // The names still find their compounds (within 500 m), but every place is hundreds of metres off:
      for (const u of asWgs.update) expect(u.distanceM).toBeGreaterThan(200);
      expect(asWgs.warnings.join("\n")).toMatch(/once read as GCJ02: .*--crs gcj02/);
      const asGcj = await importInventory(trx, null, parseCsv(csv), { crs: "gcj02", dryRun: true });
      expect(asGcj.update.map((u) => u.compound)).toEqual(rows.map((r: { name: string }) => r.name));
      for (const u of asGcj.update) expect(u.distanceM).toBeLessThan(5);
      expect(asGcj.warnings.filter((w) => /--crs/.test(w))).toEqual([]);
    });
  });
});
