import type { CompoundStatus } from "../../../server/schemas/features";

/** Status colours (colour-blind-safe sequence from grey through blue and orange to greens). */
export const STATUS_COLORS: Record<CompoundStatus, string> = {
  unlisted: "#b9b4aa",
  planned: "#4e89c7",
  started: "#f09a2a",
  completed: "#7cc26e",
  accepted: "#2b8a4b",
};
export const STATUSES = Object.keys(STATUS_COLORS) as CompoundStatus[];

// The coverage map's colours: each meaning has its own family and no colour means two things.
// Red → yellow → green is coverage (compound fills: score, covered or not, distance bands);
// blues are walking time from a point (isochrones); facility markers take dark purple, magenta,
// brown and slate (their living circle); gates and what-if marks are neutral ink.

/** Coverage ramp for compound fills, worst first: none reached / farther, then up to full coverage. */
export const COVERAGE_RAMP = ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"] as const;

/** Isochrone band colours, nearest first (5, 10, 15 minutes): blues, darker when nearer. */
export const ISOCHRONE_COLORS = ["#08519c", "#3182bd", "#6baed6"];

/** Living-circle colours for facility markers (dark enough for the white category mark). */
export const CIRCLE_COLORS: Record<string, string> = {
  block: "#546e7a",
  "5min": "#6a3d9a",
  "10min": "#c51b7d",
  "15min": "#7f4f24",
};

/** The selected compound: its outline, a ring round each of its items and its gates (in every view). */
export const SELECTION_COLOR = "#ff00ff";

/** The scenario-versus-baseline view: compounds that gain coverage, lose it, or stay as they were. */
export const CHANGE_COLORS = { gained: "#18ffff", lost: "#8b0000", unchanged: "#e8e4dc" } as const;

/** Subdistrict (街道) and community (社区) boundaries on the map, and the report's outline. */
export const BOUNDARY_COLORS = { subdistrict: "#000080", community: "#b39ddb" } as const;

/** Gates (white dots with this ring) and what-if marks (proposed facilities and gates, suggested sites, an isochrone's origin). */
export const GATE_STROKE = "#3d3d3d";
export const ANALYSIS_INK = "#212121";

/**
 * A one-character mark per facility category, drawn inside its circle marker with the app's own
 * CJK font (no sprite sheet to serve). Categories not listed use the first character of their name.
 */
export const CATEGORY_MARKS: Record<string, string> = {
  convenience_store: "便",
  parcel_point: "快",
  community_service_station: "服",
  community_canteen: "食",
  kindergarten: "幼",
  nursery: "托",
  elderly_day_care: "老",
  health_station: "医",
  culture_station: "文",
  outdoor_fitness: "健",
  primary_school: "小",
  sports_ground: "运",
  fresh_market: "菜",
  pharmacy: "药",
  middle_school: "中",
  health_centre: "卫",
  nursing_home: "养",
  culture_centre: "艺",
  sports_hall: "体",
  subdistrict_service_centre: "街",
  supermarket: "商",
  bank: "银",
  post_office: "邮",
};

export const BUILDING_COLORS = { elevator: "#5b7fb3", candidate: "#e07b39", low: "#a9a39a", base: "#c9c1b4" };
/** Elevator candidates: 4+ floors without an elevator (configurable in the planner issue). */
export const ELEVATOR_CANDIDATE_MIN_FLOORS = 4;

/** Additions on the map (parking, charging, elevators): a colour and a one-character mark per item kind. */
export const ITEM_MARKS: Record<string, { mark: string; color: string }> = {
  parking_space: { mark: "P", color: "#1f5f99" },
  charging_pile: { mark: "充", color: "#2b8a4b" },
  charging_shed: { mark: "棚", color: "#16796f" },
  elevator: { mark: "梯", color: "#c46210" },
};
export const ITEM_DEFAULT = { mark: "改", color: "#7b3fa0" };
