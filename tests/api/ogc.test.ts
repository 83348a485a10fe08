import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../helpers/browser.js";
import { readCityFile } from "../helpers/db.js";

// OGC API – Features at /ogc, checked with a real client (GDAL's OAPIF driver, `ogrinfo`, as QGIS
// uses it) and against independent sources: the committed demo-city files for counts and extents,
// PostGIS queries written here for filters, /api/compounds for the count the app itself reports.

const run = promisify(execFile);
let app: AppServer;
beforeAll(async () => {
  app = await startAppServer();
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${app.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as any };
};

/** The bbox of every coordinate of a FeatureCollection (computed here, from the committed file). */
function extentOf(fc: { features: Array<{ geometry: any }> }): number[] {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: any): void => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
    } else c.forEach(walk);
  };
  for (const f of fc.features) walk(f.geometry.coordinates);
  return box;
}

async function ogrinfo(...args: string[]): Promise<string> {
  try {
    return (await run("ogrinfo", ["-ro", ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error("ogrinfo is not installed: apt-get install gdal-bin (.ci/run does)");
    throw err;
  }
}

const COLLECTIONS = ["compounds", "buildings", "gates", "amenities", "items", "clusters", "subdistricts", "communities"];

describe("OGC API – Features read by GDAL (ogrinfo OAPIF:)", () => {
  it("lists every collection", async () => {
    const out = await ogrinfo("-so", `OAPIF:${app.url}/ogc`);
    const layers = [...out.matchAll(/^\d+: (\w+)/gm)].map((m) => m[1]);
    expect(layers.sort()).toEqual([...COLLECTIONS].sort());
  });

  it("reads every compound, page after page, with the count /api/compounds gives and the demo city's extent", async () => {
    const api = await get("/api/compounds?limit=1");
    const city = readCityFile("compounds.geojson");
    expect(api.body.numberMatched).toBe(city.features.length);
    const summary = await ogrinfo("-so", `OAPIF:${app.url}/ogc`, "compounds");
    expect(summary).toMatch(new RegExp(`Feature Count: ${city.features.length}\\b`));
    const m = /Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/.exec(summary);
    expect(m).not.toBeNull();
    const want = extentOf(city);
    m!.slice(1).forEach((v, i) => {
      expect(Number(v)).toBeCloseTo(want[i], 6);
    });
    // Reading every feature follows the `next` links (100 a page): each id exactly once.
    const all = await ogrinfo("-al", "-q", `OAPIF:${app.url}/ogc`, "compounds");
    const ids = [...all.matchAll(/^\s+id \(Integer\S*\) = (\d+)/gm)].map((r) => Number(r[1]));
    expect(ids.sort((a, b) => a - b)).toEqual(city.features.map((f) => f.properties.id).sort((a: number, b: number) => a - b));
  }, 120_000);
});

describe("OGC API – Features documents", () => {
  it("has a landing page, conformance, an OpenAPI definition and collections with CRS84 extents", async () => {
    const landing = await get("/ogc");
    expect(landing.status).toBe(200);
    expect(landing.body.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(["self", "service-desc", "conformance", "data"]));
    const conf = await get("/ogc/conformance");
    expect(conf.body.conformsTo).toContain("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core");
    expect(conf.body.conformsTo).toContain("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson");
    const api = await get("/ogc/api");
    expect(api.body.openapi).toMatch(/^3\.0/);
    const cols = await get("/ogc/collections");
    expect(cols.body.collections.map((c: { id: string }) => c.id)).toEqual(COLLECTIONS);
    const buildings = cols.body.collections.find((c: { id: string }) => c.id === "buildings");
    expect(buildings.extent.spatial.crs).toBe("http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    extentOf(readCityFile("buildings.geojson")).forEach((v, i) => {
      expect(buildings.extent.spatial.bbox[0][i]).toBeCloseTo(v, 6);
    });
  });

  it("pages with next and prev links, numberMatched and numberReturned", async () => {
    const first = await get("/ogc/collections/compounds/items?limit=100");
    expect(first.type).toMatch(/application\/geo\+json/);
    expect([first.body.numberMatched, first.body.numberReturned]).toEqual([252, 100]);
    const rels = (page: any) => page.body.links.map((l: { rel: string }) => l.rel);
    expect(rels(first)).toContain("next");
    expect(rels(first)).not.toContain("prev");
    const next = first.body.links.find((l: { rel: string }) => l.rel === "next").href as string;
    const second = await get(new URL(next).pathname + new URL(next).search);
    expect(second.body.features[0].id).toBe(first.body.features[99].id + 1);
    expect(rels(second)).toEqual(expect.arrayContaining(["next", "prev"]));
    const last = await get("/ogc/collections/compounds/items?limit=100&offset=200");
    expect(last.body.numberReturned).toBe(52);
    expect(rels(last)).not.toContain("next");
  });

  it("filters by bbox and by properties as PostGIS does", async () => {
    const bbox = [114.61, 33.6, 114.625, 33.61];
    const { rows } = await app.db.knex.raw(
      "SELECT id FROM compounds WHERE ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326)) AND status = 'completed' ORDER BY id",
      bbox,
    );
    const page = await get(`/ogc/collections/compounds/items?bbox=${bbox.join(",")}&status=completed&limit=1000`);
    expect(page.body.features.map((f: { id: number }) => f.id)).toEqual(rows.map((r: { id: number }) => r.id));
    const years = await app.db.knex("compounds").whereIn("plan_year", [2023, 2024]).count({ n: "*" });
    const byYear = await get("/ogc/collections/compounds/items?planYear=2023,2024&limit=1");
    expect(byYear.body.numberMatched).toBe(Number(years[0].n));
    const lifts = await app.db.knex("buildings").where({ has_elevator: true }).count({ n: "*" });
    expect((await get("/ogc/collections/buildings/items?hasElevator=true&limit=1")).body.numberMatched).toBe(Number(lifts[0].n));
  });

  it("shows the public only published fields and features", async () => {
    const compound = await get("/ogc/collections/compounds/items/2");
    expect(compound.body.properties.name).toBe("税务局家属楼");
    expect(compound.body.properties).not.toHaveProperty("version");
    const completed = await app.db.knex("renovation_items").whereNotNull("geom").where({ status: "completed" }).count({ n: "*" });
    expect((await get("/ogc/collections/items/items?limit=1")).body.numberMatched).toBe(Number(completed[0].n));
    const open = await app.db.knex("renovation_items").whereNotNull("geom").whereNot({ status: "completed" }).first("id");
    if (open) expect((await get(`/ogc/collections/items/items/${open.id}`)).status).toBe(404);
    const drafts = await app.db.knex("clusters").whereNot({ status: "draft" }).count({ n: "*" });
    expect((await get("/ogc/collections/clusters/items")).body.numberMatched).toBe(Number(drafts[0].n));
  });

  it("answers bad requests with a 400 naming the parameter, and unknown collections or features with a 404", async () => {
    for (const [query, name] of [
      ["limit=0", "limit"],
      ["bbox=1,2,3", "bbox"],
      ["planYear=soon", "planYear"],
      ["hasElevator=maybe", "hasElevator"],
      ["colour=red", "colour"],
      ["bbox-crs=EPSG:3857", "bbox-crs"],
    ]) {
      const collection = name === "hasElevator" ? "buildings" : "compounds";
      const res = await get(`/ogc/collections/${collection}/items?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body), query).toContain(name);
    }
    expect((await get("/ogc/collections/parks")).status).toBe(404);
    expect((await get("/ogc/collections/compounds/items/999999")).status).toBe(404);
  });
});
