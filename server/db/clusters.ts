import type { Knex } from "knex";
import { FACING_STREET_CLASSES } from "./adjacency.js";
import type { ClusterMember, ClusterStatus, ClusterSummary, MemberFigures, OtherMembership, SheetKindRow } from "../schemas/clusters.js";

// 片区 clusters (tables `clusters`, `cluster_members`): their rows, members, outline, contiguity and
// the SQL sums of the cluster sheet. Column names and SQL stay here; the service speaks camelCase.

/** Item kinds the sheet counts against a target (kinds of geodata/costs.json). */
export const SHEET_KINDS = {
  parking: "parking_space",
  chargingPile: "charging_pile",
  chargingShed: "charging_shed",
  elevator: "elevator",
} as const;

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * SQL for the UTM zone (EPSG:326xx north, 327xx south) around the centroid of geometry `g`
 * (EPSG:4326): a metric projection in which buffers and distances are true to within 0.1%.
 */
const utmSrid = (g: string) =>
  `(CASE WHEN ST_Y(ST_Centroid(${g})) < 0 THEN 32700 ELSE 32600 END + LEAST(60, GREATEST(1, floor((ST_X(ST_Centroid(${g})) + 180) / 6)::int + 1)))`;

/**
 * SQL for the outline of the members' union `g` (EPSG:4326): a morphological closing (buffer
 * out by `r` metres, then back in by `r`) in the local UTM zone, unioned with the footprints so
 * rounding never shaves a member. The closing fills the streets and gaps up to 2r wide between
 * members and leaves the outer edge where the footprints are. Plain ST_Buffer and ST_Transform,
 * so PostGIS 3.3 and 3.6 draw the same shape (ST_ConcaveHull would follow each GEOS version's
 * own algorithm and may bridge across a wide road). The final union snaps to a 1 cm grid
 * (ST_Union's gridSize, GEOS 3.9+): on the embedded PostGIS 3.6 the floating-point overlay of the
 * closing with demo-city footprints came back as an empty result with no error (how it reports a
 * GEOS exception); with the grid both databases return the outline. `r` is bound twice by the
 * caller, before any other parameter.
 */
const outlineOf = (g: string) => `(
  SELECT ST_Multi(ST_CollectionExtract(ST_Transform(ST_Union(
           ST_Buffer(ST_Buffer(p.g, ?::float8, 'quad_segs=4'), -(?::float8), 'quad_segs=4'), p.g, 0.01), 4326), 3))
  FROM (SELECT ST_Transform(${g}, ${utmSrid(g)}) AS g WHERE ${g} IS NOT NULL) p)`;

function summaryQuery(knex: Knex) {
  return knex("clusters as cl")
    .leftJoin("users as u", "u.id", "cl.created_by")
    .select(
      "cl.id",
      "cl.name",
      "cl.plan_year as planYear",
      "cl.status",
      "cl.notes",
      "cl.version",
      knex.raw(`COALESCE(m.ids, '{}') AS "memberIds"`),
      knex.raw(`COALESCE(cardinality(m.ids), 0) AS "memberCount"`),
      knex.raw(`COALESCE(m.households, 0)::int AS households`),
      knex.raw(`CASE WHEN m.box IS NULL THEN NULL ELSE json_build_array(
        round(ST_XMin(m.box)::numeric, 7)::float8, round(ST_YMin(m.box)::numeric, 7)::float8,
        round(ST_XMax(m.box)::numeric, 7)::float8, round(ST_YMax(m.box)::numeric, 7)::float8) END AS bbox`),
      knex.raw(`CASE WHEN u.id IS NULL THEN NULL
        ELSE json_build_object('id', u.id, 'name', u.name, 'displayName', u.display_name) END AS "createdBy"`),
      knex.raw(`${iso("cl.created_at")} AS "createdAt"`),
      knex.raw(`${iso("cl.updated_at")} AS "updatedAt"`),
    )
    .joinRaw(`LEFT JOIN LATERAL (
      SELECT array_agg(c.id ORDER BY c.id) AS ids, sum(c.households) AS households, ST_Extent(c.geom)::geometry AS box
      FROM cluster_members cm JOIN compounds c ON c.id = cm.compound_id WHERE cm.cluster_id = cl.id) m ON true`);
}

