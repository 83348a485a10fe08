import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { TILE_BUFFER, TILE_EXTENT } from "../../server/db/tiles.js";
import { createApp } from "../../server/app.js";
import { loadConfig, type MapTiles } from "../../server/config.js";
import { DISTRICT_COMPOUNDS, TILE_LAYER_NAMES, vectorTile, type TileLayer } from "../../server/services/tiles.js";
import { readCityFile, setUpTestApp } from "../helpers/db.js";
import { binary } from "../helpers/http.js";
import { expectProblem } from "../helpers/problem.js";

// Vector tiles of the map's layers. The features a tile holds are checked against PostGIS itself
// (every row meeting the tile and its buffer, ST_TileEnvelope); on the PostgreSQL server the two
// ways of cutting a tile (ST_AsMVT, and geojson-vt + vt-pbf as on the embedded database) are
// decoded and must hold the same features with the same properties.

const city = setUpTestApp();
const meta = readCityFile<{ bbox: [number, number, number, number] }>("meta.json");

/** The tile at zoom z holding the point (Web Mercator tiling). */
function tileAt(z: number, lon: number, lat: number): [number, number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [z, Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}
const centre: [number, number] = [(meta.bbox[0] + meta.bbox[2]) / 2, (meta.bbox[1] + meta.bbox[3]) / 2];

/** A decoded tile: each layer's features as id → properties. */
function decode(buf: Buffer): Map<string, Map<number, Record<string, unknown>>> {
  const tile = new VectorTile(new PbfReader(buf));
  const out = new Map<string, Map<number, Record<string, unknown>>>();
  for (const [name, layer] of Object.entries(tile.layers)) {
    expect(layer.extent).toBe(TILE_EXTENT);
    const features = new Map<number, Record<string, unknown>>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.set(Number(f.id), f.properties);
    }
    out.set(name, features);
  }
  return out;
}

/** The rows PostGIS finds meeting the tile and its buffer. */
async function idsInTile(layer: TileLayer, [z, x, y]: [number, number, number]): Promise<number[]> {
  const table = { compounds: "compounds", amenities: "amenities", items: "renovation_items" }[layer as string] ?? layer;
  const extra = layer === "items" ? "AND t.geom IS NOT NULL AND t.status = 'completed'" : "";
  const { rows } = await city.db.knex.raw(
    `SELECT t.id FROM ${table} t WHERE ST_Intersects(t.geom, ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?), 4326)) ${extra} ORDER BY t.id`,
    [z, x, y, TILE_BUFFER / TILE_EXTENT],
  );
  return rows.map((r: { id: number | string }) => Number(r.id));
}

describe("vector tiles", () => {
  it("hold every feature PostGIS finds in the tile, with its published properties", async () => {
    for (const z of [14, 16]) {
      const t = tileAt(z, ...centre);
      for (const layer of ["compounds", "buildings", "gates", "amenities", "streets", "subdistricts"] as const) {
        const res = await request(city.app)
          .get(`/api/tiles/${layer}/${t.join("/")}.mvt`)
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect(res.headers["content-type"]).toMatch(/application\/vnd\.mapbox-vector-tile/);
        const features = decode(res.body).get(layer) ?? new Map();
        const expected = await idsInTile(layer, t);
        // At district zoom every layer has something in the middle tile (the check is not empty).
        if (z === 14) expect(expected.length, `${layer} at ${t.join("/")}`).toBeGreaterThan(0);
        expect(
          [...features.keys()].sort((a, b) => a - b),
          `${layer} at ${t.join("/")}`,
        ).toEqual(expected);
      }
    }
    // A compound's properties are its row's.
    const t = tileAt(16, ...centre);
    const res = await request(city.app)
      .get(`/api/tiles/compounds/${t.join("/")}.mvt`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const [id, props] = [...decode(res.body).get("compounds")!][0];
    const row = await city.db.knex("compounds").where({ id }).first("name", "status", "households", "plan_year", "tier");
    expect(props).toMatchObject({ id, name: row.name, status: row.status, households: row.households });
    if (row.plan_year !== null) expect(props.planYear).toBe(row.plan_year);
  });

  it("carry an ETag (If-None-Match answers 304) and come compressed", async () => {
    const url = `/api/tiles/buildings/${tileAt(15, ...centre).join("/")}.mvt`;
    const first = await request(city.app).get(url).set("Accept-Encoding", "gzip").buffer(true).parse(binary).expect(200);
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers["content-encoding"]).toBe("gzip");
    await request(city.app).get(url).set("If-None-Match", first.headers.etag).expect(304);
  });

  it("are the same cut either way: ST_AsMVT on the server, geojson-vt + vt-pbf as on the embedded database", async (ctx) => {
    if (city.db.kind !== "server") ctx.skip("ST_AsMVT is on the PostgreSQL server only (the embedded PostGIS has no protobuf); CI's server run compares them");
    for (const z of [14, 17]) {
      const [tz, tx, ty] = tileAt(z, ...centre);
      for (const layer of TILE_LAYER_NAMES) {
        const a = decode(await vectorTile(city.db.knex, "server", layer, tz, tx, ty, { path: "postgis" })).get(layer) ?? new Map();
        const b = decode(await vectorTile(city.db.knex, "server", layer, tz, tx, ty, { path: "geojson-vt" })).get(layer) ?? new Map();
        expect([...b.keys()].sort(), `${layer} ${tz}/${tx}/${ty}`).toEqual([...a.keys()].sort());
        for (const [id, p] of a) expect(b.get(id), `${layer} ${id}`).toEqual(p);
      }
    }
  });

  it("refuse an address they cannot serve, naming the part", async () => {
    const bad = async (path: string, name: string) => {
      const res = await request(city.app).get(`/api/tiles/${path}.mvt`);
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(name);
    };
    await bad("roads/14/0/0", "layer");
    await bad("compounds/23/0/0", "z");
    await bad("compounds/2/4/0", "x");
    await bad("compounds/2/0/-1", "y");
    await bad("compounds/x/0/0", "z");
  });
});

describe("GET /api/config: which layers the map draws from tiles", () => {
  it("none for a city of one district (auto), the base layers when always, none when never; MAP_TILES is checked", async () => {
    const compounds = readCityFile("compounds.geojson").features.length;
    expect(compounds).toBeLessThanOrEqual(DISTRICT_COMPOUNDS);
    const layersUnder = async (mapTiles?: MapTiles) =>
      (
        await request(createApp({ db: city.db, reference: city.reference, clientConfig: { mapTiles } }))
          .get("/api/config")
          .expect(200)
      ).body.tiledLayers;
    expect(await layersUnder()).toEqual([]);
    expect(await layersUnder("auto")).toEqual([]);
    expect(await layersUnder("always")).toEqual(["compounds", "buildings", "streets", "water"]);
    expect(await layersUnder("never")).toEqual([]);
    expect(loadConfig({ MAP_TILES: "always" }).mapTiles).toBe("always");
    expect(loadConfig({}).mapTiles).toBe("auto");
    expect(() => loadConfig({ MAP_TILES: "sometimes" })).toThrow(/MAP_TILES must be one of auto, always, never, got "sometimes"/);
  });
});
