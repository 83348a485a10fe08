import fs from "node:fs";
import path from "node:path";
import type { Knex } from "knex";
import type { Feature as GeoJsonFeature } from "../schemas/features.js";

/** Progress callback: a step name and how many of its rows are done out of `total`. */
export type Progress = (step: string, done: number, total: number) => void;

/** A feature of a city layer file: any geometry, properties by column name in camelCase. */
type Feature = GeoJsonFeature<unknown, Record<string, unknown>>;

/** One table the demo city fills: where its rows come from and how properties map to columns. */
interface TableLoad {
  table: string;
  file: string;
  /** column → SQL type; the property is the column name in camelCase. */
  columns: Record<string, string>;
  /** SQL turning the feature's GeoJSON geometry (a json expression) into the column value. */
  geom?: (g: string) => string;
  /** Values (SQL) for columns a file may leave out (the demo city's files predate them). */
  defaults?: Record<string, string>;
}

/** The SQL for one column of a feature `f`: its property, or the table's default for it. */
const columnValue = (t: TableLoad, c: string) => {
  const v = `(f->'properties'->>'${camel(c)}')::${t.columns[c]}`;
  return t.defaults?.[c] ? `COALESCE(${v}, ${t.defaults[c]})` : v;
};

const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const geomFrom = (g: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${g}::text), 4326)`;
const multi = (g: string) => `ST_Multi(${geomFrom(g)})`;

// Order matters: referenced tables first.
const TABLES: TableLoad[] = [
  { table: "subdistricts", file: "subdistricts.geojson", columns: { id: "int", name: "text", code: "text" }, geom: multi },
  { table: "communities", file: "communities.geojson", columns: { id: "int", name: "text", subdistrict_id: "int" }, geom: multi },
  {
    table: "compounds",
    file: "compounds.geojson",
    columns: {
      id: "int",
      name: "text",
      address: "text",
      build_year: "int",
      households: "int",
      building_count: "int",
      floor_area_m2: "float8",
      management: "text",
      community_id: "int",
      subdistrict_id: "int",
      tier: "text",
      status: "text",
      plan_year: "int",
      started_on: "date",
      completed_on: "date",
      accepted_on: "date",
      surveyed_households: "int",
      satisfied_households: "int",
      osm_id: "text",
      households_source: "text",
      access: "text",
    },
    geom: multi,
    defaults: { households_source: "'inventory'", access: "'gates'" },
  },
  {
    table: "buildings",
    file: "buildings.geojson",
    columns: {
      id: "int",
      compound_id: "int",
      name: "text",
      floors: "int",
      units: "int",
      has_elevator: "boolean",
      households: "int",
      build_year: "int",
      osm_id: "text",
    },
    geom: geomFrom,
  },
  {
    table: "gates",
    file: "gates.geojson",
    columns: { id: "int", compound_id: "int", name: "text", kind: "text", osm_id: "text", source: "text" },
    geom: geomFrom,
    defaults: { source: "'manual'" },
  },
  { table: "amenities", file: "amenities.geojson", columns: { id: "int", name: "text", category: "text", capacity: "int", osm_id: "text" }, geom: geomFrom },
  {
    table: "renovation_items",
    file: "renovation-items.geojson",
    columns: { id: "int", compound_id: "int", kind: "text", quantity: "numeric", unit: "text", cost_yuan: "numeric", status: "text" },
    geom: (g) => `CASE WHEN json_typeof(${g}) = 'object' THEN ${geomFrom(g)} END`,
  },
  { table: "streets", file: "streets.geojson", columns: { id: "int", name: "text", class: "text", bridge: "boolean", osm_id: "text" }, geom: geomFrom },
  { table: "water", file: "water.geojson", columns: { id: "int", name: "text", kind: "text", osm_id: "text" }, geom: multi },
];

/** Tables holding city data, children first (used by reset). Users and the audit log are kept. */
export const CITY_TABLES = [
  "annual_plans",
  "feedback",
  "walk_edges",
  "walk_nodes",
  "cluster_members",
  "clusters",
  "renovation_items",
  "gates",
  "buildings",
  "amenities",
  "compounds",
  "communities",
  "subdistricts",
  "streets",
  "water",
];

const BATCH = 4000;

async function insertRows(trx: Knex.Transaction, sql: (payloadParam: string) => string, rows: unknown[], step: string, progress?: Progress): Promise<void> {
  // Start the step's clock (rate and ETA count from here), then one report per batch.
  if (rows.length) progress?.(step, 0, rows.length);
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
  walkNetwork: {
    nodes: Array<[number, number, number]>;
    edges: Array<[number, number, number, string]>;
    /** The OSM element of each node and edge (same order), for a city read from OpenStreetMap. */
    nodeOsmIds?: string[];
    edgeOsmIds?: string[];
  };
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
      const select = cols.map((c) => columnValue(t, c));
      await insertRows(
        trx,
        (p) => `
        INSERT INTO ${t.table} (${cols.join(", ")}${t.geom ? ", geom" : ""})
        SELECT ${select.join(", ")}${t.geom ? `, ${t.geom("(f->'geometry')")}` : ""}
        FROM json_array_elements(${p}) AS f`,
        features,
        t.table,
        progress,
      );
    }
    const network = city.walkNetwork;
    await insertWalkNodes(trx, withOsmIds(network.nodes, network.nodeOsmIds), progress);
    await insertWalkEdges(trx, withOsmIds(network.edges, network.edgeOsmIds), progress);
    await afterLoad(trx);
  });
}

const withOsmIds = <T extends unknown[]>(rows: T[], osmIds?: string[]): Array<[...T, string | null]> =>
  rows.map((r, i) => [...r, osmIds?.[i] ?? null] as [...T, string | null]);

async function insertWalkNodes(trx: Knex.Transaction, nodes: Array<[number, number, number, string | null]>, progress?: Progress) {
  await insertRows(
    trx,
    (p) => `
    INSERT INTO walk_nodes (id, geom, osm_id)
    SELECT (n->>0)::bigint, ST_SetSRID(ST_MakePoint((n->>1)::float8, (n->>2)::float8), 4326), n->>3
    FROM json_array_elements(${p}) AS n`,
    nodes,
    "walk_nodes",
    progress,
  );
}

/** Walk edges `[id, source, target, class, osmId]`, measured in metres on the spheroid here. */
async function insertWalkEdges(trx: Knex.Transaction, edges: Array<[number, number, number, string, string | null]>, progress?: Progress) {
  await insertRows(
    trx,
    (p) => `
    INSERT INTO walk_edges (id, source, target, class, length_m, geom, osm_id)
    SELECT e.id, e.source, e.target, e.class, ST_Length(ST_MakeLine(a.geom, b.geom)::geography),
           ST_MakeLine(a.geom, b.geom), e.osm_id
    FROM (SELECT (x->>0)::bigint AS id, (x->>1)::bigint AS source, (x->>2)::bigint AS target, x->>3 AS class, x->>4 AS osm_id
          FROM json_array_elements(${p}) AS x) e
    JOIN walk_nodes a ON a.id = e.source
    JOIN walk_nodes b ON b.id = e.target`,
    edges,
    "walk_edges",
    progress,
  );
}

/** What every load ends with: elevators tied to their building's unit, sequences past the ids. */
async function afterLoad(trx: Knex.Transaction) {
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
  // Items the files give as started or completed take their compound's dates (the files carry none).
  await trx.raw(`
      UPDATE renovation_items ri SET
        started_on = CASE WHEN ri.status = 'started' OR c.completed_on IS NULL OR c.started_on <= c.completed_on THEN c.started_on END,
        completed_on = CASE WHEN ri.status = 'completed' THEN c.completed_on END
      FROM compounds c
      WHERE c.id = ri.compound_id AND ri.status IN ('started', 'completed') AND ri.started_on IS NULL AND ri.completed_on IS NULL`);
  // Ids came from the files: move each serial sequence past them.
  for (const t of TABLES) {
    await trx.raw(`SELECT setval(pg_get_serial_sequence('${t.table}', 'id'), GREATEST((SELECT max(id) FROM ${t.table}), 1))`);
  }
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

/**
 * What an OpenStreetMap import may change in a row it imported before; everything else of the row
 * (status, plan year, tier, management, a household figure from an inventory or typed in, a
 * planner's floors or elevator) stays as the planners left it. Column → SQL over `t` (the row) and EXCLUDED (the file).
 */
const OSM_UPDATES: Record<string, Record<string, string>> = {
  compounds: {
    name: "EXCLUDED.name",
    address: "COALESCE(EXCLUDED.address, t.address)",
    build_year: "COALESCE(EXCLUDED.build_year, t.build_year)",
    // A figure from OSM or an estimate follows the file; one from an inventory or a planner stays.
    households: "CASE WHEN t.households_source IN ('osm', 'estimated', 'unknown') THEN EXCLUDED.households ELSE t.households END",
    households_source: "CASE WHEN t.households_source IN ('osm', 'estimated', 'unknown') THEN EXCLUDED.households_source ELSE t.households_source END",
    access: "EXCLUDED.access",
    building_count: "EXCLUDED.building_count",
    floor_area_m2: "EXCLUDED.floor_area_m2",
    geom: "EXCLUDED.geom",
    version: "t.version + 1",
    updated_at: "now()",
  },
  buildings: { compound_id: "EXCLUDED.compound_id", name: "EXCLUDED.name", build_year: "COALESCE(EXCLUDED.build_year, t.build_year)", geom: "EXCLUDED.geom" },
  gates: { compound_id: "EXCLUDED.compound_id", name: "EXCLUDED.name", kind: "EXCLUDED.kind", source: "EXCLUDED.source", geom: "EXCLUDED.geom" },
  amenities: { name: "EXCLUDED.name", capacity: "EXCLUDED.capacity", geom: "EXCLUDED.geom" },
  streets: { name: "EXCLUDED.name", class: "EXCLUDED.class", bridge: "EXCLUDED.bridge", geom: "EXCLUDED.geom" },
  water: { name: "EXCLUDED.name", kind: "EXCLUDED.kind", geom: "EXCLUDED.geom" },
};

/** How many rows a merge added and how many it updated, per table. */
export type MergeCounts = Record<string, { added: number; updated: number }>;

/**
 * Add a city read from OpenStreetMap beside what is there, matching rows by their OSM ids: an
 * element imported before is updated in place (the row keeps its id, so clusters, renovation items
 * and planners' figures stay with it; see {@link OSM_UPDATES}), a new one is added. Walk nodes
 * shared with an earlier extract are the same node, so neighbouring extracts join up. Rows the file
 * no longer has are kept (a file may cover only part of the city). Call inside a transaction.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one transaction merging every table by OSM id, in dependency order
export async function mergeOsmCity(trx: Knex.Transaction, city: CityData, progress?: Progress): Promise<{ counts: MergeCounts; compoundIds: number[] }> {
  const counts: MergeCounts = {};
  const idMaps: Record<string, Map<number, number>> = {};
  for (const t of TABLES) {
    const features = city.layers[t.file] ?? [];
    const updates = OSM_UPDATES[t.table];
    if (!updates) {
      if (features.length) throw new Error(`an OSM city has no ${t.table}`);
      continue;
    }
    // References point at rows of tables merged before this one: rewrite them to the rows' ids.
    const rows = features.map((f) => {
      const p: Record<string, unknown> = { ...f.properties };
      for (const [key, table] of Object.entries(REFERENCES)) {
        if (p[key] !== null && p[key] !== undefined) p[key] = idMaps[table]?.get(Number(p[key])) ?? null;
      }
      return { ...f, properties: p };
    });
    const cols = Object.keys(t.columns).filter((c) => c !== "id");
    const select = cols.map((c) => columnValue(t, c));
    const target = t.table === "amenities" ? "(osm_id, category)" : "(osm_id)";
    const set = Object.entries(updates)
      .map(([c, expr]) => `${c} = ${expr}`)
      .join(", ");
    const map = new Map<number, number>();
    const tally = { added: 0, updated: 0 };
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const { rows: done } = await trx.raw(
        `
        INSERT INTO ${t.table} AS t (${cols.join(", ")}, geom)
        SELECT ${select.join(", ")}, ${t.geom!("(f->'geometry')")} FROM json_array_elements(?::json) AS f
        ON CONFLICT ${target} WHERE osm_id IS NOT NULL DO UPDATE SET ${set}
        RETURNING id, osm_id, ${t.table === "amenities" ? "category" : "NULL::text AS category"}, (xmax = 0) AS added`,
        [JSON.stringify(chunk)],
      );
      const byKey = new Map<string, number>(
        done.map((r: { id: number; osm_id: string; category: string | null }) => [`${r.osm_id}|${r.category ?? ""}`, Number(r.id)]),
      );
      for (const f of chunk) {
        const key = `${f.properties.osmId}|${t.table === "amenities" ? f.properties.category : ""}`;
        const id = byKey.get(key);
        if (id !== undefined) map.set(Number(f.properties.id), id);
      }
      for (const r of done) tally[r.added ? "added" : "updated"]++;
      progress?.(t.table, Math.min(i + BATCH, rows.length), rows.length);
    }
    idMaps[t.table] = map;
    counts[t.table] = tally;
  }
  // A gate the file no longer has (removed, or no longer a walking gate) goes from its compound.
  const gateIds = (city.layers["gates.geojson"] ?? []).map((g) => g.properties.osmId).filter((x): x is string => typeof x === "string");
  const merged = [...(idMaps.compounds?.values() ?? [])];
  if (merged.length) {
    await trx.raw(`DELETE FROM gates WHERE source = 'osm' AND compound_id = ANY(?::int[]) AND NOT (osm_id = ANY(?::text[]))`, [merged, gateIds]);
  }
  counts.walk_nodes = { added: 0, updated: 0 };
  counts.walk_edges = { added: 0, updated: 0 };
  const net = city.walkNetwork;
  if (!net.nodeOsmIds || !net.edgeOsmIds) throw new Error("an OSM city carries the OSM ids of its walk nodes and edges");
  // Nodes: the same OSM node is the same walk node; new ones are numbered past the largest id.
  const nodeIds = new Map<number, number>();
  const existing = new Map<string, number>();
  for (let i = 0; i < net.nodeOsmIds.length; i += BATCH) {
    const { rows } = await trx.raw("SELECT id::float8 AS id, osm_id FROM walk_nodes WHERE osm_id = ANY(?::text[])", [net.nodeOsmIds.slice(i, i + BATCH)]);
    for (const r of rows) existing.set(r.osm_id, Number(r.id));
  }
  let next = Number((await trx("walk_nodes").max({ m: "id" }).first())?.m ?? 0);
  const fresh: Array<[number, number, number, string]> = [];
  const moved: Array<[number, number, number]> = [];
  net.nodes.forEach(([id, lon, lat], i) => {
    const osmId = net.nodeOsmIds![i];
    const have = existing.get(osmId);
    if (have !== undefined) {
      nodeIds.set(id, have);
      moved.push([have, lon, lat]);
    } else {
      nodeIds.set(id, ++next);
      fresh.push([next, lon, lat, osmId]);
    }
  });
  await insertWalkNodes(trx, fresh, progress);
  for (let i = 0; i < moved.length; i += BATCH) {
    await trx.raw(
      `UPDATE walk_nodes n SET geom = ST_SetSRID(ST_MakePoint((x->>1)::float8, (x->>2)::float8), 4326)
      FROM json_array_elements(?::json) AS x WHERE n.id = (x->>0)::bigint`,
      [JSON.stringify(moved.slice(i, i + BATCH))],
    );
  }
  counts.walk_nodes = { added: fresh.length, updated: moved.length };
  // Edges: keyed by way and end nodes; an edge seen before gets its ends, class and length anew.
  const edgeExisting = new Map<string, number>();
  for (let i = 0; i < net.edgeOsmIds.length; i += BATCH) {
    const { rows } = await trx.raw("SELECT id::float8 AS id, osm_id FROM walk_edges WHERE osm_id = ANY(?::text[])", [net.edgeOsmIds.slice(i, i + BATCH)]);
    for (const r of rows) edgeExisting.set(r.osm_id, Number(r.id));
  }
  let nextEdge = Number((await trx("walk_edges").max({ m: "id" }).first())?.m ?? 0);
  const newEdges: Array<[number, number, number, string, string]> = [];
  const changedEdges: Array<[number, number, number, string]> = [];
  net.edges.forEach(([, s, t, cls], i) => {
    const osmId = net.edgeOsmIds![i];
    const have = edgeExisting.get(osmId);
    if (have !== undefined) changedEdges.push([have, nodeIds.get(s)!, nodeIds.get(t)!, cls]);
    else newEdges.push([++nextEdge, nodeIds.get(s)!, nodeIds.get(t)!, cls, osmId]);
  });
  await insertWalkEdges(trx, newEdges, progress);
  for (let i = 0; i < changedEdges.length; i += BATCH) {
    await trx.raw(
      `
      UPDATE walk_edges e SET source = x.source, target = x.target, class = x.class,
        geom = ST_MakeLine(a.geom, b.geom), length_m = ST_Length(ST_MakeLine(a.geom, b.geom)::geography)
      FROM (SELECT (v->>0)::bigint AS id, (v->>1)::bigint AS source, (v->>2)::bigint AS target, v->>3 AS class
            FROM json_array_elements(?::json) AS v) x
      JOIN walk_nodes a ON a.id = x.source JOIN walk_nodes b ON b.id = x.target
      WHERE e.id = x.id`,
      [JSON.stringify(changedEdges.slice(i, i + BATCH))],
    );
  }
  counts.walk_edges = { added: newEdges.length, updated: changedEdges.length };
  await afterLoad(trx);
  return { counts, compoundIds: merged };
}

/** Which id space each reference property points into. */
const REFERENCES: Record<string, string> = { compoundId: "compounds", communityId: "communities", subdistrictId: "subdistricts" };
