// Types of the GeoJSON the read API returns; the web app imports them with `import type`.
import type { CompoundStatus, Management } from "./compounds.js";
import type { ItemStatus } from "./items.js";
import type { Tier } from "./reference.js";

export type { CompoundStatus };
export type { StandardsProfile, FacilityCategory, CostTable } from "./reference.js";

export interface Feature<G, P> {
  type: "Feature";
  id: number;
  geometry: G;
  properties: P;
}
export interface FeatureCollection<F> {
  type: "FeatureCollection";
  features: F[];
  numberMatched?: number;
  numberReturned?: number;
  next?: string | null;
}
export interface MultiPolygon {
  type: "MultiPolygon";
  coordinates: number[][][][];
}
export interface Polygon {
  type: "Polygon";
  coordinates: number[][][];
}
export interface Point {
  type: "Point";
  coordinates: number[];
}

export interface CompoundProperties {
  id: number;
  name: string;
  address: string | null;
  buildYear: number | null;
  households: number;
  buildingCount: number;
  floorAreaM2: number | null;
  areaM2: number;
  management: Management;
  tier: Tier | null;
  status: CompoundStatus;
  planYear: number | null;
  startedOn: string | null;
  completedOn: string | null;
  acceptedOn: string | null;
  communityId: number | null;
  community: string | null;
  subdistrictId: number | null;
  subdistrict: string | null;
  /** Where `households` comes from: a bureau inventory, OpenStreetMap, an estimate from buildings, typed in, or unknown. */
  householdsSource: "inventory" | "osm" | "estimated" | "manual" | "unknown";
  /** How residents reach the street: its gates; assumed where the network meets its wall; an open neighbourhood; none. */
  access: "gates" | "assumed" | "open" | "none";
  version: number;
}
export type CompoundFeature = Feature<MultiPolygon, CompoundProperties>;

export interface BuildingProperties {
  id: number;
  compoundId: number | null;
  name: string | null;
  floors: number;
  units: number;
  hasElevator: boolean;
  households: number | null;
  buildYear: number | null;
  footprintM2?: number;
}
export interface GateProperties {
  id: number;
  compoundId: number;
  name: string | null;
  kind: string;
  /** osm, manual, or assumed (a place where the walk network meets a compound without a mapped gate). */
  source: "osm" | "assumed" | "manual";
}
export interface RenovationItemProperties {
  id: number;
  kind: string;
  nameZh: string;
  nameEn: string;
  tier: Tier;
  quantity: number;
  unit: string;
  costYuan: number;
  status: ItemStatus;
  /** When its work started (施工中) and when it was completed (已完工), YYYY-MM-DD; null until then. */
  startedOn: string | null;
  completedOn: string | null;
  version: number;
  /** The building and unit (单元) the item is on, e.g. an elevator retrofit. */
  buildingId?: number | null;
  buildingUnit?: number | null;
}
/** GET /api/items: an item on the map (the public gets completed ones only; signed-in readers planned and started ones too). */
export interface MapItemProperties {
  id: number;
  compoundId: number;
  kind: string;
  quantity: number;
  unit: string;
  nameZh: string;
  nameEn: string;
  status: ItemStatus;
  startedOn: string | null;
  completedOn: string | null;
}
/** GET /api/items/statuses: the item statuses, the allowed moves, and the moves a bulk change to each status makes from each. */
export interface ItemStatusRules {
  statuses: ItemStatus[];
  transitions: Record<ItemStatus, ItemStatus[]>;
  bulk: Record<ItemStatus, Partial<Record<ItemStatus, ItemStatus[]>>>;
}
export interface AmenityProperties {
  id: number;
  name: string | null;
  category: string;
  categoryName: string;
  categoryNameEn: string;
  circle: string;
  capacity: number | null;
}

/** GET /api/compounds/:id */
export interface CompoundDetail extends Feature<MultiPolygon, CompoundProperties & { surveyedHouseholds: number | null; satisfiedHouseholds: number | null }> {
  buildings: FeatureCollection<Feature<Polygon, BuildingProperties>>;
  gates: FeatureCollection<Feature<Point, GateProperties>>;
  renovationItems: Array<Feature<Point | Polygon | null, RenovationItemProperties>>;
}

/** One row of GET /api/stats/progress: renovation progress of one plan year (or of all). */
export interface ProgressRow {
  /** Plan year; null on the totals row. */
  planYear: number | null;
  /** 列入计划: compounds listed in that year's plan (any status but unlisted). */
  planned: number;
  /** 已开工: started, completed or accepted. */
  started: number;
  /** 已完工: completed or accepted. */
  completed: number;
  /** 已验收 */
  accepted: number;
  /** 开工率 = started / planned (0–1). */
  startRate: number;
  /** 完工率 = completed / planned (0–1). */
  completionRate: number;
  /** Households in the listed compounds (户). */
  households: number;
  /** Households in completed or accepted compounds (惠及户数). */
  householdsBenefited: number;
  /** Investment: renovation items not cancelled, in 万元 (10,000 yuan). */
  investmentWan: number;
}
