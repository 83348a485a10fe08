import request from "supertest";
import { describe, expect, it } from "vitest";
import { decodeWalkGraph } from "../../web/src/analysis/walk-graph.js";
import { fetchAllFeatures } from "../../web/src/api/client.js";
import { expectProblem } from "../helpers/problem.js";
import { readCityFile, usingServer, setUpTestApp } from "../helpers/db.js";
import { haversineM, polygonIntersectsBBox, type BBox } from "../helpers/geometry.js";
import { binary } from "../helpers/http.js";

const city = setUpTestApp();
const compoundsFile = readCityFile("compounds.geojson");
const meta = readCityFile<{ bbox: BBox; center: [number, number] }>("meta.json");

/** Fetch every page of /api/compounds?query, following `next` cursors. */
async function allPages(query: string, limit = 1000) {
  const features: any[] = [];
  let first: any;
  let url = `/api/compounds?${query}${query ? "&" : ""}limit=${limit}`;
  for (let page = 0; page < 1000; page++) {
    const res = await request(city.app).get(url).expect(200);
    features.push(...res.body.features);
    first ??= res.body;
    if (!res.body.next) return { features, first };
    url = res.body.links.next;
  }
  throw new Error("pagination did not end");
}

describe("GET /api/health", () => {
  it("names the database kind and the PostGIS version", async () => {
    const res = await request(city.app).get("/api/health").expect(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.database).toBe(usingServer ? "server" : "embedded");
    expect(res.body.postgis).toMatch(/^3\.\d+/);
  });
});

