// GeoPackage (OGC 12-128r18, version 1.3) writer, for planners who work in QGIS or ArcGIS.
//
// The package is built in memory with sql.js (SQLite compiled to WebAssembly, so nothing native to
// install) and returned as the bytes of a .gpkg file. It holds only what the spec requires for
// vector features, plus GDAL's gpkg_ogr_contents feature counts: no spatial index (the R-tree
// extension needs ST_* functions in the reader's SQLite; QGIS and GDAL build one on demand).
// Coordinates are written as given, in EPSG:4326 `[lon, lat]`.

import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from "sql.js";
import { ValidationError } from "../errors.js";
import { encodeWkb, envelopeOf, GeometryEncodingError, type Envelope, type Geometry } from "./wkb.js";

export type { Geometry } from "./wkb.js";

/** Geometry type of a feature table, as written to `gpkg_geometry_columns.geometry_type_name`. */
export type GpkgGeometryType = "POINT" | "LINESTRING" | "POLYGON" | "MULTIPOLYGON" | "GEOMETRY";

/**
 * Type of a property column. BOOLEAN is stored as 0/1 and DATE as `YYYY-MM-DD` text, as the
 * GeoPackage spec prescribes; GDAL, QGIS and ArcGIS read both back as booleans and dates.
 */
export type GpkgFieldType = "INTEGER" | "REAL" | "TEXT" | "BOOLEAN" | "DATE";

/** One property column of a feature table. */
export interface GpkgField {
  /** Column name, written as given (any Unicode, e.g. `名称`); not `fid` or `geom`. */
  name: string;
  type: GpkgFieldType;
}

/** One feature (row) of a layer. */
export interface GpkgFeature {
  /** Feature id (the `fid` column); when absent SQLite assigns the next one. */
  id?: number;
  /** GeoJSON geometry in EPSG:4326, or `null` for a feature without one. */
  geometry: Geometry | null;
  /** Values by column name; keys without a column are ignored, missing keys are written as NULL. */
  properties: Record<string, unknown>;
}

/** One feature table of the package. */
export interface GpkgLayer {
  /** Table name, also shown as the layer name in QGIS; any Unicode except a `gpkg_`/`sqlite_` prefix. */
  name: string;
  /**
   * Geometry type of every feature. A MULTIPOLYGON layer also takes Polygons (written as
   * one-part MultiPolygons); GEOMETRY takes any type.
   */
  geometryType: GpkgGeometryType;
  features: GpkgFeature[];
  /**
   * Property columns in order. When absent, every property key found in `features` becomes a
   * column (in order of first appearance), typed from its first non-null value: boolean →
   * BOOLEAN, number → INTEGER (REAL if any value of that key is fractional), Date → DATE, anything
   * else → TEXT. A key with only null values becomes TEXT.
   */
  fields?: GpkgField[];
}

/** The GeoPackage application id, 'GPKG' as a big-endian int32 (0x47504B47). */
export const GPKG_APPLICATION_ID = 0x47504b47;
/** `PRAGMA user_version` of a GeoPackage 1.3 file. */
export const GPKG_USER_VERSION = 10300;
/** Every geometry in the package is in WGS84 longitude/latitude. */
export const GPKG_SRS_ID = 4326;

// OGC WKT of EPSG:4326 as given in the GeoPackage spec's own gpkg_spatial_ref_sys example.
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
  'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
  'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';

