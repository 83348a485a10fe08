// One hook per API resource.
import type {
  AmenityProperties,
  BuildingProperties,
  CompoundDetail,
  CompoundFeature,
  CostTable,
  Feature,
  FeatureCollection,
  GateProperties,
  Point,
  Polygon,
  ProgressRow,
  StandardsProfile,
} from "../../../server/schemas/features";
import type { ClusterRules } from "../../../server/schemas/reference";
import type { FeedbackCounts } from "../../../server/schemas/feedback";
import type { CompoundStatus } from "../../../server/schemas/compounds";
import { useApi } from "./client";

export type { CompoundDetail, CompoundFeature, ProgressRow, StandardsProfile, CostTable, FeedbackCounts };
export type Compounds = FeatureCollection<CompoundFeature>;
export type Buildings = FeatureCollection<Feature<Polygon, BuildingProperties>>;
export type Gates = FeatureCollection<Feature<Point, GateProperties>>;
export type Amenities = FeatureCollection<Feature<Point, AmenityProperties>>;
export type Layer = FeatureCollection<Feature<unknown, Record<string, unknown>>>;
export interface Progress {
  years: ProgressRow[];
  total: ProgressRow;
}

/** Every compound, page by page (5,000 a page): a province's city is never cut at a row limit. */
export const useCompounds = () => useApi<Compounds>("/api/compounds?limit=5000", { allPages: true });
/** One compound: a signed-in reader gets its row versions and every item's place, so it follows the session. */
export const useCompound = (id: number | null) => useApi<CompoundDetail>(id === null ? null : `/api/compounds/${id}`, { perReader: true });
export const useProgress = () => useApi<Progress>("/api/stats/progress");
export const useStandards = () => useApi<StandardsProfile>("/api/standards");
export const useCosts = () => useApi<CostTable>("/api/costs");
export type { ClusterRules };
/** The cluster rules of geodata/clusters.json: limits the planner clusters and checks by. */
export const useClusterRules = () => useApi<ClusterRules>("/api/clusters/rules");
export interface StatusRules {
  statuses: CompoundStatus[];
  transitions: Record<CompoundStatus, CompoundStatus[]>;
}
/** The renovation statuses and where a compound may go from each (server/schemas/compounds.ts). */
export const useCompoundStatuses = () => useApi<StatusRules>("/api/compounds/statuses");
export const useAmenities = () => useApi<Amenities>("/api/amenities");
export const useBuildings = (enabled = true) => useApi<Buildings>(enabled ? "/api/buildings" : null);
export const useGates = () => useApi<Gates>("/api/gates");
export const useStreets = (enabled = true) => useApi<Layer>(enabled ? "/api/streets" : null);
export const useWater = (enabled = true) => useApi<Layer>(enabled ? "/api/water" : null);
/** Items with a place on the map: completed ones for the public, unfinished ones too for a signed-in reader. */
export const useItems = () => useApi<Layer>("/api/items", { perReader: true });
export const useSubdistricts = () => useApi<Layer>("/api/subdistricts");
export const useCommunities = () => useApi<Layer>("/api/communities");
/** Residents' published messages per compound and topic (counts only: public). */
export const useFeedbackCounts = () => useApi<FeedbackCounts>("/api/feedback/counts");

export interface ClientConfig {
  basemapStyleUrl: string | null;
  /** Layers the map draws from `/api/tiles/{layer}/…` (a city larger than a district); empty: all GeoJSON. */
  tiledLayers: string[];
}
export const useClientConfig = () => useApi<ClientConfig>("/api/config");
/** The external basemap style, when one is configured (off by default). */
export const useExternalStyle = (url: string | null) => useApi<import("maplibre-gl").StyleSpecification>(url);