/** Clusters by id; `publishedOnly` leaves drafts out. */
export async function listClusters(knex: Knex, opts: { publishedOnly: boolean }): Promise<ClusterSummary[]> {
  const q = summaryQuery(knex).orderBy("cl.id");
  if (opts.publishedOnly) q.whereNot("cl.status", "draft");
  return q;
}

/** One cluster's summary, or undefined. */
export async function findCluster(knex: Knex, id: number): Promise<ClusterSummary | undefined> {
  return summaryQuery(knex).where("cl.id", id).first();
}

/** The members of a cluster (or the compounds `ids`), by id. */
export async function findMembers(knex: Knex, ids: number[]): Promise<ClusterMember[]> {
  if (!ids.length) return [];
  const { rows } = await knex.raw(
    `
    SELECT c.id, c.name, c.households, c.building_count AS "buildingCount", c.build_year AS "buildYear",
           c.management, c.tier, c.status, c.plan_year AS "planYear", sd.name AS subdistrict, cm.name AS community
    FROM compounds c
    LEFT JOIN subdistricts sd ON sd.id = c.subdistrict_id
    LEFT JOIN communities cm ON cm.id = c.community_id
    WHERE c.id = ANY(?::int[]) ORDER BY c.id`,
    [ids],
  );
  return rows;
}

/** The outline (GeoJSON MultiPolygon, EPSG:4326) of the compounds `ids`; null without any. */
export async function outlineOfCompounds(knex: Knex, ids: number[], closingM: number): Promise<unknown | null> {
  if (!ids.length) return null;
  const { rows } = await knex.raw(
    `
    SELECT ST_AsGeoJSON(${outlineOf("u.g")}, 7)::json AS outline
    FROM (SELECT ST_Union(geom) AS g FROM compounds WHERE id = ANY(?::int[])) u`,
    [closingM, closingM, ids],
  );
  return rows[0]?.outline ?? null;
}

/** The outline of every cluster in `clusterIds`, one query. */
export async function outlinesOfClusters(knex: Knex, clusterIds: number[], closingM: number): Promise<Map<number, unknown>> {
  if (!clusterIds.length) return new Map();
  const { rows } = await knex.raw(
    `
    SELECT u.cluster_id AS id, ST_AsGeoJSON(${outlineOf("u.g")}, 7)::json AS outline
    FROM (SELECT cm.cluster_id, ST_Union(c.geom) AS g
          FROM cluster_members cm JOIN compounds c ON c.id = cm.compound_id
          WHERE cm.cluster_id = ANY(?::int[]) GROUP BY cm.cluster_id) u`,
    [closingM, closingM, clusterIds],
  );
  return new Map(rows.map((r: { id: number; outline: unknown }) => [Number(r.id), r.outline]));
}

/** What the one cluster check (web/src/analysis/cluster.ts) needs of the members. */
export interface ClusterTopology {
  /** Each member as the clustering sees it: households, bounding-box centre and gates ([lon, lat]). */
  compounds: Array<{ id: number; households: number; centroid: [number, number]; gates: Array<[number, number]> }>;
  /** Neighbouring member pairs with a < b. */
  pairs: Array<{ a: number; b: number }>;
}

/**
 * The members `ids` for the cluster check, and their neighbour pairs. Two members are neighbours when their
 * footprints are at most `adjacencyM` apart, or when both lie within `streetFrontM` of the same
 * walk-network segment (they face the same street) of a facing class that does not run through a
 * compound's interior (the test of COMPOUND_INTERIOR_EDGES_SQL in server/db/network.ts, applied
 * to the few edges near the members only). Distances from `::geography`.
 */
