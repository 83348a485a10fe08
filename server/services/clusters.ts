import type { Knex } from "knex";
import type { z } from "zod";
import { writeAudit, type Actor } from "../db/audit.js";
import { inTransaction } from "../db/transaction.js";
import {
  SHEET_KINDS,
  clusterRow,
  deleteCluster as deleteRow,
  exportFeatures,
  findCluster,
  findMembers,
  insertCluster,
  listClusters as listRows,
  lockCompounds,
  membershipsElsewhere,
  outlineOfCompounds,
  outlinesOfClusters,
  replaceMembers,
  clusterTopology,
  sheetSums,
  updateCluster as updateRow,
} from "../db/clusters.js";
import { compoundPoints } from "../db/exports.js";
import type { ReferenceData } from "../schemas/reference.js";
import { NotFoundError, ValidationError, VersionConflictError, type FieldError } from "../errors.js";
import { toCsv } from "../../shared/csv.js";
import { publishedCounts, type TopicCount } from "../db/feedback.js";
import type { clusterCreate, clusterPatch } from "../schemas/bodies.js";
import type { ClusterDetail, ClusterSheet, ClusterSummary, ClusterWarning, MemberFigures, OtherMembership } from "../schemas/clusters.js";
import { tierCodes, type ClusterRules } from "../schemas/reference.js";
import { checkCluster, describeCluster, memberPieces, type ClusterLimits } from "../../web/src/analysis/cluster.js";
import type { WalkGraph } from "../../web/src/analysis/walk-graph.js";

// 片区 clusters: save, read and check batches of compounds renovated together (连片改造), and the
// cluster sheet (households, elevators, parking, charging, cost and subsidy). Limits come from
// geodata/clusters.json; breaking one is a warning on the answer, never a refusal. The rules are
// checked by the one cluster check of the engine (web/src/analysis/cluster.ts checkCluster), the
// same the planner runs, on the walk graph the API serves: the same span, the same warnings.

/** What the server needs beside the database: the rules files and the walk graph it serves. */
export interface ClusterEnv {
  reference: ReferenceData;
  walkGraph: () => Promise<WalkGraph>;
}

/** The fields the public (anonymous) sees: no notes, versions, authors or planning warnings. */
const PUBLIC_FIELDS = [
  "id",
  "name",
  "planYear",
  "status",
  "memberIds",
  "memberCount",
  "households",
  "bbox",
  "members",
  "outline",
  "spanM",
  "contiguous",
  "updatedAt",
] as const;

function published<T extends object>(c: T): Partial<T> {
  return Object.fromEntries(Object.entries(c).filter(([k]) => (PUBLIC_FIELDS as readonly string[]).includes(k))) as Partial<T>;
}

export const clusterLimits = (rules: ClusterRules): ClusterLimits => ({
  minHouseholds: rules.minHouseholds,
  maxHouseholds: rules.maxHouseholds,
  maxSpanM: rules.maxSpanM,
  detourFactor: rules.detourFactor,
});