// Table definitions from the spec's Annex C (table definition SQL), unchanged.
const CORE_SCHEMA = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
-- GDAL's table of feature counts, so ogrinfo/QGIS need not count rows.
CREATE TABLE gpkg_ogr_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  feature_count INTEGER DEFAULT NULL
);
`;

// The three rows every GeoPackage must have (srs_id -1, 0 and 4326).
const REQUIRED_SRS_ROWS: SqlValue[][] = [
  ["Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"],
  ["Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"],
  ["WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"],
];

const SQL_TYPES: Record<GpkgFieldType, string> = {
  INTEGER: "INTEGER",
  REAL: "REAL",
  TEXT: "TEXT",
  BOOLEAN: "BOOLEAN",
  DATE: "DATE",
};

const GEOJSON_TYPES: Record<GpkgGeometryType, ReadonlyArray<Geometry["type"]> | null> = {
  POINT: ["Point"],
  LINESTRING: ["LineString"],
  POLYGON: ["Polygon"],
  MULTIPOLYGON: ["MultiPolygon", "Polygon"],
  GEOMETRY: null,
};

let sqlJs: Promise<SqlJsStatic> | undefined;
/** Load the SQLite WASM module once per process. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/** Quote an SQL identifier ("..." with inner quotes doubled), so any name is safe. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function invalid(name: string, reason: string): ValidationError {
  return new ValidationError([{ name, reason }]);
}

/** GeoPackage binary header + WKB (spec §2.1.3): magic 'GP', version 0, flags, srs_id, envelope. */
export function encodeGpkgGeometry(geometry: Geometry, path = "geometry", srsId = GPKG_SRS_ID): Uint8Array {
  const wkb = encodeWkb(geometry, path);
  const envelope = envelopeOf(geometry);
  // flags: bit 0 byte order (1 = little-endian), bits 1–3 envelope kind (1 = [minx, maxx, miny,
  // maxy], 0 = none), bit 4 empty geometry. An empty geometry has no envelope to give.
  const flags = envelope ? 0b0000_0011 : 0b0001_0001;
  const headerBytes = 8 + (envelope ? 32 : 0);
  const out = new Uint8Array(headerBytes + wkb.length);
  const view = new DataView(out.buffer);
  out[0] = 0x47; // 'G'
  out[1] = 0x50; // 'P'
  out[2] = 0; // version 1 of the binary format is written as 0
  out[3] = flags;
  view.setInt32(4, srsId, true);
  if (envelope) {
    envelope.forEach((v, i) => {
      view.setFloat64(8 + 8 * i, v, true);
    });
  }
  out.set(wkb, headerBytes);
  return out;
}

function inferFields(layer: GpkgLayer): GpkgField[] {
  const firstValues = new Map<string, unknown>();
  const fractional = new Set<string>();
  for (const feature of layer.features) {
    for (const [key, value] of Object.entries(feature.properties ?? {})) {
      if (!firstValues.has(key) || firstValues.get(key) == null) firstValues.set(key, value);
      if (typeof value === "number" && !Number.isInteger(value)) fractional.add(key);
    }
  }
  return [...firstValues].map(([name, value]): GpkgField => {
    if (typeof value === "boolean") return { name, type: "BOOLEAN" };
    if (typeof value === "number" || typeof value === "bigint") return { name, type: fractional.has(name) ? "REAL" : "INTEGER" };
    if (value instanceof Date) return { name, type: "DATE" };
    return { name, type: "TEXT" };
  });
}

/**
 * The calendar date of a Date as `YYYY-MM-DD`. A Date at UTC midnight (how PGlite and
 * `new Date("2024-05-01")` give a date) is read in UTC; any other (node-postgres gives local
 * midnight) in local time, so a date never slips a day in UTC+8.
 */
function dateString(d: Date): string {
  const utcMidnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  const [y, m, day] = utcMidnight ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()] : [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

const NUMERIC_STRING = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Convert one property value to what SQLite stores for a column of `type`. */
function columnValue(value: unknown, type: GpkgFieldType, path: string): SqlValue {
  if (value === null || value === undefined) return null;
  const got = () => (typeof value === "string" ? JSON.stringify(value) : value instanceof Date ? "a Date" : `${typeof value} ${String(value)}`);
  switch (type) {
    case "INTEGER": {
      // node-postgres returns bigint and numeric columns as strings, so digit strings are accepted.
      const n = typeof value === "bigint" ? Number(value) : typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n === "number" && Number.isSafeInteger(n)) return n;
      throw invalid(path, `expected an integer for an INTEGER column, got ${got()}`);
    }
    case "REAL": {
      const n = typeof value === "string" && NUMERIC_STRING.test(value) ? Number(value) : value;
      if (typeof n === "number" && Number.isFinite(n)) return n;
      throw invalid(path, `expected a finite number for a REAL column, got ${got()}`);
    }
    case "BOOLEAN":
      if (typeof value === "boolean") return value ? 1 : 0;
      if (value === 0 || value === 1) return value;
      throw invalid(path, `expected true or false for a BOOLEAN column, got ${got()}`);
    case "DATE":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return dateString(value);
      if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      throw invalid(path, `expected a Date or a "YYYY-MM-DD" string for a DATE column, got ${got()}`);
    case "TEXT":
      if (typeof value === "string") return value;
      if (value instanceof Date) return value.toISOString();
      if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
      return JSON.stringify(value);
  }
}

function checkLayers(layers: GpkgLayer[]): Array<{ layer: GpkgLayer; fields: GpkgField[] }> {
  if (!Array.isArray(layers) || layers.length === 0) throw invalid("layers", "expected at least one layer");
  const tableNames = new Set<string>();
  return layers.map((layer, i) => {
    const at = `layers[${i}]`;
    if (typeof layer.name !== "string" || layer.name.trim() === "") throw invalid(`${at}.name`, "expected a non-empty table name");
    const lower = layer.name.toLowerCase();
    if (lower.startsWith("gpkg_") || lower.startsWith("sqlite_") || lower.startsWith("rtree_")) {
      throw invalid(`${at}.name`, `"${layer.name}": names starting with gpkg_, sqlite_ or rtree_ are reserved`);
    }
    // SQLite table names are case-insensitive (ASCII), so "Gates" and "gates" would collide.
    if (tableNames.has(lower)) throw invalid(`${at}.name`, `"${layer.name}" is used by another layer`);
    tableNames.add(lower);
    if (!Object.hasOwn(GEOJSON_TYPES, layer.geometryType)) {
      throw invalid(`${at}.geometryType`, `expected one of ${Object.keys(GEOJSON_TYPES).join(", ")}, got ${JSON.stringify(layer.geometryType)}`);
    }
    if (!Array.isArray(layer.features)) throw invalid(`${at}.features`, "expected an array of features");

    const fields = layer.fields ?? inferFields(layer);
    const columnNames = new Set(["fid", "geom"]);
    fields.forEach((field, j) => {
      const fieldAt = layer.fields ? `${at}.fields[${j}]` : `${at}.features[].properties`;
      if (typeof field.name !== "string" || field.name === "") throw invalid(`${fieldAt}.name`, "expected a non-empty column name");
      if (columnNames.has(field.name.toLowerCase())) {
        throw invalid(
          `${fieldAt}.name`,
          `"${field.name}" is ${["fid", "geom"].includes(field.name.toLowerCase()) ? "reserved for the feature id or geometry" : "used by another column"}`,
        );
      }
      columnNames.add(field.name.toLowerCase());
      if (!Object.hasOwn(SQL_TYPES, field.type)) {
        throw invalid(`${fieldAt}.type`, `expected one of ${Object.keys(SQL_TYPES).join(", ")}, got ${JSON.stringify(field.type)}`);
      }
    });
    return { layer, fields };
  });
}

function writeLayer(db: Database, layer: GpkgLayer, fields: GpkgField[], at: string, lastChange: string): void {
  const table = ident(layer.name);
  // The geometry column is declared with the geometry type name (as the spec requires); the value
  // is a BLOB whatever the declared type.
  const columns = [
    "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
    `geom ${layer.geometryType}`,
    ...fields.map((f) => `${ident(f.name)} ${SQL_TYPES[f.type]}`),
  ];
  db.run(`CREATE TABLE ${table} (${columns.join(", ")})`);

  const allowed = GEOJSON_TYPES[layer.geometryType];
  const insert = db.prepare(`INSERT INTO ${table} (fid, geom${fields.map((f) => `, ${ident(f.name)}`).join("")}) VALUES (?, ?${", ?".repeat(fields.length)})`);
  const ids = new Set<number>();
  let bounds: Envelope | null = null;
  try {
    layer.features.forEach((feature, j) => {
      const featureAt = `${at}.features[${j}]`;
      if (feature.id !== undefined && feature.id !== null) {
        if (!Number.isSafeInteger(feature.id)) throw invalid(`${featureAt}.id`, `expected an integer, got ${String(feature.id)}`);
        if (ids.has(feature.id)) throw invalid(`${featureAt}.id`, `${feature.id} is used by another feature of this layer`);
        ids.add(feature.id);
      }
      let geometry = feature.geometry ?? null;
      let blob: Uint8Array | null = null;
      if (geometry) {
        if (allowed && !allowed.includes(geometry.type)) {
          throw invalid(`${featureAt}.geometry.type`, `a ${layer.geometryType} layer cannot hold a ${String(geometry.type)}`);
        }
        if (layer.geometryType === "MULTIPOLYGON" && geometry.type === "Polygon") {
          geometry = { type: "MultiPolygon", coordinates: [geometry.coordinates] };
        }
        try {
          blob = encodeGpkgGeometry(geometry, `${featureAt}.geometry`);
        } catch (e) {
          if (e instanceof GeometryEncodingError) throw invalid(e.path, e.reason);
          throw e;
        }
        const env = envelopeOf(geometry);
        if (env) {
          bounds = bounds ? [Math.min(bounds[0], env[0]), Math.max(bounds[1], env[1]), Math.min(bounds[2], env[2]), Math.max(bounds[3], env[3])] : env;
        }
      }
      const properties = feature.properties ?? {};
      insert.run([
        feature.id ?? null,
        blob,
        ...fields.map((f) => columnValue(properties[f.name], f.type, `${featureAt}.properties[${JSON.stringify(f.name)}]`)),
      ]);
    });
  } finally {
    insert.free();
  }

  const b = bounds as Envelope | null;
  db.run(
    `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
     VALUES (?, 'features', ?, '', ?, ?, ?, ?, ?, ?)`,
    [layer.name, layer.name, lastChange, b ? b[0] : null, b ? b[2] : null, b ? b[1] : null, b ? b[3] : null, GPKG_SRS_ID],
  );
  db.run("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, 'geom', ?, ?, 0, 0)", [
    layer.name,
    layer.geometryType,
    GPKG_SRS_ID,
  ]);
  db.run("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)", [layer.name, layer.features.length]);
  // The triggers GDAL itself adds, so the counts stay right when the file is edited in QGIS.
  const quotedName = `'${layer.name.replaceAll("'", "''")}'`;
  db.run(`CREATE TRIGGER ${ident(`trigger_insert_feature_count_${layer.name}`)} AFTER INSERT ON ${table}
    BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1 WHERE lower(table_name) = lower(${quotedName}); END`);
  db.run(`CREATE TRIGGER ${ident(`trigger_delete_feature_count_${layer.name}`)} AFTER DELETE ON ${table}
    BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count - 1 WHERE lower(table_name) = lower(${quotedName}); END`);
}