export async function clusterTopology(knex: Knex, ids: number[], rules: { adjacencyM: number; streetFrontM: number }): Promise<ClusterTopology> {
  if (!ids.length) return { compounds: [], pairs: [] };
  // The centre of the bounding box, as the planner takes it from the compounds' GeoJSON bbox.
  const { rows: members } = await knex.raw(
    `
    SELECT c.id, c.households,
           (ST_XMin(c.geom) + ST_XMax(c.geom)) / 2 AS lon, (ST_YMin(c.geom) + ST_YMax(c.geom)) / 2 AS lat,
           COALESCE((SELECT json_agg(json_build_array(ST_X(g.geom), ST_Y(g.geom)) ORDER BY g.id) FROM gates g WHERE g.compound_id = c.id), '[]'::json) AS gates
    FROM compounds c WHERE c.id = ANY(?::int[]) ORDER BY c.id`,
    [ids],
  );
  // A cheap planar test in degrees comes first: `deg_per_m` over-estimates degrees per metre
  // (110 km a degree, shrunk by the cosine of the footprint's highest latitude), so it keeps every
  // pair the metric test would; the metres themselves come from geography.
  const { rows: pairs } = await knex.raw(
    `
    WITH m AS (
      SELECT id, geom, geom::geography AS geog,
             1.0 / (110000 * GREATEST(cos(radians(GREATEST(abs(ST_YMin(geom)), abs(ST_YMax(geom))))), 0.01)) AS deg_per_m
      FROM compounds WHERE id = ANY(?::int[])),
    fronts AS (
      SELECT m.id, e.id AS edge FROM m JOIN walk_edges e
        ON ST_DWithin(e.geom, m.geom, ?::float8 * m.deg_per_m) AND e.class = ANY(?::text[])
       AND ST_DWithin(e.geom::geography, m.geog, ?::float8)
      WHERE NOT (e.class NOT IN ('arterial', 'branch') AND EXISTS (
        SELECT 1 FROM compounds c WHERE c.geom && e.geom AND ST_Intersects(c.geom, e.geom)
          AND ST_Length(ST_Intersection(e.geom, c.geom)::geography)
            - ST_Length(ST_Intersection(e.geom, ST_Boundary(c.geom))::geography) > 0.5 * ST_Length(e.geom::geography))))
    SELECT a.id AS a, b.id AS b FROM m a JOIN m b
      ON a.id < b.id AND ST_DWithin(a.geom, b.geom, ?::float8 * GREATEST(a.deg_per_m, b.deg_per_m)) AND ST_DWithin(a.geog, b.geog, ?::float8)
    UNION
    SELECT f1.id, f2.id FROM fronts f1 JOIN fronts f2 ON f1.edge = f2.edge AND f1.id < f2.id
    ORDER BY 1, 2`,
    [ids, rules.streetFrontM, [...FACING_STREET_CLASSES], rules.streetFrontM, rules.adjacencyM, rules.adjacencyM],
  );
  return {
    compounds: members.map((m: { id: number; households: number; lon: number; lat: number; gates: Array<[number, number]> }) => ({
      id: Number(m.id),
      households: Number(m.households),
      centroid: [Number(m.lon), Number(m.lat)] as [number, number],
      gates: m.gates,
    })),
    pairs: pairs.map((r: { a: number; b: number }) => ({ a: Number(r.a), b: Number(r.b) })),
  };
}

/** The row as stored plus its member ids, for the audit log. */
export async function clusterRow(knex: Knex, id: number): Promise<(Record<string, unknown> & { version: number; status: string }) | undefined> {
  const { rows } = await knex.raw(
    `
    SELECT to_jsonb(cl) || jsonb_build_object('memberIds',
      COALESCE((SELECT jsonb_agg(compound_id ORDER BY compound_id) FROM cluster_members WHERE cluster_id = cl.id), '[]'::jsonb)) AS row
    FROM clusters cl WHERE cl.id = ?`,
    [id],
  );
  return rows[0]?.row;
}

