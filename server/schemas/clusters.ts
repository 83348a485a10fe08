import type { FeedbackTopic } from "../../shared/feedback.js";
import type { tierCodes } from "./reference.js";

// 片区 clusters on the wire: the statuses, a cluster as the API returns it, the rules it breaks and
// the cluster sheet. The server (db, services) and the web app (planner) import these types; the
// request bodies are in bodies.ts.

export const clusterStatuses = ["draft", "planned", "started", "completed"] as const;
export type ClusterStatus = (typeof clusterStatuses)[number];

export interface ClusterAuthor {
  id: number;
  name: string;
  displayName: string | null;
}

export interface ClusterSummary {
  id: number;
  name: string;
  planYear: number | null;
  status: ClusterStatus;
  notes: string | null;
  memberIds: number[];
  memberCount: number;
  households: number;
  /** `[minLon, minLat, maxLon, maxLat]` of the members, null without members. */
  bbox: [number, number, number, number] | null;
  createdBy: ClusterAuthor | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ClusterMember {
  id: number;
  name: string;
  households: number;
  buildingCount: number;
  buildYear: number | null;
  management: string;
  tier: string | null;
  status: string;
  planYear: number | null;
  subdistrict: string | null;
  community: string | null;
}

export interface OtherMembership {
  compoundId: number;
  compoundName: string;
  clusterId: number;
  clusterName: string;
}

export interface MemberFigures {
  id: number;
  name: string;
  households: number;
  residents: number;
  buildings: number;
  floorAreaM2: number;
  elevatorCandidateBuildings: number;
  elevatorCandidateUnits: number;
  parkingDemand: number;
  parkingExisting: number;
  parkingPlanned: number;
  chargingPilesExisting: number;
  chargingPilesPlanned: number;
  chargingShedsExisting: number;
  chargingShedsPlanned: number;
  elevatorsExisting: number;
  elevatorsPlanned: number;
  items: number;
  costYuan: number;
  subsidyYuan: number;
}

/**
 * A broken cluster rule: shown as a warning, never a refusal. The one check of a cluster, used by
 * the planner (in the worker) and by the server's warnings on saved and draft clusters.
 */
export interface ClusterViolation {
  code:
    | "empty"
    | "unknown_compound"
    | "duplicate_member"
    | "not_contiguous"
    | "too_few_members"
    | "too_few_households"
    | "too_many_households"
    | "span_too_long";
  /** In English, with the numbers; screens translate `code` with `value` and `limit` instead. */
  message: string;
  /** The compounds concerned (the unknown ids, the two ends of the longest span, the smallest piece …). */
  ids?: number[];
  /** The measured value: households, metres of span (null: the ends are not connected on the walk network), or pieces. */
  value?: number | null;
  /** The limit it breaks. */
  limit?: number;
  /** not_contiguous: the members in pieces that do not touch each other (each ascending, largest piece first). */
  groups?: number[][];
}

/**
 * A rule the cluster breaks (the engine's {@link ClusterViolation}), or, known only to the
 * database, members that belong to another cluster. Shown to the planner, never a refusal.
 */
export type ClusterWarning =
  | ClusterViolation
  | {
      code: "in_other_cluster";
      message: string;
      /** in_other_cluster: which selected compounds belong to which other cluster. */
      memberships: OtherMembership[];
    };

/** A cluster as the API returns it. Anonymous readers get only the published fields. */
export interface ClusterDetail extends ClusterSummary {
  members: ClusterMember[];
  /** Members' footprints and the streets between them (GeoJSON MultiPolygon, EPSG:4326); null without members. */
  outline: unknown | null;
  /** Largest walking distance between two members, metres (null: not connected on the walk network). */
  spanM: number | null;
  contiguous: boolean;
  warnings: ClusterWarning[];
}

/** A count against its target: `gap` is what is still missing after existing and planned. */
export interface Provision {
  target: number;
  existing: number;
  planned: number;
  gap: number;
}

/** One item kind's line of the cluster sheet (existing = completed; planned = planned or started). */
export interface SheetKindRow {
  kind: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  unitCostYuan: number;
  items: number;
  quantity: number;
  quantityCompleted: number;
  quantityPlanned: number;
  costYuan: number;
  subsidyYuan: number;
}

/** The cluster sheet (片区测算表). Money in yuan, areas in m², quantities in each kind's unit. */
export interface ClusterSheet {
  clusterId: number | null;
  memberIds: number[];
  /** The ratios and limits used, from geodata/clusters.json and costs.json. */
  rules: {
    minHouseholds: number;
    maxHouseholds: number;
    maxSpanM: number;
    detourFactor: number;
    adjacencyM: number;
    streetFrontM: number;
    residentsPerHousehold: number;
    parkingPerHousehold: number;
    chargingShareTarget: number;
    householdsPerChargingShed: number;
    elevatorMinFloors: number;
    elevatorSubsidyPerUnitYuan: number;
    elevatorUnitCostYuan: number;
  };
  totals: {
    compounds: number;
    households: number;
    residents: number;
    buildings: number;
    floorAreaM2: number;
    items: number;
    costYuan: number;
    subsidyYuan: number;
    netCostYuan: number;
  };
  elevators: {
    minFloors: number;
    /** Buildings with minFloors+ floors and no elevator, and their units (单元). */
    candidateBuildings: number;
    candidateUnits: number;
    byFloors: Array<{ floors: number; buildings: number; units: number }>;
    /** Elevator items: completed, and planned or started (部). */
    existing: number;
    planned: number;
    /** One elevator per candidate unit, at the unit cost and subsidy of costs.json. */
    potential: { elevators: number; costYuan: number; subsidyYuan: number };
  };
  parking: { perHousehold: number } & Provision;
  charging: {
    targetShare: number;
    /** Target: targetShare of the parking demand. */
    piles: Provision;
    householdsPerShed: number;
    /** Target: one shed per householdsPerShed households. */
    sheds: Provision;
  };
  items: {
    tiers: Array<{
      tier: (typeof tierCodes)[number];
      items: number;
      costYuan: number;
      subsidyYuan: number;
      kinds: SheetKindRow[];
    }>;
    items: number;
    costYuan: number;
    subsidyYuan: number;
    netCostYuan: number;
  };
  members: MemberFigures[];
  /** Residents' published messages about the members (意见征集): the total and per topic. */
  feedback: { total: number; topics: Partial<Record<FeedbackTopic, number>> };
  /** Largest walking distance between two members, metres (null: not connected on the walk network). */
  spanM: number | null;
  contiguous: boolean;
  groups: number[][];
  warnings: ClusterWarning[];
  /** The members' outline (footprints and the streets between them), GeoJSON MultiPolygon. */
  outline: unknown | null;
}