describe("GET /api/config", () => {
  it("has no external basemap unless one is configured, and a district-sized city draws no layer from tiles", async () => {
    const res = await request(city.app).get("/api/config").expect(200);
    expect(res.body).toEqual({ basemapStyleUrl: null, tiledLayers: [] });
  });
});

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: the compounds endpoint's parameters on one app
describe("GET /api/compounds", () => {
  it("returns every compound as GeoJSON in EPSG:4326", async () => {
    const { features, first } = await allPages("");
    expect(first.type).toBe("FeatureCollection");
    expect(first.numberMatched).toBe(compoundsFile.features.length);
    expect(features.length).toBe(compoundsFile.features.length);
    expect(features.length).toBeGreaterThanOrEqual(150);
    const f = features[0];
    expect(f.type).toBe("Feature");
    expect(f.geometry.type).toBe("MultiPolygon");
    const [lon, lat] = f.geometry.coordinates[0][0][0];
    expect(lon).toBeGreaterThan(meta.bbox[0] - 0.01);
    expect(lat).toBeGreaterThan(meta.bbox[1] - 0.01);
    for (const key of ["name", "buildYear", "households", "status", "planYear", "tier", "subdistrict", "community", "areaM2"]) {
      expect(f.properties).toHaveProperty(key);
    }
  });

  it("answers a bbox query with the compounds an independent intersection test finds", async () => {
    const [x0, y0, x1, y1] = meta.bbox;
    const boxes: BBox[] = [
      [x0 + (x1 - x0) * 0.2, y0 + (y1 - y0) * 0.3, x0 + (x1 - x0) * 0.55, y0 + (y1 - y0) * 0.6],
      [x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.05, x0 + (x1 - x0) * 0.95, y0 + (y1 - y0) * 0.4],
    ];
    for (const box of boxes) {
      const expected = compoundsFile.features
        .filter((f) => polygonIntersectsBBox(f.geometry, box))
        .map((f) => f.properties.id)
        .sort((a, b) => a - b);
      expect(expected.length).toBeGreaterThan(5);
      expect(expected.length).toBeLessThan(compoundsFile.features.length);
      const res = await request(city.app)
        .get(`/api/compounds?bbox=${box.join(",")}`)
        .expect(200);
      expect(res.body.numberMatched).toBe(expected.length);
      expect(res.body.features.map((f: any) => f.id)).toEqual(expected);
    }
  });

  it("pages with a cursor without repeating or skipping compounds", async () => {
    const { features, first } = await allPages("", 37);
    expect(first.numberReturned).toBe(37);
    expect(first.links.next).toMatch(/cursor=/);
    const ids = features.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(compoundsFile.features.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("filters by status, plan year, tier and subdistrict like the source data", async () => {
    const props = compoundsFile.features.map((f) => f.properties);
    const subdistrict = props[0].subdistrictId;
    const cases: Array<[string, (p: Record<string, any>) => boolean]> = [
      ["status=completed,accepted", (p) => ["completed", "accepted"].includes(p.status)],
      ["plan_year=2019", (p) => p.planYear === 2019],
      ["plan_year=2024,2025&tier=basic", (p) => [2024, 2025].includes(p.planYear) && p.tier === "basic"],
      [`subdistrict=${subdistrict}`, (p) => p.subdistrictId === subdistrict],
      ["status=unlisted", (p) => p.status === "unlisted"],
    ];
    for (const [query, keep] of cases) {
      const expected = props
        .filter(keep)
        .map((p) => p.id)
        .sort((a, b) => a - b);
      expect(expected.length, query).toBeGreaterThan(0);
      const { features } = await allPages(query);
      expect(
        features.map((f) => f.id),
        query,
      ).toEqual(expected);
    }
  });

  it("accepts a subdistrict by name", async () => {
    const subdistricts = readCityFile("subdistricts.geojson").features.map((f) => f.properties);
    const sd = subdistricts[0];
    const expected = compoundsFile.features.filter((f) => f.properties.subdistrictId === sd.id).length;
    const res = await request(city.app)
      .get(`/api/compounds?limit=5000&subdistrict=${encodeURIComponent(sd.name)}`)
      .expect(200);
    expect(res.body.numberMatched).toBe(expected);
    expectProblem(await request(city.app).get(`/api/compounds?subdistrict=${encodeURIComponent("不存在街道")}`), 400, "subdistrict");
  });

  it.each([
    ["bbox=abc", "bbox"],
    ["bbox=1,2,3", "bbox"],
    ["bbox=114.7,33.6,114.6,33.7", "bbox"],
    ["bbox=200,0,201,1", "bbox"],
    ["status=done", "status"],
    ["plan_year=19", "plan_year"],
    ["plan_year=2019,x", "plan_year"],
    ["tier=gold", "tier"],
    ["limit=0", "limit"],
    ["limit=100000", "limit"],
    ["limit=ten", "limit"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["planyear=2019", "planyear"],
  ])("rejects %s with a 400 naming %s", async (query, field) => {
    expectProblem(await request(city.app).get(`/api/compounds?${query}`), 400, field);
  });
});

describe("GET /api/compounds/:id", () => {
  it("returns the compound with its buildings, gates and renovation items", async () => {
    const buildings = readCityFile("buildings.geojson").features;
    const gates = readCityFile("gates.geojson").features;
    const items = readCityFile("renovation-items.geojson").features;
    const withItems = compoundsFile.features.find((f) => items.some((i) => i.properties.compoundId === f.properties.id))!;
    const id = withItems.properties.id;
    const res = await request(city.app).get(`/api/compounds/${id}`).expect(200);
    expect(res.headers["content-type"]).toMatch(/geo\+json/);
    expect(res.body.type).toBe("Feature");
    expect(res.body.properties.name).toBe(withItems.properties.name);
    expect(res.body.buildings.features.map((f: any) => f.id).sort((a: number, b: number) => a - b)).toEqual(
      buildings
        .filter((b) => b.properties.compoundId === id)
        .map((b) => b.properties.id)
        .sort((a, b) => a - b),
    );
    expect(res.body.gates.features.length).toBe(gates.filter((g) => g.properties.compoundId === id).length);
    expect(res.body.gates.features[0].geometry.type).toBe("Point");
    const expectedItems = items.filter((i) => i.properties.compoundId === id);
    expect(res.body.renovationItems.length).toBe(expectedItems.length);
    const cost = (list: Array<{ properties: Record<string, any> }>) => list.reduce((s, i) => s + Number(i.properties.costYuan), 0);
    expect(cost(res.body.renovationItems)).toBeCloseTo(cost(expectedItems), 0);
    expect(res.body.renovationItems[0].properties.nameZh).toBeTruthy();
  });

  it("answers 404 problem+json for a missing compound and 400 for a bad id", async () => {
    expectProblem(await request(city.app).get("/api/compounds/999999"), 404);
    expectProblem(await request(city.app).get("/api/compounds/abc"), 400, "id");
    expectProblem(await request(city.app).get("/api/compounds/-3"), 400, "id");
  });
});

describe("GET /api/amenities", () => {
  const amenities = readCityFile("amenities.geojson").features;

  it("returns amenities with their category, filtered by category and bbox", async () => {
    const all = await request(city.app).get("/api/amenities").expect(200);
    expect(all.body.features.length).toBe(amenities.length);
    const res = await request(city.app).get("/api/amenities?category=kindergarten,nursery").expect(200);
    const expected = amenities.filter((a) => ["kindergarten", "nursery"].includes(a.properties.category));
    expect(res.body.features.length).toBe(expected.length);
    expect(res.body.features[0].properties.circle).toBe("5min");
    expect(res.body.features[0].properties.categoryName).toBeTruthy();
    const [x0, y0, x1, y1] = meta.bbox;
    const box: BBox = [x0, y0, (x0 + x1) / 2, (y0 + y1) / 2];
    const inBox = amenities.filter(
      ({
        geometry: {
          coordinates: [x, y],
        },
      }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3],
    );
    const boxed = await request(city.app)
      .get(`/api/amenities?bbox=${box.join(",")}`)
      .expect(200);
    expect(boxed.body.features.length).toBe(inBox.length);
  });

  it("rejects a category the standards profile does not know", async () => {
    expectProblem(await request(city.app).get("/api/amenities?category=casino"), 400, "category");
    expectProblem(await request(city.app).get("/api/amenities?bbox=x"), 400, "bbox");
  });
});

describe("GET /api/standards and /api/costs", () => {
  it("serve the data files in geodata/", async () => {
    const standards = await request(city.app).get("/api/standards").expect(200);
    expect(standards.body).toEqual(readCityFile("../standards.json"));
    const costs = await request(city.app).get("/api/costs").expect(200);
    expect(costs.body).toEqual(readCityFile("../costs.json"));
  });
});

describe("GET /api/stats/progress", () => {
  it("matches counts, rates, households and investment computed from the source files", async () => {
    const items = readCityFile("renovation-items.geojson").features.map((f) => f.properties);
    const res = await request(city.app).get("/api/stats/progress").expect(200);
    const listed = compoundsFile.features.map((f) => f.properties).filter((p) => p.status !== "unlisted");
    const years = [...new Set(listed.map((p) => p.planYear))].sort();
    expect(res.body.years.map((y: any) => y.planYear)).toEqual(years);
    for (const row of [...res.body.years, res.body.total]) {
      const inYear = listed.filter((p) => row.planYear === null || p.planYear === row.planYear);
      const started = inYear.filter((p) => ["started", "completed", "accepted"].includes(p.status)).length;
      const completed = inYear.filter((p) => ["completed", "accepted"].includes(p.status));
      const ids = new Set(inYear.map((p) => p.id));
      const investment = items.filter((i) => ids.has(i.compoundId) && i.status !== "cancelled").reduce((s, i) => s + i.costYuan, 0) / 10000;
      expect(row.planned).toBe(inYear.length);
      expect(row.started).toBe(started);
      expect(row.completed).toBe(completed.length);
      expect(row.accepted).toBe(inYear.filter((p) => p.status === "accepted").length);
      expect(row.startRate).toBeCloseTo(started / inYear.length, 6);
      expect(row.completionRate).toBeCloseTo(completed.length / inYear.length, 6);
      expect(row.households).toBe(inYear.reduce((s, p) => s + p.households, 0));
      expect(row.householdsBenefited).toBe(completed.reduce((s, p) => s + p.households, 0));
      expect(row.investmentWan).toBeCloseTo(investment, 1);
    }
    const y2019 = res.body.years.find((y: any) => y.planYear === 2019);
    expect(y2019.completionRate).toBeGreaterThan(0.9);
  });
});

describe("GET /api/network/walk", () => {
  const network = readCityFile<{ nodes: number[][]; edges: Array<[number, number, number, string]> }>("walk-network.json");

  it("serves the walk graph in the documented binary form", async () => {
    const res = await request(city.app).get("/api/network/walk").buffer(true).parse(binary).expect(200);
    expect(res.headers["content-type"]).toMatch(/octet-stream/);
    const g = decodeWalkGraph(new Uint8Array(res.body));
    expect(g.nodeCount).toBe(network.nodes.length);
    expect(g.edgeCount).toBe(network.edges.length);
    // Every edge appears twice in the CSR adjacency, once from each end.
    expect(g.adjOffsets[g.nodeCount]).toBe(2 * g.edgeCount);
    const nodeById = new Map(network.nodes.map(([id, lon, lat]) => [id, [lon, lat]]));
    for (let i = 0; i < g.edgeCount; i += Math.max(1, Math.floor(g.edgeCount / 500))) {
      const [id, s, t] = network.edges.find((e) => e[0] === g.edgeIds[i])!;
      expect(g.nodeIds[g.edgeSource[i]]).toBe(s);
      expect(g.nodeIds[g.edgeTarget[i]]).toBe(t);
      const expectedM = haversineM(nodeById.get(s)!, nodeById.get(t)!);
      // Spheroid (PostGIS) and sphere (haversine) agree within 0.5 % on short segments.
      expect(Math.abs(g.edgeLengthM[i] - expectedM), `edge ${id}`).toBeLessThan(0.005 * expectedM + 0.01);
    }
  });

  it("carries an ETag and answers 304 to a matching If-None-Match", async () => {
    const first = await request(city.app).get("/api/network/walk").expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    await request(city.app).get("/api/network/walk").set("If-None-Match", etag).expect(304);
    await request(city.app).get("/api/network/walk").set("If-None-Match", '"stale"').expect(200);
  });

  it("changes its ETag when the network changes", async () => {
    const before = (await request(city.app).get("/api/network/walk").expect(200)).headers.etag;
    const [a] = network.nodes;
    await city.db.knex.raw("INSERT INTO walk_nodes (id, geom) VALUES (999999001, ST_SetSRID(ST_MakePoint(?, ?), 4326))", [a[1] + 0.0003, a[2]]);
    await city.db.knex.raw(
      `INSERT INTO walk_edges (id, source, target, length_m, class, geom)
      SELECT 999999001, ?, 999999001, 28.0, 'footway', ST_MakeLine(x.geom, y.geom)
      FROM walk_nodes x, walk_nodes y WHERE x.id = ? AND y.id = 999999001`,
      [a[0], a[0]],
    );
    try {
      const res = await request(city.app).get("/api/network/walk").set("If-None-Match", before).expect(200);
      expect(res.headers.etag).not.toBe(before);
      expect(res.headers["x-edge-count"]).toBe(String(network.edges.length + 1));
    } finally {
      await city.db.knex.raw("DELETE FROM walk_nodes WHERE id = 999999001");
    }
    const after = await request(city.app).get("/api/network/walk").expect(200);
    expect(after.headers.etag).toBe(before);
  });
});

describe("unknown routes", () => {
  it("answer 404 problem+json under /api", async () => {
    expectProblem(await request(city.app).get("/api/nope"), 404);
  });
});

describe("the web app's paged reads", () => {
  it("load a paged layer whole: fetchAllFeatures follows links.next to the last page", async () => {
    const server = city.app.listen(0, "127.0.0.1");
    try {
      await new Promise((r) => server.once("listening", r));
      const port = (server.address() as { port: number }).port;
      const total = Number((await city.db.knex("compounds").count({ n: "*" }).first())!.n);
      // 40 a page: the demo city takes several pages.
      const all = await fetchAllFeatures<{ features: Array<{ id: number }>; numberReturned: number }>(`http://127.0.0.1:${port}/api/compounds?limit=40`);
      expect(total).toBeGreaterThan(80);
      expect(all.features).toHaveLength(total);
      expect(all.numberReturned).toBe(total);
      expect(new Set(all.features.map((f) => f.id)).size).toBe(total);
    } finally {
      server.close();
    }
  });
});