/**
 * Lock the compounds `ids` (in id order, so two writers never deadlock) for the rest of the
 * transaction, so two clusters cannot claim the same compound at once; returns those that exist.
 */
export async function lockCompounds(knex: Knex, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { rows } = await knex.raw("SELECT id, name FROM compounds WHERE id = ANY(?::int[]) ORDER BY id FOR UPDATE", [ids]);
  return new Map(rows.map((r: { id: number; name: string }) => [Number(r.id), r.name]));
}

/** Which of the compounds `ids` already belong to a cluster other than `exceptClusterId`. */
export async function membershipsElsewhere(knex: Knex, ids: number[], exceptClusterId?: number): Promise<OtherMembership[]> {
  if (!ids.length) return [];
  const { rows } = await knex.raw(
    `
    SELECT c.id AS "compoundId", c.name AS "compoundName", cl.id AS "clusterId", cl.name AS "clusterName"
    FROM cluster_members cm JOIN compounds c ON c.id = cm.compound_id JOIN clusters cl ON cl.id = cm.cluster_id
    WHERE cm.compound_id = ANY(?::int[]) AND cm.cluster_id IS DISTINCT FROM ?::int
    ORDER BY c.id, cl.id`,
    [ids, exceptClusterId ?? null],
  );
  return rows;
}

export async function insertCluster(
  knex: Knex,
  c: { name: string; planYear: number | null; notes: string | null; status: ClusterStatus; createdBy: number | null },
): Promise<number> {
  const [row] = await knex("clusters")
    .insert({ name: c.name, plan_year: c.planYear, notes: c.notes, status: c.status, created_by: c.createdBy })
    .returning("id");
  return row.id;
}

/** Update when `version` matches (always bumping it, also for member-only changes); false when it does not. */
export async function updateCluster(
  knex: Knex,
  id: number,
  version: number,
  patch: { name?: string; planYear?: number | null; notes?: string | null; status?: ClusterStatus },
): Promise<boolean> {
  const cols: Record<string, unknown> = {};
  if (patch.name !== undefined) cols.name = patch.name;
  if (patch.planYear !== undefined) cols.plan_year = patch.planYear;
  if (patch.notes !== undefined) cols.notes = patch.notes;
  if (patch.status !== undefined) cols.status = patch.status;
  // `returning` rather than the affected-row count: the embedded driver does not report it for every statement.
  const rows = await knex("clusters")
    .where({ id, version })
    .update({ ...cols, updated_at: knex.fn.now(), version: knex.raw("version + 1") }, ["id"]);
  return rows.length === 1;
}

/** Make `ids` the members of cluster `id`. */
export async function replaceMembers(knex: Knex, id: number, ids: number[]): Promise<void> {
  await knex("cluster_members").where({ cluster_id: id }).del();
  if (ids.length) await knex("cluster_members").insert(ids.map((compoundId) => ({ cluster_id: id, compound_id: compoundId })));
}

export async function deleteCluster(knex: Knex, id: number, version: number): Promise<boolean> {
  return (await knex("clusters").where({ id, version }).del(["id"])).length === 1;
}

/** Ratios of the sheet, bound as numeric so shares like 0.1 round exactly. */
export interface SheetParams {
  residentsPerHousehold: number;
  parkingPerHousehold: number;
  chargingShareTarget: number;
  householdsPerChargingShed: number;
  elevatorMinFloors: number;
  /** Subsidy in yuan per unit of quantity, by item kind (e.g. elevator → 100000 per 部). */
  subsidyPerUnit: Array<{ kind: string; perUnitYuan: number }>;
}

