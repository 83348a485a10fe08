import request from "supertest";
import { describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/problem.js";
import { readCityFile, setUpTestApp } from "../helpers/db.js";
import { polygonIntersectsBBox, type BBox } from "../helpers/geometry.js";

// The plain map layers (the offline basemap and the compound context): each endpoint serves one
// table as a FeatureCollection, optionally cut to a bbox, checked against the committed files.

const city = setUpTestApp();
const meta = readCityFile<{ bbox: BBox }>("meta.json");

type Feature = { type?: string; id?: number; geometry: { type: string; coordinates: any }; properties: Record<string, any> };

/** Whether a geometry of any type the layers hold shares a point with the closed box. */
function intersectsBBox(geometry: Feature["geometry"], box: BBox): boolean {
  const [x0, y0, x1, y1] = box;
  switch (geometry.type) {
    case "Point": {
      const [x, y] = geometry.coordinates;
      return x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }
    case "LineString":
    case "MultiLineString": {
      // A line as a zero-area ring walked there and back: its segments are the line's, and no
      // point lies strictly inside it, so the polygon test reduces to the line test.
      const lines: number[][][] = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
      return lines.some((line) => polygonIntersectsBBox({ type: "Polygon", coordinates: [[...line, ...line.slice(0, -1).reverse()]] }, box));
    }
    case "Polygon":
    case "MultiPolygon":
      return polygonIntersectsBBox(geometry, box);
    default:
      throw new Error(`unexpected geometry type ${geometry.type}`);
  }
}

const byId = (a: number, b: number) => a - b;

/** The ids of the features {@link intersectsBBox} puts in the box, in id order. */
const idsInBox = (features: Feature[], box: BBox) =>
  features
    .filter((f) => intersectsBBox(f.geometry, box))
    .map((f) => f.properties.id)
    .sort(byId);

/** `GET /api/<layer>?bbox=` answers exactly the features `expected`, in that order. */
async function expectBboxAnswer(layer: string, box: BBox, expected: number[]) {
  const res = await request(city.app)
    .get(`/api/${layer}?bbox=${box.join(",")}`)
    .expect(200);
  expect(res.body.numberReturned).toBe(expected.length);
  expect(res.body.features.map((f: Feature) => f.id)).toEqual(expected);
}

/** A box holding more than ten of the layer's features but not all: the bbox query answers exactly those. */
async function expectBboxPicksSome(layer: string, source: Feature[], box: BBox) {
  const expected = idsInBox(source, box);
  expect(expected.length).toBeGreaterThan(10);
  expect(expected.length).toBeLessThan(source.length);
  await expectBboxAnswer(layer, box, expected);
}

/** How many features have each value of property `key`. */
const countBy = (features: Feature[], key: string) =>
  features.reduce<Record<string, number>>((m, f) => {
    m[f.properties[key]] = (m[f.properties[key]] ?? 0) + 1;
    return m;
  }, {});

const LAYERS = [
  { name: "streets", file: "streets.geojson", geometry: ["LineString", "MultiLineString"], keys: ["id", "name", "class", "bridge"] },
  { name: "water", file: "water.geojson", geometry: ["Polygon", "MultiPolygon"], keys: ["id", "name", "kind"] },
  {
    name: "buildings",
    file: "buildings.geojson",
    geometry: ["Polygon", "MultiPolygon"],
    keys: ["id", "compoundId", "name", "floors", "units", "hasElevator", "households", "buildYear"],
  },
  // The demo city's gates are surveyed ones: source manual (the loader's default for a file without it).
  { name: "gates", file: "gates.geojson", geometry: ["Point"], keys: ["id", "compoundId", "name", "kind", "source"], defaults: { source: "manual" } },
  { name: "subdistricts", file: "subdistricts.geojson", geometry: ["Polygon", "MultiPolygon"], keys: ["id", "name", "code"] },
  { name: "communities", file: "communities.geojson", geometry: ["Polygon", "MultiPolygon"], keys: ["id", "name", "subdistrictId"] },
] as const;

describe.each(LAYERS.map((l) => [l.name, l] as const))("GET /api/%s", (name, layer) => {
  const { file, geometry, keys } = layer;
  const defaults: Record<string, unknown> = "defaults" in layer ? layer.defaults : {};
  const source = readCityFile<{ features: Feature[] }>(file).features;

  it("returns every feature of the committed file, ordered by id, with its properties", async () => {
    const res = await request(city.app).get(`/api/${name}`).expect(200);
    expect(res.headers["content-type"]).toMatch(/geo\+json/);
    expect(res.body.type).toBe("FeatureCollection");
    expect(source.length).toBeGreaterThan(0);
    expect(res.body.numberReturned).toBe(source.length);
    expect(res.body.features.length).toBe(source.length);
    const ids = res.body.features.map((f: Feature) => f.id);
    expect(ids).toEqual(source.map((f) => f.properties.id).sort(byId));
    const sourceById = new Map(source.map((f) => [f.properties.id, f]));
    for (const f of res.body.features as Feature[]) {
      expect(f.type).toBe("Feature");
      expect(geometry as readonly string[]).toContain(f.geometry.type);
      expect(Object.keys(f.properties).sort()).toEqual([...keys].sort());
      const expected = sourceById.get(f.id!)!;
      for (const key of keys) expect(f.properties[key], `${name} ${f.id} ${key}`).toEqual(expected.properties[key] ?? defaults[key] ?? null);
    }
  });

  it("answers a bbox query with the features an independent intersection test finds", async () => {
    const [x0, y0, x1, y1] = meta.bbox;
    const box: BBox = [x0 + (x1 - x0) * 0.3, y0 + (y1 - y0) * 0.25, x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.55];
    const expected = idsInBox(source, box);
    expect(expected.length).toBeGreaterThan(0);
    await expectBboxAnswer(name, box, expected);
    // A box far from the city holds nothing.
    const empty = await request(city.app).get(`/api/${name}?bbox=10,10,10.01,10.01`).expect(200);
    expect(empty.body.numberReturned).toBe(0);
    expect(empty.body.features).toEqual([]);
  });

  it.each([
    ["bbox=abc", "bbox"],
    ["bbox=1,2,3", "bbox"],
    ["bbox=114.7,33.6,114.6,33.7", "bbox"],
    ["bbox=200,0,201,1", "bbox"],
    ["limit=10", "limit"],
    ["box=114.6,33.6,114.7,33.7", "box"],
  ])("rejects %s with a 400 naming %s", async (query, field) => {
    expectProblem(await request(city.app).get(`/api/${name}?${query}`), 400, field);
  });
});

describe("map layers: domain checks", () => {
  it("buildings carry compound, floors, units and elevator like the source, and a bbox picks the right ones", async () => {
    const source = readCityFile<{ features: Feature[] }>("buildings.geojson").features;
    const res = await request(city.app).get("/api/buildings").expect(200);
    const features: Feature[] = res.body.features;
    const compoundIds = new Set(readCityFile("compounds.geojson").features.map((f) => f.properties.id));
    const inCompound = features.filter((f) => f.properties.compoundId !== null);
    expect(inCompound.length).toBe(source.filter((f) => f.properties.compoundId != null).length);
    for (const f of inCompound) expect(compoundIds.has(f.properties.compoundId)).toBe(true);
    for (const f of features) {
      expect(Number.isInteger(f.properties.floors)).toBe(true);
      expect(f.properties.floors).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(f.properties.units)).toBe(true);
      expect(typeof f.properties.hasElevator).toBe("boolean");
    }
    expect(features.filter((f) => f.properties.hasElevator).length).toBe(source.filter((f) => f.properties.hasElevator).length);
    // A second box, in the other corner of the city, for the polygon intersection.
    const [x0, y0, x1, y1] = meta.bbox;
    const box: BBox = [x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.05, x0 + (x1 - x0) * 0.95, y0 + (y1 - y0) * 0.4];
    await expectBboxPicksSome("buildings", source, box);
  });

  it("gates are points belonging to compounds, of a known kind; a bbox holds the points inside it", async () => {
    const source = readCityFile<{ features: Feature[] }>("gates.geojson").features;
    const res = await request(city.app).get("/api/gates").expect(200);
    const features: Feature[] = res.body.features;
    const compoundIds = new Set(readCityFile("compounds.geojson").features.map((f) => f.properties.id));
    for (const f of features) {
      expect(f.geometry.type).toBe("Point");
      expect(compoundIds.has(f.properties.compoundId)).toBe(true);
      expect(["main", "vehicle", "pedestrian"]).toContain(f.properties.kind);
    }
    expect(countBy(features, "kind")).toEqual(countBy(source, "kind"));
    const [x0, y0, x1, y1] = meta.bbox;
    const box: BBox = [x0, y0, (x0 + x1) / 2, (y0 + y1) / 2];
    await expectBboxPicksSome("gates", source, box);
  });

  it("streets carry their class and bridge flag; the river is crossed by bridges", async () => {
    const source = readCityFile<{ features: Feature[] }>("streets.geojson").features;
    const res = await request(city.app).get("/api/streets").expect(200);
    const features: Feature[] = res.body.features;
    expect(countBy(features, "class")).toEqual(countBy(source, "class"));
    for (const f of features) expect(typeof f.properties.bridge).toBe("boolean");
    const bridges = features.filter((f) => f.properties.bridge);
    expect(bridges.length).toBe(source.filter((f) => f.properties.bridge).length);
    expect(bridges.length).toBeGreaterThanOrEqual(3);
    // Each bridge touches the river polygon (a bbox query around the bridge finds the water).
    for (const b of bridges) {
      const xs = b.geometry.coordinates.map((c: number[]) => c[0]);
      const ys = b.geometry.coordinates.map((c: number[]) => c[1]);
      const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].join(",");
      const water = await request(city.app).get(`/api/water?bbox=${box}`).expect(200);
      expect(water.body.numberReturned, `water near bridge ${b.id}`).toBeGreaterThan(0);
    }
  });

  it("communities belong to the subdistricts served", async () => {
    const subdistricts = (await request(city.app).get("/api/subdistricts").expect(200)).body.features as Feature[];
    const communities = (await request(city.app).get("/api/communities").expect(200)).body.features as Feature[];
    const sdIds = new Set(subdistricts.map((f) => f.id));
    for (const c of communities) expect(sdIds.has(c.properties.subdistrictId)).toBe(true);
    for (const s of subdistricts) expect(communities.some((c) => c.properties.subdistrictId === s.id)).toBe(true);
  });
});

describe("GET /api/items (completed renovation items on the map, public)", () => {
  const items = readCityFile<{ features: Feature[] }>("renovation-items.geojson");
  it("serves exactly the completed items that have a geometry, as in the committed file", async () => {
    const res = await request(city.app).get("/api/items").expect(200);
    const expected = items.features.filter((f) => f.geometry && f.properties.status === "completed");
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.features).toHaveLength(expected.length);
    const kinds = (fs: Feature[]) => fs.map((f) => f.properties.kind).sort();
    expect(kinds(res.body.features)).toEqual(kinds(expected));
    for (const f of res.body.features) {
      expect(f.properties).not.toHaveProperty("version");
      expect(typeof f.properties.nameZh).toBe("string");
    }
  });
  it("cuts to a bbox and rejects unknown parameters", async () => {
    const [x0, y0] = meta.bbox;
    const box: BBox = [x0, y0, x0 + 0.01, y0 + 0.01];
    const res = await request(city.app)
      .get(`/api/items?bbox=${box.join(",")}`)
      .expect(200);
    for (const f of res.body.features) expect(intersectsBBox(f.geometry, box)).toBe(true);
    expectProblem(await request(city.app).get("/api/items?status=planned"), 400, "status");
  });
});