/** Span, pieces and the broken rules of the members `ids`, by the engine's one cluster check. */
async function checkMembers(knex: Knex, rules: ClusterRules, graph: WalkGraph, ids: number[]) {
  const topology = await clusterTopology(knex, ids, rules);
  const options = { ...clusterLimits(rules), walkGraph: graph };
  const spanM = ids.length ? describeCluster(ids, topology.compounds, options).spanM : 0;
  return {
    spanM: Number.isFinite(spanM) ? spanM : null,
    groups: memberPieces(ids, topology.pairs),
    warnings: ids.length ? (checkCluster(ids, topology.compounds, topology.pairs, options) as ClusterWarning[]) : [],
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const gap = (target: number, ...have: number[]) => Math.max(0, round2(target - have.reduce((a, b) => a + b, 0)));

/** Per-unit subsidies by item kind: an item's `subsidy` names a figure of costs.json `subsidies`. */
function subsidyPerUnit(reference: ReferenceData) {
  const subsidies = reference.costs.subsidies as Record<string, unknown>;
  return reference.costs.items.flatMap((i) => {
    const perUnit = i.subsidy === undefined ? undefined : subsidies[i.subsidy];
    return typeof perUnit === "number" ? [{ kind: i.kind, perUnitYuan: perUnit }] : [];
  });
}

/** Throw a 400 naming each member id that is not a compound. Returns the compounds' names. */
async function requireCompounds(knex: Knex, ids: number[], lock: boolean): Promise<Map<number, string>> {
  const found = lock ? await lockCompounds(knex, ids) : new Map((await findMembers(knex, ids)).map((m) => [m.id, m.name]));
  const errors: FieldError[] = ids.flatMap((id, i) =>
    found.has(id) ? [] : [{ name: `memberIds[${i}]`, reason: `compound ${id} does not exist`, code: "unknown_compound" as const, params: { id } }],
  );
  if (errors.length) throw new ValidationError(errors);
  return found;
}

/** Throw a 400 naming each member that already belongs to another cluster. */
async function requireFree(knex: Knex, ids: number[], clusterId?: number): Promise<void> {
  const taken = await membershipsElsewhere(knex, ids, clusterId);
  if (!taken.length) return;
  throw new ValidationError(
    taken.map((t) => ({
      name: `memberIds[${ids.indexOf(t.compoundId)}]`,
      reason: `compound ${t.compoundId} (${t.compoundName}) is already in cluster ${t.clusterId} (${t.clusterName}); a compound belongs to at most one cluster, so remove it there first`,
      code: "in_other_cluster" as const,
      params: { id: t.compoundId, compound: t.compoundName, clusterId: t.clusterId, cluster: t.clusterName },
    })),
  );
}

async function detail(knex: Knex, reference: ReferenceData, graph: WalkGraph, summary: ClusterSummary): Promise<ClusterDetail> {
  const rules = reference.clusters;
  const ids = summary.memberIds;
  // One after another: inside a transaction (create, update) they share one connection.
  const members = await findMembers(knex, ids);
  const outline = await outlineOfCompounds(knex, ids, rules.outlineClosingM);
  const check = await checkMembers(knex, rules, graph, ids);
  return { ...summary, members, outline, spanM: check.spanM, contiguous: check.groups.length <= 1, warnings: check.warnings };
}

/** A cluster the reader may see: anonymous readers never see drafts (404, as if missing). */
async function visibleSummary(knex: Knex, id: number, internal: boolean): Promise<ClusterSummary> {
  const s = await findCluster(knex, id);
  if (!s || (!internal && s.status === "draft")) throw new NotFoundError(`Cluster ${id}`);
  return s;
}

/**
 * Every cluster the reader may see (anonymous: all but drafts, published fields only), by id;
 * with `outline`, each with its outline (GeoJSON MultiPolygon, EPSG:4326).
 */
export async function listClusters(knex: Knex, reference: ReferenceData, opts: { internal: boolean; outline?: boolean }) {
  const rows = await listRows(knex, { publishedOnly: !opts.internal });
  const outlines = opts.outline
    ? await outlinesOfClusters(
        knex,
        rows.map((r) => r.id),
        reference.clusters.outlineClosingM,
      )
    : undefined;
  return rows.map((r) => {
    const c = outlines ? { ...r, outline: outlines.get(r.id) ?? null } : r;
    return opts.internal ? c : published(c);
  });
}

/** One cluster with members, outline and warnings; NotFoundError when missing (or a draft, for the public). */
export async function readCluster(knex: Knex, env: ClusterEnv, id: number, opts: { internal: boolean }) {
  const c = await detail(knex, env.reference, await env.walkGraph(), await visibleSummary(knex, id, opts.internal));
  return opts.internal ? c : published(c);
}

async function conflictOrMissing(knex: Knex, id: number, sent: number): Promise<never> {
  const row = await clusterRow(knex, id);
  if (!row) throw new NotFoundError(`Cluster ${id}`);
  throw new VersionConflictError("cluster", id, row.version, sent);
}

/** Save a new cluster (400 when a member is missing or already in another cluster), audited. */
export async function createCluster(knex: Knex, actor: Actor, env: ClusterEnv, body: z.infer<typeof clusterCreate>): Promise<ClusterDetail> {
  const graph = await env.walkGraph(); // before the transaction: it reads on a connection of its own
  return inTransaction(knex, async (trx) => {
    await requireCompounds(trx, body.memberIds, true);
    await requireFree(trx, body.memberIds);
    const id = await insertCluster(trx, {
      name: body.name,
      planYear: body.planYear ?? null,
      notes: body.notes ?? null,
      status: body.status,
      createdBy: actor.id,
    });
    await replaceMembers(trx, id, body.memberIds);
    await writeAudit(trx, { actor, action: "create", entity: "cluster", entityId: id, after: await clusterRow(trx, id) });
    return detail(trx, env.reference, graph, (await findCluster(trx, id))!);
  });
}

/** Change fields and/or members if `version` still matches (409 otherwise), audited. */
export async function updateCluster(knex: Knex, actor: Actor, env: ClusterEnv, id: number, body: z.infer<typeof clusterPatch>): Promise<ClusterDetail> {
  const graph = await env.walkGraph();
  return inTransaction(knex, async (trx) => {
    const before = await clusterRow(trx, id);
    if (!before) throw new NotFoundError(`Cluster ${id}`);
    if (before.version !== body.version) await conflictOrMissing(trx, id, body.version);
    const { version, memberIds, ...fields } = body;
    if (memberIds) {
      await requireCompounds(trx, memberIds, true);
      await requireFree(trx, memberIds, id);
    }
    if (!(await updateRow(trx, id, version, fields))) await conflictOrMissing(trx, id, version);
    if (memberIds) await replaceMembers(trx, id, memberIds);
    await writeAudit(trx, { actor, action: "update", entity: "cluster", entityId: id, before, after: await clusterRow(trx, id) });
    return detail(trx, env.reference, graph, (await findCluster(trx, id))!);
  });
}

/** Delete a cluster at `version` (409 when stale), audited with what it was; its compounds stay. */
export async function deleteCluster(knex: Knex, actor: Actor, id: number, version: number): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const before = await clusterRow(trx, id);
    if (!before) throw new NotFoundError(`Cluster ${id}`);
    if (!(await deleteRow(trx, id, version))) await conflictOrMissing(trx, id, version);
    await writeAudit(trx, { actor, action: "delete", entity: "cluster", entityId: id, before });
  });
}

