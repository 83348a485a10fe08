import fs from "node:fs";
import path from "node:path";
import type { Knex } from "knex";

/** Progress callback: a step name and how many of its rows are done out of `total`. */
export type Progress = (step: string, done: number, total: number) => void;

interface Feature {
  type: "Feature";
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** One table the demo city fills: where its rows come from and how properties map to columns. */
interface TableLoad {
  table: string;
  file: string;
  /** column → SQL type; the property is the column name in camelCase. */
  columns: Record<string, string>;
  /** SQL turning the feature's GeoJSON geometry (a json expression) into the column value. */
  geom?: (g: string) => string;
}

const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const geomFrom = (g: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${g}::text), 4326)`;
const multi = (g: string) => `ST_Multi(${geomFrom(g)})`;

// Order matters: referenced tables first.
const TABLES: TableLoad[] = [
  { table: "subdistricts", file: "subdistricts.geojson", columns: { id: "int", name: "text", code: "text" }, geom: multi },
  { table: "communities", file: "communities.geojson", columns: { id: "int", name: "text", subdistrict_id: "int" }, geom: multi },
  {
    table: "compounds", file: "compounds.geojson",
    columns: {
      id: "int", name: "text", address: "text", build_year: "int", households: "int", building_count: "int",
      floor_area_m2: "float8", management: "text", community_id: "int", subdistrict_id: "int", tier: "text",
      status: "text", plan_year: "int", started_on: "date", completed_on: "date", accepted_on: "date",
      surveyed_households: "int", satisfied_households: "int",
    },
    geom: multi,
  },
  {
    table: "buildings", file: "buildings.geojson",
    columns: { id: "int", compound_id: "int", name: "text", floors: "int", units: "int", has_elevator: "boolean", households: "int", build_year: "int" },
    geom: geomFrom,
  },
  { table: "gates", file: "gates.geojson", columns: { id: "int", compound_id: "int", name: "text", kind: "text" }, geom: geomFrom },
  { table: "amenities", file: "amenities.geojson", columns: { id: "int", name: "text", category: "text", capacity: "int" }, geom: geomFrom },
  {
    table: "renovation_items", file: "renovation-items.geojson",
    columns: { id: "int", compound_id: "int", kind: "text", quantity: "numeric", unit: "text", cost_yuan: "numeric", status: "text" },
    geom: (g) => `CASE WHEN json_typeof(${g}) = 'object' THEN ${geomFrom(g)} END`,
  },
  { table: "streets", file: "streets.geojson", columns: { id: "int", name: "text", class: "text", bridge: "boolean" }, geom: geomFrom },
  { table: "water", file: "water.geojson", columns: { id: "int", name: "text", kind: "text" }, geom: multi },
];

/** Tables holding city data, children first (used by reset). Users and the audit log are kept. */
export const CITY_TABLES = [
  "walk_edges", "walk_nodes", "cluster_members", "clusters", "renovation_items", "gates", "buildings",
  "amenities", "compounds", "communities", "subdistricts", "streets", "water",
];

const BATCH = 4000;

async function insertRows(
  trx: Knex.Transaction, sql: (payloadParam: string) => string, rows: unknown[], step: string, progress?: Progress,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await trx.raw(sql("?::json"), [JSON.stringify(chunk)]);
    progress?.(step, Math.min(i + BATCH, rows.length), rows.length);
  }
  if (rows.length === 0) progress?.(step, 0, 0);
}

/**
 * A whole city in memory, keyed like the files of geodata/demo-city (`compounds.geojson` → its
 * features) plus the walk network. Missing layers are empty.
 */
export interface CityData {
  layers: Partial<Record<string, Feature[]>>;
  walkNetwork: { nodes: Array<[number, number, number]>; edges: Array<[number, number, number, string]> };
}

/** Read a city folder (the generator's output) into memory. */
export function readCityDir(dir: string): CityData {
  const layers: CityData["layers"] = {};
  for (const t of TABLES) {
    const full = path.join(dir, t.file);
    if (!fs.existsSync(full)) continue;
    const json = JSON.parse(fs.readFileSync(full, "utf8")) as { type?: string; features?: Feature[] };
    if (json.type !== "FeatureCollection" || !Array.isArray(json.features)) {
      throw new Error(`${full} is not a GeoJSON FeatureCollection`);
    }
    layers[t.file] = json.features;
  }
  const walkNetwork = JSON.parse(fs.readFileSync(path.join(dir, "walk-network.json"), "utf8")) as CityData["walkNetwork"];
  return { layers, walkNetwork };
}

/** True when no compound has been loaded yet. */
export async function isEmpty(knex: Knex): Promise<boolean> {
  const row = await knex("compounds").first(knex.raw("1 as one"));
  return !row;
}

/**
 * Load a generated city (a folder written by geodata/generator, or the same data in memory) in
 * one transaction: either all of it lands or nothing does. Ids are kept as given. Walk edge
 * lengths are measured here, in metres on the spheroid.
 */
export async function loadCity(knex: Knex, source: string | CityData, progress?: Progress): Promise<void> {
  const city = typeof source === "string" ? readCityDir(source) : source;
  await knex.transaction(async (trx) => {
    await noStatementTimeout(trx);
    for (const t of TABLES) {
      const features = city.layers[t.file] ?? [];
      const cols = Object.keys(t.columns);
      const select = cols.map((c) => `(f->'properties'->>'${camel(c)}')::${t.columns[c]}`);
      await insertRows(trx, (p) => `
        INSERT INTO ${t.table} (${cols.join(", ")}${t.geom ? ", geom" : ""})
        SELECT ${select.join(", ")}${t.geom ? `, ${t.geom("(f->'geometry')")}` : ""}
        FROM json_array_elements(${p}) AS f`, features, t.table, progress);
    }
    const network = city.walkNetwork;
    await insertRows(trx, (p) => `
      INSERT INTO walk_nodes (id, geom)
      SELECT (n->>0)::bigint, ST_SetSRID(ST_MakePoint((n->>1)::float8, (n->>2)::float8), 4326)
      FROM json_array_elements(${p}) AS n`, network.nodes, "walk_nodes", progress);
    await insertRows(trx, (p) => `
      INSERT INTO walk_edges (id, source, target, class, length_m, geom)
      SELECT e.id, e.source, e.target, e.class, ST_Length(ST_MakeLine(a.geom, b.geom)::geography),
             ST_MakeLine(a.geom, b.geom)
      FROM (SELECT (x->>0)::bigint AS id, (x->>1)::bigint AS source, (x->>2)::bigint AS target, x->>3 AS class
            FROM json_array_elements(${p}) AS x) e
      JOIN walk_nodes a ON a.id = e.source
      JOIN walk_nodes b ON b.id = e.target`, network.edges, "walk_edges", progress);
    // Elevator retrofits in the files stand against a building's wall: tie each to the nearest
    // building of its compound, and to the unit (单元) along the building's long side.
    await trx.raw(`
      UPDATE renovation_items ri SET building_id = b.id,
        building_unit = LEAST(b.units, GREATEST(1, ceil(b.units * CASE
          WHEN ST_XMax(b.geom) - ST_XMin(b.geom) >= ST_YMax(b.geom) - ST_YMin(b.geom)
          THEN (ST_X(ri.geom) - ST_XMin(b.geom)) / NULLIF(ST_XMax(b.geom) - ST_XMin(b.geom), 0)
          ELSE (ST_Y(ri.geom) - ST_YMin(b.geom)) / NULLIF(ST_YMax(b.geom) - ST_YMin(b.geom), 0) END)))::int
      FROM buildings b
      WHERE ri.kind = 'elevator' AND ri.building_id IS NULL AND GeometryType(ri.geom) = 'POINT'
        AND b.id = (SELECT b2.id FROM buildings b2 WHERE b2.compound_id = ri.compound_id ORDER BY b2.geom <-> ri.geom LIMIT 1)`);
    // Ids came from the files: move each serial sequence past them.
    for (const t of TABLES) {
      await trx.raw(`SELECT setval(pg_get_serial_sequence('${t.table}', 'id'), GREATEST((SELECT max(id) FROM ${t.table}), 1))`);
    }
  });
}

/**
 * Lift the app's per-statement limit for this transaction: loading a city or an import runs
 * statements over every row, which may take longer than any one request should.
 */
export async function noStatementTimeout(trx: Knex.Transaction): Promise<void> {
  await trx.raw("SET LOCAL statement_timeout = 0");
}

/** Delete every city row (users and the audit log stay) in one transaction. */
export async function clearCity(knex: Knex): Promise<void> {
  await knex.raw(`TRUNCATE ${CITY_TABLES.join(", ")} RESTART IDENTITY CASCADE`);
}

/** Which id space each reference property points into. */
const REFERENCES: Record<string, string> = { compoundId: "compounds", communityId: "communities", subdistrictId: "subdistricts" };

/**
 * Shift the ids of an imported city past those already in the database, so it can be added
 * beside what is there (references between its layers move with them).
 */
export async function offsetCityIds(knex: Knex, city: CityData): Promise<CityData> {
  const offsets: Record<string, number> = {};
  for (const t of TABLES) {
    const row = await knex(t.table).max({ m: "id" }).first();
    offsets[t.table] = Number(row?.m ?? 0);
  }
  const nodeMax = Number((await knex("walk_nodes").max({ m: "id" }).first())?.m ?? 0);
  const edgeMax = Number((await knex("walk_edges").max({ m: "id" }).first())?.m ?? 0);
  const layers: CityData["layers"] = {};
  for (const t of TABLES) {
    const features = city.layers[t.file];
    if (!features) continue;
    layers[t.file] = features.map((f) => {
      const p: Record<string, unknown> = { ...f.properties, id: Number(f.properties.id) + offsets[t.table] };
      for (const [key, table] of Object.entries(REFERENCES)) {
        if (p[key] !== null && p[key] !== undefined) p[key] = Number(p[key]) + offsets[table];
      }
      return { ...f, properties: p };
    });
  }
  // Node ids are renumbered densely from past the current maximum.
  const nodeIds = new Map<number, number>();
  const nodes = city.walkNetwork.nodes.map(([id, lon, lat]): [number, number, number] => {
    const n = nodeMax + nodeIds.size + 1;
    nodeIds.set(id, n);
    return [n, lon, lat];
  });
  const edges = city.walkNetwork.edges.map(([id, s, t, c]): [number, number, number, string] => [id + edgeMax, nodeIds.get(s)!, nodeIds.get(t)!, c]);
  return { layers, walkNetwork: { nodes, edges } };
}