export interface SheetSums {
  members: MemberFigures[];
  /** The members' sums; `residents`, `parkingDemand` and the charging targets are taken on the summed households. */
  totals: Omit<MemberFigures, "id" | "name"> & { compounds: number; chargingPilesTarget: number; chargingShedsTarget: number };
  elevatorByFloors: Array<{ floors: number; buildings: number; units: number }>;
  /**
   * One row per item kind, then (kind null) one per tier, then (tier and kind null) the grand total:
   * the sheet's kind row, with the kind's labels null on the tier and total rows.
   */
  itemRows: Array<Omit<SheetKindRow, KindLabel> & { [K in KindLabel]: SheetKindRow[K] | null } & { tier: string | null }>;
}
/** The columns of a sheet row that name its item kind (null on the tier and grand-total rows). */
type KindLabel = "kind" | "nameZh" | "nameEn" | "unit" | "unitCostYuan";

/**
 * The cluster sheet's sums over the compounds `ids`, all in SQL: households, buildings, floor
 * area, elevator candidates, parking, charging and elevator items (completed = existing; planned
 * or started = planned; cancelled items count nowhere), item cost and subsidy by kind and tier.
 */
export async function sheetSums(knex: Knex, ids: number[], p: SheetParams): Promise<SheetSums> {
  const subsidies = JSON.stringify(p.subsidyPerUnit);
  const k = SHEET_KINDS;
  const qty = (kind: string, done: boolean) =>
    `COALESCE(sum(ri.quantity) FILTER (WHERE ri.kind = '${kind}' AND ri.status ${done ? "= 'completed'" : "IN ('planned', 'started')"}), 0)`;
  const {
    rows: [sheet],
  } = await knex.raw(
    `
    WITH m AS (SELECT id, name, households, COALESCE(floor_area_m2, 0) AS floor_area FROM compounds WHERE id = ANY(?::int[])),
    b AS (
      SELECT b.compound_id,
             count(*) AS buildings,
             count(*) FILTER (WHERE b.floors >= ?::int AND NOT b.has_elevator) AS cand_buildings,
             COALESCE(sum(b.units) FILTER (WHERE b.floors >= ?::int AND NOT b.has_elevator), 0) AS cand_units
      FROM buildings b JOIN m ON m.id = b.compound_id GROUP BY b.compound_id),
    s AS (SELECT kind, "perUnitYuan" AS per_unit FROM jsonb_to_recordset(?::jsonb) AS x(kind text, "perUnitYuan" numeric)),
    i AS (
      SELECT ri.compound_id,
             ${qty(k.parking, true)} AS parking_existing, ${qty(k.parking, false)} AS parking_planned,
             ${qty(k.chargingPile, true)} AS piles_existing, ${qty(k.chargingPile, false)} AS piles_planned,
             ${qty(k.chargingShed, true)} AS sheds_existing, ${qty(k.chargingShed, false)} AS sheds_planned,
             ${qty(k.elevator, true)} AS elevators_existing, ${qty(k.elevator, false)} AS elevators_planned,
             count(*) AS items, sum(ri.cost_yuan) AS cost, sum(ri.quantity * COALESCE(s.per_unit, 0)) AS subsidy
      FROM renovation_items ri JOIN m ON m.id = ri.compound_id LEFT JOIN s ON s.kind = ri.kind
      WHERE ri.status <> 'cancelled' GROUP BY ri.compound_id),
    per AS (
      SELECT m.id, m.name, m.households, m.floor_area,
             COALESCE(b.buildings, 0) AS buildings, COALESCE(b.cand_buildings, 0) AS cand_buildings, COALESCE(b.cand_units, 0) AS cand_units,
             COALESCE(i.parking_existing, 0) AS parking_existing, COALESCE(i.parking_planned, 0) AS parking_planned,
             COALESCE(i.piles_existing, 0) AS piles_existing, COALESCE(i.piles_planned, 0) AS piles_planned,
             COALESCE(i.sheds_existing, 0) AS sheds_existing, COALESCE(i.sheds_planned, 0) AS sheds_planned,
             COALESCE(i.elevators_existing, 0) AS elevators_existing, COALESCE(i.elevators_planned, 0) AS elevators_planned,
             COALESCE(i.items, 0) AS items, COALESCE(i.cost, 0) AS cost, COALESCE(i.subsidy, 0) AS subsidy
      FROM m LEFT JOIN b ON b.compound_id = m.id LEFT JOIN i ON i.compound_id = m.id),
    r AS (SELECT ?::numeric AS residents, ?::numeric AS parking, ?::numeric AS charging, ?::numeric AS per_shed)
    SELECT
      COALESCE((SELECT json_agg(json_build_object(
        'id', per.id, 'name', per.name, 'households', per.households,
        'residents', round(per.households * r.residents)::int,
        'buildings', per.buildings::int, 'floorAreaM2', per.floor_area::float8,
        'elevatorCandidateBuildings', per.cand_buildings::int, 'elevatorCandidateUnits', per.cand_units::int,
        'parkingDemand', ceil(per.households * r.parking)::int,
        'parkingExisting', per.parking_existing::float8, 'parkingPlanned', per.parking_planned::float8,
        'chargingPilesExisting', per.piles_existing::float8, 'chargingPilesPlanned', per.piles_planned::float8,
        'chargingShedsExisting', per.sheds_existing::float8, 'chargingShedsPlanned', per.sheds_planned::float8,
        'elevatorsExisting', per.elevators_existing::float8, 'elevatorsPlanned', per.elevators_planned::float8,
        'items', per.items::int, 'costYuan', per.cost::float8, 'subsidyYuan', per.subsidy::float8) ORDER BY per.id)
        FROM per, r), '[]'::json) AS members,
      (SELECT json_build_object(
        'compounds', count(per.id)::int,
        'households', COALESCE(sum(per.households), 0)::int,
        'residents', round(COALESCE(sum(per.households), 0) * min(r.residents))::int,
        'buildings', COALESCE(sum(per.buildings), 0)::int, 'floorAreaM2', COALESCE(sum(per.floor_area), 0)::float8,
        'elevatorCandidateBuildings', COALESCE(sum(per.cand_buildings), 0)::int,
        'elevatorCandidateUnits', COALESCE(sum(per.cand_units), 0)::int,
        'parkingDemand', ceil(COALESCE(sum(per.households), 0) * min(r.parking))::int,
        'parkingExisting', COALESCE(sum(per.parking_existing), 0)::float8, 'parkingPlanned', COALESCE(sum(per.parking_planned), 0)::float8,
        'chargingPilesTarget', ceil(ceil(COALESCE(sum(per.households), 0) * min(r.parking)) * min(r.charging))::int,
        'chargingPilesExisting', COALESCE(sum(per.piles_existing), 0)::float8, 'chargingPilesPlanned', COALESCE(sum(per.piles_planned), 0)::float8,
        'chargingShedsTarget', ceil(COALESCE(sum(per.households), 0) / min(r.per_shed))::int,
        'chargingShedsExisting', COALESCE(sum(per.sheds_existing), 0)::float8, 'chargingShedsPlanned', COALESCE(sum(per.sheds_planned), 0)::float8,
        'elevatorsExisting', COALESCE(sum(per.elevators_existing), 0)::float8, 'elevatorsPlanned', COALESCE(sum(per.elevators_planned), 0)::float8,
        'items', COALESCE(sum(per.items), 0)::int,
        'costYuan', COALESCE(sum(per.cost), 0)::float8, 'subsidyYuan', COALESCE(sum(per.subsidy), 0)::float8)
        FROM per RIGHT JOIN r ON true) AS totals`,
    [
      ids,
      p.elevatorMinFloors,
      p.elevatorMinFloors,
      subsidies,
      String(p.residentsPerHousehold),
      String(p.parkingPerHousehold),
      String(p.chargingShareTarget),
      String(p.householdsPerChargingShed),
    ],
  );

  const { rows: elevatorByFloors } = await knex.raw(
    `
    SELECT b.floors, count(*)::int AS buildings, sum(b.units)::int AS units
    FROM buildings b WHERE b.compound_id = ANY(?::int[]) AND b.floors >= ?::int AND NOT b.has_elevator
    GROUP BY b.floors ORDER BY b.floors`,
    [ids, p.elevatorMinFloors],
  );

  const { rows: itemRows } = await knex.raw(
    `
    WITH s AS (SELECT kind, "perUnitYuan" AS per_unit FROM jsonb_to_recordset(?::jsonb) AS x(kind text, "perUnitYuan" numeric))
    SELECT k.tier, ri.kind,
           min(k.name_zh) AS "nameZh", min(k.name_en) AS "nameEn", min(k.unit) AS unit, min(k.unit_cost_yuan)::float8 AS "unitCostYuan",
           count(*)::int AS items,
           sum(ri.quantity)::float8 AS quantity,
           COALESCE(sum(ri.quantity) FILTER (WHERE ri.status = 'completed'), 0)::float8 AS "quantityCompleted",
           COALESCE(sum(ri.quantity) FILTER (WHERE ri.status IN ('planned', 'started')), 0)::float8 AS "quantityPlanned",
           sum(ri.cost_yuan)::float8 AS "costYuan",
           sum(ri.quantity * COALESCE(s.per_unit, 0))::float8 AS "subsidyYuan"
    FROM renovation_items ri JOIN item_kinds k ON k.kind = ri.kind LEFT JOIN s ON s.kind = ri.kind
    WHERE ri.compound_id = ANY(?::int[]) AND ri.status <> 'cancelled'
    GROUP BY ROLLUP (k.tier, ri.kind)
    ORDER BY k.tier NULLS LAST, ri.kind NULLS FIRST`,
    [subsidies, ids],
  );

  return { members: sheet.members, totals: sheet.totals, elevatorByFloors, itemRows };
}

