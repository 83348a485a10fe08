/**
 * Output types of the demo-city generator: GeoJSON (RFC 7946, EPSG:4326, [lon, lat]) feature
 * collections with the property names the server's loader reads (camelCase), plus the walk network.
 */

import type { ItemStatus as ServedItemStatus } from "../../server/schemas/items.js";
import type { CompoundStatus, Management } from "../../server/schemas/compounds.js";
import type { GateKind } from "../../server/schemas/items.js";
import type { Tier } from "../../server/schemas/reference.js";
import type { Feature as GeoJsonFeature, FeatureCollection as GeoJsonFeatureCollection } from "../../server/schemas/features.js";

export type Position = [number, number];
export type Ring = Position[];

export interface PointGeometry {
  type: "Point";
  coordinates: Position;
}
export interface LineStringGeometry {
  type: "LineString";
  coordinates: Position[];
}
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: Ring[][];
}
export type Geometry = PointGeometry | LineStringGeometry | PolygonGeometry | MultiPolygonGeometry;

// The API's Feature and FeatureCollection (server/schemas/features.ts), narrowed to the generator's
// geometries ([lon, lat] tuples, LineStrings for streets) and to properties that carry the id.
export type Feature<G extends Geometry | null, P extends { id: number }> = GeoJsonFeature<G, P>;
export type FeatureCollection<G extends Geometry | null, P extends { id: number }> = GeoJsonFeatureCollection<Feature<G, P>>;

/** Street classes; walk edges carry the class of the street they come from. */
export type StreetClass = "arterial" | "branch" | "alley" | "footway";
export type { CompoundStatus, Management } from "../../server/schemas/compounds.js";
export type { GateKind } from "../../server/schemas/items.js";
export type { Tier } from "../../server/schemas/reference.js";
/** The statuses the generator gives items (it cancels none). */
export type ItemStatus = Exclude<ServedItemStatus, "cancelled">;

export interface SubdistrictProps {
  id: number;
  name: string;
  code: string;
}
export interface CommunityProps {
  id: number;
  name: string;
  subdistrictId: number;
}

export interface CompoundProps {
  id: number;
  name: string;
  address: string;
  buildYear: number;
  households: number;
  buildingCount: number;
  floorAreaM2: number;
  management: Management;
  communityId: number;
  subdistrictId: number;
  tier: Tier | null;
  status: CompoundStatus;
  planYear: number | null;
  /** ISO dates (YYYY-MM-DD). */
  startedOn: string | null;
  completedOn: string | null;
  acceptedOn: string | null;
  surveyedHouseholds: number | null;
  satisfiedHouseholds: number | null;
}

export interface BuildingProps {
  id: number;
  compoundId: number | null;
  name: string;
  floors: number;
  units: number;
  hasElevator: boolean;
  households: number;
  buildYear: number;
}

export interface GateProps {
  id: number;
  compoundId: number;
  name: string;
  kind: GateKind;
}
export interface AmenityProps {
  id: number;
  name: string;
  category: string;
  capacity: number | null;
}

export interface RenovationItemProps {
  id: number;
  compoundId: number;
  kind: string;
  quantity: number;
  /** The unit code from costs.json (m2, m, household, …). */
  unit: string;
  costYuan: number;
  status: ItemStatus;
  tier: Tier;
}

export interface StreetProps {
  id: number;
  name: string | null;
  class: StreetClass;
  bridge: boolean;
}
export interface WaterProps {
  id: number;
  name: string;
  kind: "river" | "pond";
}

export interface WalkNetwork {
  /** [id, lon, lat] */
  nodes: Array<[number, number, number]>;
  /** [id, sourceNodeId, targetNodeId, class]; an edge is the straight segment between its nodes. */
  edges: Array<[number, number, number, StreetClass]>;
}

export interface CityMeta {
  seed: number;
  scale: number;
  center: Position;
  bbox: [number, number, number, number];
  /** Status snapshot date: no started/completed/accepted date lies after it. */
  statusAsOf: string;
  counts: Record<string, number | Record<string, number>>;
  notes: string[];
}

export interface City {
  meta: CityMeta;
  subdistricts: FeatureCollection<MultiPolygonGeometry, SubdistrictProps>;
  communities: FeatureCollection<MultiPolygonGeometry, CommunityProps>;
  compounds: FeatureCollection<MultiPolygonGeometry, CompoundProps>;
  buildings: FeatureCollection<PolygonGeometry, BuildingProps>;
  gates: FeatureCollection<PointGeometry, GateProps>;
  amenities: FeatureCollection<PointGeometry, AmenityProps>;
  renovationItems: FeatureCollection<PointGeometry | PolygonGeometry | null, RenovationItemProps>;
  streets: FeatureCollection<LineStringGeometry, StreetProps>;
  water: FeatureCollection<PolygonGeometry | MultiPolygonGeometry, WaterProps>;
  walkNetwork: WalkNetwork;
}
