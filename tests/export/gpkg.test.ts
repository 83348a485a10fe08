import initSqlJs, { type Database as SqlJsDatabase, type SqlValue } from "sql.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Database } from "../../server/db/connect.js";
import { ValidationError } from "../../server/errors.js";
import { writeGeoPackage, type GpkgLayer } from "../../server/export/gpkg.js";
import { openBlankEmbeddedDb, usingServer } from "../helpers/db.js";

// Expected values below are written out by hand or computed by PostGIS from the input GeoJSON;
// the geometry blobs are split by a header parser written here from the spec, not by our encoder.

const SQUARE_WITH_HOLE = [
  [
    [116.4, 39.9],
    [116.41, 39.9],
    [116.41, 39.91],
    [116.4, 39.91],
    [116.4, 39.9],
  ],
  [
    [116.403, 39.903],
    [116.403, 39.906],
    [116.406, 39.906],
    [116.406, 39.903],
    [116.403, 39.903],
  ],
];

/** The layers written by every test: compounds (MULTIPOLYGON), gates (POINT), items (GEOMETRY, with a null). */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the fixture: every geometry type and field type of the GeoPackage test, written out
function createLayers(): GpkgLayer[] {
  return [
    {
      name: "compounds",
      geometryType: "MULTIPOLYGON",
      // No `fields`: column types are inferred from the values.
      features: [
        {
          id: 7,
          // A Polygon in a MULTIPOLYGON layer is written as a one-part MultiPolygon.
          geometry: { type: "Polygon", coordinates: SQUARE_WITH_HOLE },
          properties: { 名称: "电力小区", households: 320, area_m2: 12500, renovated: true, built: new Date("1988-06-01") },
        },
        {
          geometry: {
            type: "MultiPolygon",
            coordinates: [
              [
                [
                  [116.42, 39.92],
                  [116.43, 39.92],
                  [116.43, 39.935],
                  [116.42, 39.92],
                ],
              ],
              [
                [
                  [116.44, 39.925],
                  [116.45, 39.925],
                  [116.45, 39.93],
                  [116.44, 39.93],
                  [116.44, 39.925],
                ],
              ],
            ],
          },
          properties: { 名称: "邮政小区", households: null, area_m2: 8000.25, renovated: false, built: null },
        },
      ],
    },
    {
      name: "出入口",
      geometryType: "POINT",
      features: [
        { geometry: { type: "Point", coordinates: [116.405, 39.9] }, properties: { 名称: "电力小区南门", kind: "main" } },
        { geometry: { type: "Point", coordinates: [116.4251, 39.9201] }, properties: { 名称: "邮政小区东门", kind: "pedestrian" } },
      ],
    },
    {
      name: "renovation_items",
      geometryType: "GEOMETRY",
      fields: [
        { name: "item", type: "TEXT" },
        { name: "cost_yuan", type: "REAL" },
        { name: "done", type: "BOOLEAN" },
        { name: "due", type: "DATE" },
      ],
      features: [
        { geometry: null, properties: { item: "加装电梯（待选址）", cost_yuan: 650000, done: false, due: "2026-03-31" } },
        {
          geometry: {
            type: "LineString",
            coordinates: [
              [116.401, 39.901],
              [116.409, 39.901],
              [116.409, 39.909],
            ],
          },
          properties: { item: "雨污分流管线", cost_yuan: "182000.50", done: true, due: null },
        },
        {
          geometry: {
            type: "MultiPoint",
            coordinates: [
              [116.402, 39.902],
              [116.404, 39.908],
            ],
          },
          properties: { item: "路灯", cost_yuan: 24000, done: false, due: null },
        },
        {
          geometry: {
            type: "MultiLineString",
            coordinates: [
              [
                [116.421, 39.921],
                [116.429, 39.921],
              ],
              [
                [116.441, 39.926],
                [116.449, 39.929],
              ],
            ],
          },
          properties: { item: "消防通道划线", cost_yuan: null, done: null, due: null },
        },
        {
          geometry: {
            type: "GeometryCollection",
            geometries: [
              { type: "Point", coordinates: [116.4455, 39.9275] },
              {
                type: "Polygon",
                coordinates: [
                  [
                    [116.446, 39.926],
                    [116.448, 39.926],
                    [116.448, 39.928],
                    [116.446, 39.926],
                  ],
                ],
              },
            ],
          },
          properties: { item: "口袋公园", cost_yuan: 90000, done: false, due: "2025-12-01", ignored: "not a column" },
        },
      ],
    },
  ];
}