/** GeoJSON features of the members' footprints and of their renovation items that have a geometry (not cancelled). */
export async function exportFeatures(knex: Knex, ids: number[]): Promise<{ compounds: Array<{ id: number; geometry: unknown }>; items: unknown[] }> {
  if (!ids.length) return { compounds: [], items: [] };
  const { rows: compounds } = await knex.raw(
    `
    SELECT c.id, ST_AsGeoJSON(c.geom, 7)::json AS geometry FROM compounds c WHERE c.id = ANY(?::int[]) ORDER BY c.id`,
    [ids],
  );
  const { rows: items } = await knex.raw(
    `
    SELECT json_build_object('type', 'Feature', 'id', 'item-' || ri.id, 'geometry', ST_AsGeoJSON(ri.geom, 7)::json,
      'properties', json_build_object('layer', 'item', 'id', ri.id, 'compoundId', ri.compound_id, 'kind', ri.kind,
        'nameZh', k.name_zh, 'nameEn', k.name_en, 'tier', k.tier, 'quantity', ri.quantity::float8, 'unit', ri.unit,
        'costYuan', ri.cost_yuan::float8, 'status', ri.status)) AS f
    FROM renovation_items ri JOIN item_kinds k ON k.kind = ri.kind
    WHERE ri.compound_id = ANY(?::int[]) AND ri.geom IS NOT NULL AND ri.status <> 'cancelled'
    ORDER BY ri.compound_id, ri.id`,
    [ids],
  );
  return {
    compounds: compounds.map((r: { id: number; geometry: unknown }) => ({ id: Number(r.id), geometry: r.geometry })),
    items: items.map((r: { f: unknown }) => r.f),
  };
}