/** Residents' published messages over the members: the total and per topic. */
function feedbackTotals(rows: TopicCount[]): ClusterSheet["feedback"] {
  const topics: ClusterSheet["feedback"]["topics"] = {};
  for (const r of rows) topics[r.topic] = (topics[r.topic] ?? 0) + r.count;
  return { total: rows.reduce((s, r) => s + r.count, 0), topics };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the cluster sheet: one object built from one set of SQL sums
async function sheetOf(knex: Knex, env: ClusterEnv, ids: number[], clusterId: number | null, others: OtherMembership[]): Promise<ClusterSheet> {
  const { reference } = env;
  const rules = reference.clusters;
  const elevatorCost = reference.costs.items.find((i) => i.kind === SHEET_KINDS.elevator)?.unitCostYuan ?? 0;
  const perUnit = subsidyPerUnit(reference);
  const elevatorSubsidy = perUnit.find((s) => s.kind === SHEET_KINDS.elevator)?.perUnitYuan ?? 0;
  const graph = await env.walkGraph();
  const [sums, check, outline, feedback] = await Promise.all([
    sheetSums(knex, ids, { ...rules, subsidyPerUnit: perUnit }),
    checkMembers(knex, rules, graph, ids),
    outlineOfCompounds(knex, ids, rules.outlineClosingM),
    publishedCounts(knex, ids),
  ]);
  const t = sums.totals;
  const { groups, warnings } = check;
  if (others.length) {
    const names = [...new Set(others.map((o) => `${o.clusterId} (${o.clusterName})`))].join(", ");
    warnings.push({
      code: "in_other_cluster",
      memberships: others,
      message: `${others.length} of these compounds already belong to cluster ${names}; saving them here needs them removed there first`,
    });
  }

  const kindRows = sums.itemRows.filter((r) => r.kind !== null);
  const tierRow = (tier: string) => sums.itemRows.find((r) => r.tier === tier && r.kind === null);
  const grand = sums.itemRows.find((r) => r.tier === null && r.kind === null);
  const tiers = tierCodes.map((tier) => ({
    tier,
    items: tierRow(tier)?.items ?? 0,
    costYuan: tierRow(tier)?.costYuan ?? 0,
    subsidyYuan: tierRow(tier)?.subsidyYuan ?? 0,
    kinds: kindRows
      .filter((r) => r.tier === tier)
      .map((r) => ({
        kind: r.kind!,
        nameZh: r.nameZh!,
        nameEn: r.nameEn!,
        unit: r.unit!,
        unitCostYuan: r.unitCostYuan!,
        items: r.items,
        quantity: r.quantity,
        quantityCompleted: r.quantityCompleted,
        quantityPlanned: r.quantityPlanned,
        costYuan: r.costYuan,
        subsidyYuan: r.subsidyYuan,
      })),
  }));

  return {
    clusterId,
    memberIds: [...ids].sort((a, b) => a - b),
    rules: {
      minHouseholds: rules.minHouseholds,
      maxHouseholds: rules.maxHouseholds,
      maxSpanM: rules.maxSpanM,
      detourFactor: rules.detourFactor,
      adjacencyM: rules.adjacencyM,
      streetFrontM: rules.streetFrontM,
      residentsPerHousehold: rules.residentsPerHousehold,
      parkingPerHousehold: rules.parkingPerHousehold,
      chargingShareTarget: rules.chargingShareTarget,
      householdsPerChargingShed: rules.householdsPerChargingShed,
      elevatorMinFloors: rules.elevatorMinFloors,
      elevatorSubsidyPerUnitYuan: elevatorSubsidy,
      elevatorUnitCostYuan: elevatorCost,
    },
    totals: {
      compounds: t.compounds,
      households: t.households,
      residents: t.residents,
      buildings: t.buildings,
      floorAreaM2: t.floorAreaM2,
      items: t.items,
      costYuan: t.costYuan,
      subsidyYuan: t.subsidyYuan,
      netCostYuan: round2(t.costYuan - t.subsidyYuan),
    },
    elevators: {
      minFloors: rules.elevatorMinFloors,
      candidateBuildings: t.elevatorCandidateBuildings,
      candidateUnits: t.elevatorCandidateUnits,
      byFloors: sums.elevatorByFloors,
      existing: t.elevatorsExisting,
      planned: t.elevatorsPlanned,
      potential: {
        elevators: t.elevatorCandidateUnits,
        costYuan: t.elevatorCandidateUnits * elevatorCost,
        subsidyYuan: t.elevatorCandidateUnits * elevatorSubsidy,
      },
    },
    parking: {
      perHousehold: rules.parkingPerHousehold,
      target: t.parkingDemand,
      existing: t.parkingExisting,
      planned: t.parkingPlanned,
      gap: gap(t.parkingDemand, t.parkingExisting, t.parkingPlanned),
    },
    charging: {
      targetShare: rules.chargingShareTarget,
      piles: {
        target: t.chargingPilesTarget,
        existing: t.chargingPilesExisting,
        planned: t.chargingPilesPlanned,
        gap: gap(t.chargingPilesTarget, t.chargingPilesExisting, t.chargingPilesPlanned),
      },
      householdsPerShed: rules.householdsPerChargingShed,
      sheds: {
        target: t.chargingShedsTarget,
        existing: t.chargingShedsExisting,
        planned: t.chargingShedsPlanned,
        gap: gap(t.chargingShedsTarget, t.chargingShedsExisting, t.chargingShedsPlanned),
      },
    },
    items: {
      tiers,
      items: grand?.items ?? 0,
      costYuan: grand?.costYuan ?? 0,
      subsidyYuan: grand?.subsidyYuan ?? 0,
      netCostYuan: round2((grand?.costYuan ?? 0) - (grand?.subsidyYuan ?? 0)),
    },
    members: sums.members,
    feedback: feedbackTotals(feedback),
    spanM: check.spanM,
    contiguous: groups.length <= 1,
    groups,
    warnings,
    outline,
  };
}

/** The sheet of a saved cluster (drafts only for signed-in readers). */
export async function clusterSheet(knex: Knex, env: ClusterEnv, id: number, opts: { internal: boolean }): Promise<ClusterSheet> {
  const s = await visibleSummary(knex, id, opts.internal);
  const sheet = await sheetOf(knex, env, s.memberIds, id, []);
  return opts.internal ? sheet : { ...sheet, warnings: [] };
}

/**
 * The sheet of an unsaved selection of compounds (a cluster being edited): writes nothing.
 * Members of other clusters than `clusterId` give an `in_other_cluster` warning.
 */
export async function draftSheet(knex: Knex, env: ClusterEnv, memberIds: number[], clusterId?: number): Promise<ClusterSheet> {
  await requireCompounds(knex, memberIds, false);
  if (clusterId !== undefined && !(await findCluster(knex, clusterId))) {
    throw new ValidationError([{ name: "clusterId", reason: `cluster ${clusterId} does not exist`, code: "unknown_cluster", params: { id: clusterId } }]);
  }
  return sheetOf(knex, env, memberIds, clusterId ?? null, await membershipsElsewhere(knex, memberIds, clusterId));
}

export interface ExportFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** Columns of the cluster CSV after the cluster's id and name: one row per member. */
const CSV_MEMBER_COLUMNS: Array<keyof MemberFigures> = [
  "id",
  "name",
  "households",
  "residents",
  "buildings",
  "floorAreaM2",
  "elevatorCandidateBuildings",
  "elevatorCandidateUnits",
  "parkingDemand",
  "parkingExisting",
  "parkingPlanned",
  "chargingPilesExisting",
  "chargingPilesPlanned",
  "chargingShedsExisting",
  "chargingShedsPlanned",
  "elevatorsExisting",
  "elevatorsPlanned",
  "items",
  "costYuan",
  "subsidyYuan",
];

/**
 * A cluster plan as GeoJSON (the outline, each member's footprint with its sheet figures, and
 * the members' renovation items that have a place on the map; `properties.layer` tells them apart)
 * or CSV (one row per member with its sheet figures and a point inside it; UTF-8 with BOM).
 */
export async function exportCluster(knex: Knex, env: ClusterEnv, id: number, format: "geojson" | "csv", opts: { internal: boolean }): Promise<ExportFile> {
  const cluster = (await readCluster(knex, env, id, opts)) as Partial<ClusterDetail>;
  const ids = cluster.memberIds ?? [];
  const sheet = await sheetOf(knex, env, ids, id, []);
  const stamp = new Date().toISOString().slice(0, 10);
  const fileName = `cluster-${id}-${stamp}.${format}`;
  const figures = new Map(sheet.members.map((m) => [m.id, m]));
  const member = new Map((cluster.members ?? []).map((m) => [m.id, m]));
  if (format === "csv") {
    const points = await compoundPoints(knex, ids);
    const rows = sheet.members.map((m) => [
      id,
      cluster.name,
      ...CSV_MEMBER_COLUMNS.map((k) => m[k]),
      member.get(m.id)?.status,
      ...(points.get(m.id) ?? [null, null]),
    ]);
    const headers = [
      "clusterId",
      "cluster",
      ...CSV_MEMBER_COLUMNS.map((k) => (k === "id" ? "compoundId" : k === "name" ? "compound" : k)),
      "status",
      "lon",
      "lat",
    ];
    return { body: Buffer.from(toCsv(headers, rows)), contentType: "text/csv; charset=utf-8", fileName };
  }
  const { compounds, items } = await exportFeatures(knex, ids);
  const { outline, members: _m, memberIds: _i, warnings: _w, ...props } = cluster;
  const features = [
    { type: "Feature", id: `cluster-${id}`, geometry: outline ?? null, properties: { layer: "outline", ...props, ...sheet.totals } },
    ...compounds.map((c) => ({
      type: "Feature",
      id: `compound-${c.id}`,
      geometry: c.geometry,
      properties: { layer: "compound", clusterId: id, ...figures.get(c.id), status: member.get(c.id)?.status ?? null },
    })),
    ...items,
  ];
  return {
    body: Buffer.from(JSON.stringify({ type: "FeatureCollection", features })),
    contentType: "application/geo+json",
    fileName,
  };
}