/**
 * Write layers of features as a GeoPackage 1.3 file (EPSG:4326), for QGIS, ArcGIS and GDAL.
 * Each layer becomes a feature table with `fid`, `geom` and its property columns.
 *
 * @returns the bytes of the .gpkg file
 * @throws ValidationError naming the offending input, e.g. `layers[0].features[3].geometry.type`
 * @example
 * const bytes = await writeGeoPackage([{ name: "compounds", geometryType: "MULTIPOLYGON", features }]);
 * res.type("application/geopackage+sqlite3").send(Buffer.from(bytes));
 */
export async function writeGeoPackage(layers: GpkgLayer[]): Promise<Uint8Array> {
  const checked = checkLayers(layers);
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = ${GPKG_APPLICATION_ID}`);
    db.run(`PRAGMA user_version = ${GPKG_USER_VERSION}`);
    db.run("BEGIN");
    db.run(CORE_SCHEMA);
    for (const row of REQUIRED_SRS_ROWS) {
      db.run(
        "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)",
        row,
      );
    }
    const lastChange = new Date().toISOString(); // the spec's %Y-%m-%dT%H:%M:%fZ
    checked.forEach(({ layer, fields }, i) => {
      writeLayer(db, layer, fields, `layers[${i}]`, lastChange);
    });
    db.run("COMMIT");
    return db.export();
  } finally {
    db.close();
  }
}
