import request from "supertest";
import { describe, expect, it } from "vitest";
import { toCsv } from "../../shared/csv.js";
import { parseCsv } from "../../server/import/table.js";
import { readCityFile, setUpTestApp } from "../helpers/db.js";
import { pointInPolygon, polygonsOf } from "../helpers/geometry.js";
import { signedIn } from "../helpers/auth.js";
import { binary } from "../helpers/http.js";

const city = setUpTestApp();

const compounds = readCityFile("compounds.geojson").features;
const items = readCityFile("renovation-items.geojson").features;

describe("exports", () => {
  it("GeoJSON of compounds, filtered like the read API", async () => {
    const res = await request(city.app).get("/api/export/compounds.geojson?plan_year=2019").expect(200);
    expect(res.headers["content-disposition"]).toMatch(/attachment; filename="?compounds-\d{4}-\d{2}-\d{2}\.geojson/);
    const body = JSON.parse(res.text);
    expect(body.features.map((f: any) => f.id).sort((a: number, b: number) => a - b)).toEqual(
      compounds
        .filter((c) => c.properties.planYear === 2019)
        .map((c) => c.properties.id)
        .sort((a, b) => a - b),
    );
  });

  it("CSV for Excel: BOM, Chinese intact, and lon/lat inside each compound", async () => {
    const res = await request(city.app).get("/api/export/compounds.csv").buffer(true).parse(binary).expect(200);
    const bytes: Buffer = res.body;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parseCsv(bytes.toString("utf8").replace(/^\uFEFF/, ""));
    expect(table.headers).toEqual(expect.arrayContaining(["id", "name", "households", "status", "lon", "lat"]));
    expect(table.rows.length).toBe(compounds.length);
    const col = (h: string) => table.headers.indexOf(h);
    const byId = new Map(compounds.map((c) => [c.properties.id, c]));
    for (const r of table.rows) {
      const c = byId.get(Number(r.cells[col("id")]))!;
      expect(r.cells[col("name")]).toBe(c.properties.name);
      const p = [Number(r.cells[col("lon")]), Number(r.cells[col("lat")])];
      expect(polygonsOf(c.geometry).some((rings) => pointInPolygon(p, rings))).toBe(true);
    }
  });

  it("CSV of renovation items of the chosen compounds", async () => {
    const res = await request(city.app).get("/api/export/items.csv?plan_year=2020").buffer(true).parse(binary).expect(200);
    const table = parseCsv((res.body as Buffer).toString("utf8").replace(/^\uFEFF/, ""));
    const ids = new Set(compounds.filter((c) => c.properties.planYear === 2020).map((c) => c.properties.id));
    expect(table.rows.length).toBe(items.filter((i) => ids.has(i.properties.compoundId)).length);
    expect(table.headers).toEqual(expect.arrayContaining(["compound", "nameZh", "quantity", "unit", "costYuan"]));
  });

  it("items: the public download places completed items only, as the public map; a signed-in reader gets every place", async () => {
    const byId = new Map(items.map((i) => [i.properties.id, i]));
    const placed = (fc: { features: Array<{ id: number; geometry: unknown }> }) => fc.features.filter((f) => f.geometry).map((f) => f.id);
    const anon = JSON.parse((await request(city.app).get("/api/export/items.geojson").expect(200)).text);
    expect(anon.features.length).toBe(items.length);
    const unfinishedWithPlace = items.filter((i) => i.geometry && i.properties.status !== "completed");
    expect(unfinishedWithPlace.length).toBeGreaterThan(0);
    expect(placed(anon).sort((a, b) => a - b)).toEqual(
      items
        .filter((i) => i.geometry && i.properties.status === "completed")
        .map((i) => i.properties.id)
        .sort((a, b) => a - b),
    );
    for (const f of anon.features) if (f.geometry) expect(f.geometry).toEqual(byId.get(f.id)!.geometry);
    const { agent } = await signedIn(city.app, city.db.knex, "staff");
    const staff = JSON.parse((await agent.get("/api/export/items.geojson").expect(200)).text);
    expect(placed(staff).sort((a, b) => a - b)).toEqual(
      items
        .filter((i) => i.geometry)
        .map((i) => i.properties.id)
        .sort((a, b) => a - b),
    );
  });

  it("GeoPackage that SQLite reads back with every compound", async () => {
    const res = await request(city.app).get("/api/export/compounds.gpkg?status=accepted").buffer(true).parse(binary).expect(200);
    const { default: initSqlJs } = await import("sql.js");
    const SQL = await initSqlJs();
    const gpkg = new SQL.Database(new Uint8Array(res.body));
    const [{ values }] = gpkg.exec("SELECT count(*), min(name) FROM compounds");
    expect(values[0][0]).toBe(compounds.filter((c) => c.properties.status === "accepted").length);
    const [{ values: contents }] = gpkg.exec("SELECT table_name, data_type, srs_id FROM gpkg_contents");
    expect(contents).toEqual([["compounds", "features", 4326]]);
    gpkg.close();
  });

  it("names a bad file or filter", async () => {
    const bad = await request(city.app).get("/api/export/compounds.shp");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe("file");
    const badFilter = await request(city.app).get("/api/export/compounds.csv?status=finished");
    expect(badFilter.body.errors[0].name).toBe("status");
  });

  it("defuses cells Excel would run as formulas", () => {
    expect(toCsv(["a", "b"], [['=HYPERLINK("x")', "普通, 文本"]])).toBe('\uFEFFa,b\r\n"\'=HYPERLINK(""x"")","普通, 文本"\r\n');
  });
});