type Row = Record<string, SqlValue>;

function query(db: SqlJsDatabase, sql: string, params: SqlValue[] = []): Row[] {
  const stmt = db.prepare(sql);
  stmt.bind(params);
  const rows: Row[] = [];
  while (stmt.step()) rows.push(stmt.getAsObject() as Row);
  stmt.free();
  return rows;
}

/** Split a GeoPackage geometry blob (spec §2.1.3) into its header fields and the WKB that follows. */
function splitGpkgBlob(blob: Uint8Array) {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const flags = blob[3];
  const littleEndian = (flags & 1) === 1;
  const envelopeKind = (flags >> 1) & 0b111;
  const envelopeDoubles = [0, 4, 6, 6, 8][envelopeKind];
  const envelope = Array.from({ length: envelopeDoubles }, (_, i) => view.getFloat64(8 + 8 * i, littleEndian));
  return {
    magic: String.fromCharCode(blob[0], blob[1]),
    version: blob[2],
    littleEndian,
    envelopeKind,
    empty: (flags >> 4) & 1,
    srsId: view.getInt32(4, littleEndian),
    envelope,
    wkb: blob.subarray(8 + 8 * envelopeDoubles),
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: cases reading one GeoPackage written in beforeAll
describe("writeGeoPackage", () => {
  let bytes: Uint8Array;
  let gpkg: SqlJsDatabase;
  let pg: Database;

  beforeAll(async () => {
    bytes = await writeGeoPackage(createLayers());
    const SQL = await initSqlJs();
    gpkg = new SQL.Database(bytes);
    // Embedded PostGIS takes ~15 s to start; against a server, the test database already has it.
    pg = usingServer ? await connect({ databaseUrl: process.env.DATABASE_URL }) : await openBlankEmbeddedDb();
    await pg.knex.raw("CREATE EXTENSION IF NOT EXISTS postgis");
  }, 120_000);

  afterAll(async () => {
    gpkg?.close();
    await pg?.close();
  });

  it("is an SQLite file marked as GeoPackage 1.3", () => {
    expect(new TextDecoder().decode(bytes.subarray(0, 15))).toBe("SQLite format 3");
    expect(query(gpkg, "PRAGMA application_id")[0].application_id).toBe(0x47504b47);
    expect(query(gpkg, "PRAGMA user_version")[0].user_version).toBe(10300);
    expect(query(gpkg, "PRAGMA integrity_check")[0].integrity_check).toBe("ok");
  });

  it("has the three required gpkg_spatial_ref_sys rows", () => {
    const rows = query(gpkg, "SELECT srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys ORDER BY srs_id");
    expect(rows.map((r) => [r.srs_id, r.organization, r.organization_coordsys_id])).toEqual([
      [-1, "NONE", -1],
      [0, "NONE", 0],
      [4326, "EPSG", 4326],
    ]);
    expect(rows[0].definition).toBe("undefined");
    expect(rows[1].definition).toBe("undefined");
    expect(rows[2].definition).toMatch(/^GEOGCS\["WGS 84".*AUTHORITY\["EPSG","4326"\]\]$/);
  });

  it("lists every layer in gpkg_contents, gpkg_geometry_columns and gpkg_ogr_contents", () => {
    const contents = query(gpkg, "SELECT table_name, data_type, identifier, srs_id, last_change FROM gpkg_contents ORDER BY table_name");
    expect(contents.map(({ last_change: _, ...r }) => r)).toEqual([
      { table_name: "compounds", data_type: "features", identifier: "compounds", srs_id: 4326 },
      { table_name: "renovation_items", data_type: "features", identifier: "renovation_items", srs_id: 4326 },
      { table_name: "出入口", data_type: "features", identifier: "出入口", srs_id: 4326 },
    ]);
    for (const r of contents) expect(r.last_change).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    expect(query(gpkg, "SELECT * FROM gpkg_geometry_columns ORDER BY table_name")).toEqual([
      { table_name: "compounds", column_name: "geom", geometry_type_name: "MULTIPOLYGON", srs_id: 4326, z: 0, m: 0 },
      { table_name: "renovation_items", column_name: "geom", geometry_type_name: "GEOMETRY", srs_id: 4326, z: 0, m: 0 },
      { table_name: "出入口", column_name: "geom", geometry_type_name: "POINT", srs_id: 4326, z: 0, m: 0 },
    ]);
    expect(query(gpkg, "SELECT * FROM gpkg_ogr_contents ORDER BY table_name")).toEqual([
      { table_name: "compounds", feature_count: 2 },
      { table_name: "renovation_items", feature_count: 5 },
      { table_name: "出入口", feature_count: 2 },
    ]);
  });

  it("gives each layer's bounds in gpkg_contents as PostGIS computes them from the input", async () => {
    for (const layer of createLayers()) {
      const geojson = layer.features.filter((f) => f.geometry).map((f) => JSON.stringify(f.geometry));
      const { rows } = await pg.knex.raw(
        `SELECT ST_XMin(e) AS min_x, ST_YMin(e) AS min_y, ST_XMax(e) AS max_x, ST_YMax(e) AS max_y
           FROM (SELECT ST_Extent(ST_GeomFromGeoJSON(g))::box3d AS e FROM unnest(?::text[]) AS g) AS x`,
        [geojson],
      );
      const [bounds] = query(gpkg, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", [layer.name]);
      expect(bounds, layer.name).toEqual(rows[0]);
    }
  });

  it("creates feature tables with fid, geom and the property columns, names as given", () => {
    const columns = (table: string) =>
      query(gpkg, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, [table]).map((c) => `${c.name} ${c.type}${c.pk ? " pk" : ""}`);
    expect(columns("compounds")).toEqual([
      "fid INTEGER pk",
      "geom MULTIPOLYGON",
      "名称 TEXT",
      "households INTEGER",
      "area_m2 REAL",
      "renovated BOOLEAN",
      "built DATE",
    ]);
    expect(columns("出入口")).toEqual(["fid INTEGER pk", "geom POINT", "名称 TEXT", "kind TEXT"]);
    expect(columns("renovation_items")).toEqual(["fid INTEGER pk", "geom GEOMETRY", "item TEXT", "cost_yuan REAL", "done BOOLEAN", "due DATE"]);
    const compoundsSql = query(gpkg, "SELECT sql FROM sqlite_master WHERE name = 'compounds'")[0].sql as string;
    expect(compoundsSql).toContain("fid INTEGER PRIMARY KEY AUTOINCREMENT");
  });

  it("stores property values, CJK text intact, with fids as given or assigned", () => {
    expect(query(gpkg, `SELECT fid, "名称", households, area_m2, renovated, built FROM compounds ORDER BY fid`)).toEqual([
      { fid: 7, 名称: "电力小区", households: 320, area_m2: 12500, renovated: 1, built: "1988-06-01" },
      { fid: 8, 名称: "邮政小区", households: null, area_m2: 8000.25, renovated: 0, built: null },
    ]);
    expect(query(gpkg, `SELECT fid, "名称", kind FROM "出入口" ORDER BY fid`)).toEqual([
      { fid: 1, 名称: "电力小区南门", kind: "main" },
      { fid: 2, 名称: "邮政小区东门", kind: "pedestrian" },
    ]);
    expect(query(gpkg, "SELECT fid, geom IS NULL AS no_geom, item, cost_yuan, done, due FROM renovation_items ORDER BY fid")).toEqual([
      { fid: 1, no_geom: 1, item: "加装电梯（待选址）", cost_yuan: 650000, done: 0, due: "2026-03-31" },
      { fid: 2, no_geom: 0, item: "雨污分流管线", cost_yuan: 182000.5, done: 1, due: null },
      { fid: 3, no_geom: 0, item: "路灯", cost_yuan: 24000, done: 0, due: null },
      { fid: 4, no_geom: 0, item: "消防通道划线", cost_yuan: null, done: null, due: null },
      { fid: 5, no_geom: 0, item: "口袋公园", cost_yuan: 90000, done: 0, due: "2025-12-01" },
    ]);
    // The bytes themselves are UTF-8 (SQLite's default text encoding), not UTF-16 or escapes.
    expect(query(gpkg, "PRAGMA encoding")[0].encoding).toBe("UTF-8");
    expect(query(gpkg, `SELECT hex("名称") AS h FROM compounds WHERE fid = 7`)[0].h).toBe(Buffer.from("电力小区").toString("hex").toUpperCase());
  });

  it("writes geometry blobs whose header is right and whose WKB PostGIS reads as the input geometry", async () => {
    let checked = 0;
    for (const layer of createLayers()) {
      const rows = query(gpkg, `SELECT fid, geom FROM "${layer.name}" ORDER BY fid`);
      expect(rows).toHaveLength(layer.features.length);
      for (const [i, feature] of layer.features.entries()) {
        const at = `${layer.name} feature ${i}`;
        const blob = rows[i].geom;
        if (feature.geometry === null) {
          expect(blob, at).toBeNull();
          continue;
        }
        expect(blob, at).toBeInstanceOf(Uint8Array);
        const header = splitGpkgBlob(blob as Uint8Array);
        expect({ ...header, envelope: undefined, wkb: undefined }, at).toEqual({
          magic: "GP",
          version: 0,
          littleEndian: true,
          envelopeKind: 1,
          empty: 0,
          srsId: 4326,
          envelope: undefined,
          wkb: undefined,
        });
        expect(header.wkb[0], `${at}: WKB byte order`).toBe(1);

        const {
          rows: [pgRow],
        } = await pg.knex.raw(
          `SELECT ST_Equals(w, j) AS equals,
                  ST_OrderingEquals(w, CASE WHEN ? THEN ST_Multi(j) ELSE j END) AS same_vertices,
                  GeometryType(w) AS type,
                  ST_XMin(w) AS min_x, ST_XMax(w) AS max_x, ST_YMin(w) AS min_y, ST_YMax(w) AS max_y
             FROM (SELECT ST_GeomFromWKB(decode(?, 'hex'), ?) AS w, ST_GeomFromGeoJSON(?) AS j) AS g`,
          [layer.geometryType === "MULTIPOLYGON", hex(header.wkb), header.srsId, JSON.stringify(feature.geometry)],
        );
        expect(pgRow.equals, at).toBe(true);
        expect(pgRow.same_vertices, at).toBe(true);
        expect(pgRow.type, at).toBe(layer.geometryType === "GEOMETRY" ? feature.geometry.type.toUpperCase() : layer.geometryType);
        expect(header.envelope, `${at}: envelope [minx, maxx, miny, maxy]`).toEqual([pgRow.min_x, pgRow.max_x, pgRow.min_y, pgRow.max_y]);
        checked++;
      }
    }
    expect(checked).toBe(8);
  });
});

describe("writeGeoPackage input errors name the offending field", () => {
  const point = { type: "Point" as const, coordinates: [116.4, 39.9] };

  async function rejection(layers: GpkgLayer[]): Promise<ValidationError> {
    const error = await writeGeoPackage(layers).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }

  it("a geometry of the wrong type for its layer", async () => {
    const error = await rejection([
      {
        name: "gates",
        geometryType: "POINT",
        features: [
          { geometry: point, properties: {} },
          {
            geometry: {
              type: "LineString",
              coordinates: [
                [0, 0],
                [1, 1],
              ],
            },
            properties: {},
          },
        ],
      },
    ]);
    expect(error.errors).toEqual([{ name: "layers[0].features[1].geometry.type", reason: expect.stringContaining("LineString") }]);
  });

  it("a coordinate that is not a finite number", async () => {
    const error = await rejection([
      {
        name: "a",
        geometryType: "POLYGON",
        features: [
          {
            geometry: {
              type: "Polygon",
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, Number.NaN],
                  [0, 0],
                ],
              ],
            },
            properties: {},
          },
        ],
      },
    ]);
    expect(error.errors[0].name).toBe("layers[0].features[0].geometry.coordinates[0][2]");
  });

  it("a value that does not fit its column", async () => {
    const error = await rejection([
      {
        name: "a",
        geometryType: "POINT",
        fields: [{ name: "户数", type: "INTEGER" }],
        features: [
          { geometry: point, properties: { 户数: 3 } },
          { geometry: point, properties: { 户数: "many" } },
        ],
      },
    ]);
    expect(error.errors).toEqual([{ name: 'layers[0].features[1].properties["户数"]', reason: expect.stringContaining('"many"') }]);
  });

  it("reserved or repeated names", async () => {
    expect((await rejection([{ name: "gpkg_things", geometryType: "POINT", features: [] }])).errors[0].name).toBe("layers[0].name");
    expect(
      (
        await rejection([
          { name: "Gates", geometryType: "POINT", features: [] },
          { name: "gates", geometryType: "POINT", features: [] },
        ])
      ).errors[0].name,
    ).toBe("layers[1].name");
    expect((await rejection([{ name: "a", geometryType: "POINT", fields: [{ name: "FID", type: "INTEGER" }], features: [] }])).errors[0].name).toBe(
      "layers[0].fields[0].name",
    );
    expect(
      (
        await rejection([
          {
            name: "a",
            geometryType: "POINT",
            features: [
              { id: 1, geometry: point, properties: {} },
              { id: 1, geometry: point, properties: {} },
            ],
          },
        ])
      ).errors[0].name,
    ).toBe("layers[0].features[1].id");
  });
});
