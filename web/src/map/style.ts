import type { FeedbackCounts } from "../api/resources";
import type { DataDrivenPropertyValueSpecification, ExpressionSpecification, FilterSpecification, LayerSpecification, StyleSpecification } from "maplibre-gl";
import notoSansSC from "@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2?url";
import notoSansLatin from "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2?url";
import type { View } from "../state/url";
import {
  ANALYSIS_INK,
  BUILDING_COLORS,
  CATEGORY_MARKS,
  CIRCLE_COLORS,
  ELEVATOR_CANDIDATE_MIN_FLOORS,
  BOUNDARY_COLORS,
  GATE_STROKE,
  ISOCHRONE_COLORS,
  ITEM_DEFAULT,
  ITEM_MARKS,
  SELECTION_COLOR,
  STATUS_COLORS,
} from "./palette";

// Pure functions building the MapLibre style. Everything is drawn from our own data and our own
// font files: no tiles, glyph server, sprite or font leaves the app's origin.

export const FONT = ["Noto Sans Regular"];
const EMPTY = { type: "FeatureCollection", features: [] } as const;

/** Font files served by the app: Latin first (by range), the simplified-Chinese file for the rest. */
export function fontFaces(): NonNullable<StyleSpecification["font-faces"]> {
  const abs = (u: string) => new URL(u, globalThis.location?.href ?? "http://localhost/").href;
  return {
    "Noto Sans Regular": [{ url: abs(notoSansLatin), "unicode-range": ["U+0000-00FF", "U+0131", "U+0152-0153", "U+2000-206F"] }, { url: abs(notoSansSC) }],
  };
}

const statusColor: ExpressionSpecification = [
  "match",
  ["get", "status"],
  ...Object.entries(STATUS_COLORS).flat(),
  "#ff00ff",
] as unknown as ExpressionSpecification;

/**
 * Compound fill opacity: the chosen plan year stands out, others fade; the analysis views tone
 * compounds down so buildings, gates and facilities read on top; under a roll-up choropleth, none.
 */
export function compoundOpacity(year: number | null, view: View = "progress", underRegions = false): DataDrivenPropertyValueSpecification<number> {
  // Under a roll-up choropleth the areas' colours show through; the fills stay, invisible, so a click still selects.
  if (underRegions) return 0;
  const base: ExpressionSpecification =
    year === null ? ["literal", view === "progress" ? 0.72 : view === "coverage" ? 0.62 : 0.35] : ["case", ["==", ["get", "planYear"], year], 0.88, 0.14];
  // Planner: members of a cluster stand out in their cluster's colour.
  const withClusters: ExpressionSpecification = view === "planner" ? ["case", ["!=", ["feature-state", "cov"], null], 0.7, base] : base;
  return ["case", ["boolean", ["feature-state", "selected"], false], 0.95, withClusters];
}

const categoryMark: ExpressionSpecification = [
  "match",
  ["get", "category"],
  ...Object.entries(CATEGORY_MARKS).flat(),
  ["slice", ["get", "categoryName"], 0, 1],
] as unknown as ExpressionSpecification;

/** Item kind → its colour and its mark (parking P, charger 充, shed 棚, elevator 梯, others 改). */
const itemColor: ExpressionSpecification = [
  "match",
  ["get", "kind"],
  ...Object.entries(ITEM_MARKS).flatMap(([k, v]) => [k, v.color]),
  ITEM_DEFAULT.color,
] as unknown as ExpressionSpecification;
const itemMark: ExpressionSpecification = [
  "match",
  ["get", "kind"],
  ...Object.entries(ITEM_MARKS).flatMap(([k, v]) => [k, v.mark]),
  ITEM_DEFAULT.mark,
] as unknown as ExpressionSpecification;

/**
 * An item's symbol by its status (the planner's legend shows all three, the public map has only
 * completed items): completed filled in its kind's colour with a white mark; started (施工中) a
 * light tint of it; planned a hollow ring. `completed`, `started`, `planned` are the values.
 */
const byItemStatus = (completed: unknown, started: unknown, planned: unknown): ExpressionSpecification =>
  ["match", ["get", "status"], "completed", completed, "started", started, planned] as unknown as ExpressionSpecification;

const circleColor: ExpressionSpecification = [
  "match",
  ["get", "circle"],
  ...Object.entries(CIRCLE_COLORS).flat(),
  "#555555",
] as unknown as ExpressionSpecification;

const buildingColorByElevator: ExpressionSpecification = [
  "case",
  ["get", "hasElevator"],
  BUILDING_COLORS.elevator,
  [">=", ["get", "floors"], ELEVATOR_CANDIDATE_MIN_FLOORS],
  BUILDING_COLORS.candidate,
  BUILDING_COLORS.low,
];

const streetWidth = (arterial: number, branch: number, alley: number, footway: number): ExpressionSpecification => [
  "interpolate",
  ["exponential", 1.6],
  ["zoom"],
  12,
  ["match", ["get", "class"], "arterial", arterial * 0.35, "branch", branch * 0.3, "alley", alley * 0.2, footway * 0.15],
  17,
  ["match", ["get", "class"], "arterial", arterial * 3, "branch", branch * 3, "alley", alley * 3, footway * 3],
];

/** A compound the analysis has no colour for, or an area the roll-up has no row for (no compound in it). */
const NO_DATA = "#d6d1c6";

/** Compound fill colour: renovation status, or in the coverage view the colour the analysis set (feature-state `cov`). */
export function compoundColor(view: View): DataDrivenPropertyValueSpecification<string> {
  if (view === "coverage") return ["to-color", ["coalesce", ["feature-state", "cov"], NO_DATA]];
  // The planner's clusters colour their members; other compounds keep their status colour.
  if (view === "planner")
    return ["case", ["!=", ["feature-state", "cov"], null], ["to-color", ["feature-state", "cov"]], statusColor] as ExpressionSpecification;
  return statusColor;
}

/** Areas a roll-up choropleth can colour on the map (their sources and `-fill` layers). */
export type RegionLevel = "subdistrict" | "community";
export const regionSource = (level: RegionLevel) => (level === "subdistrict" ? "subdistricts" : "communities");

/** Buildings' names (楼号) are drawn from this zoom on. */
export const BUILDING_LABEL_MIN_ZOOM = 16;

/** Gates are drawn from this zoom on (street level). */
export const GATES_MIN_ZOOM = 16;

/** The facility layers (markers and their marks): filtered to the chosen category in the coverage view. */
export const AMENITY_LAYERS = ["amenities-circle", "amenities-label"] as const;

/** Filter of the facility layers: only `category`'s facilities, or all (null). */
export function amenityFilter(category: string | null): FilterSpecification | null {
  return category ? ["==", ["get", "category"], category] : null;
}

/** Which layers each view shows. */
export function layerVisibility(view: View, show3d: boolean): Record<string, boolean> {
  const analysis = view === "coverage" || view === "planner";
  return {
    "buildings-fill": !(view === "planner" && show3d),
    "buildings-3d": view === "planner" && show3d,
    "gates-circle": analysis,
    "amenities-circle": analysis,
    "amenities-label": analysis,
    "items-circle": view !== "coverage",
    "items-fill": view !== "coverage",
    "items-label": view !== "coverage",
    "analysis-iso-fill": view === "coverage",
    "analysis-iso-line": view === "coverage",
    "analysis-points": view === "coverage" || view === "planner",
    "analysis-label": view === "coverage" || view === "planner",
    "analysis-outline": view === "planner",
    "analysis-adjacency": view === "planner",
    "feedback-circle": view === "progress" || view === "planner" || view === "feedback",
    "feedback-count": view === "progress" || view === "planner" || view === "feedback",
  };
}

/** Residents' published messages as map points: one per compound, inside it, with the count (`total`). */
export function feedbackLayer(counts?: FeedbackCounts): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: (counts?.compounds ?? []).flatMap((c) =>
      c.lonLat
        ? [
            {
              type: "Feature" as const,
              id: c.compoundId,
              geometry: { type: "Point" as const, coordinates: c.lonLat },
              properties: { compoundId: c.compoundId, total: c.total },
            },
          ]
        : [],
    ),
  };
}

/**
 * Building colour per view: by elevator status for planning, plain elsewhere (in the coverage view
 * an orange elevator candidate would read as a coverage band).
 */
export function buildingColor(view: View): DataDrivenPropertyValueSpecification<string> {
  return view === "planner" ? buildingColorByElevator : BUILDING_COLORS.base;
}

/** The colour of residents' feedback on the map (a violet no status or coverage band uses). */
export const FEEDBACK_INK = "#7b3fa0";

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the MapLibre style: one declarative list of sources and layers
export function baseStyle(): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: "background", type: "background", paint: { "background-color": "#f3efe6" } },
    { id: "water-fill", type: "fill", source: "water", paint: { "fill-color": "#a9cbe6" } },
    {
      id: "streets-casing",
      type: "line",
      source: "streets",
      filter: ["in", ["get", "class"], ["literal", ["arterial", "branch"]]],
      layout: { "line-join": "round", "line-cap": "round" },
      paint: { "line-color": "#d9cbb0", "line-width": streetWidth(9, 6, 3, 1.5) },
    },
    {
      id: "streets-line",
      type: "line",
      source: "streets",
      layout: { "line-join": "round", "line-cap": "round" },
      paint: {
        "line-color": ["match", ["get", "class"], "arterial", "#ffd27a", "branch", "#ffffff", "footway", "#e8e1d3", "#fbf8f2"],
        "line-width": streetWidth(7, 4.5, 2.2, 1),
        "line-dasharray": ["case", ["==", ["get", "class"], "footway"], ["literal", [2, 1]], ["literal", [1, 0]]],
      },
    },
    // The coverage view's roll-up choropleth (feature-state `roll`, set per area): off until asked for.
    ...(["subdistricts", "communities"] as const).map(
      (source): LayerSpecification => ({
        id: `${source}-fill`,
        type: "fill",
        source,
        layout: { visibility: "none" },
        paint: { "fill-color": ["to-color", ["coalesce", ["feature-state", "roll"], NO_DATA]], "fill-opacity": 0.8 },
      }),
    ),
    {
      id: "compounds-fill",
      type: "fill",
      source: "compounds",
      paint: { "fill-color": statusColor, "fill-opacity": compoundOpacity(null) },
    },
    {
      id: "compounds-outline",
      type: "line",
      source: "compounds",
      paint: {
        "line-color": ["case", ["boolean", ["feature-state", "selected"], false], SELECTION_COLOR, "#6d6452"],
        "line-width": ["case", ["boolean", ["feature-state", "selected"], false], 3, 0.6],
      },
    },
    {
      id: "buildings-fill",
      type: "fill",
      source: "buildings",
      minzoom: 12.5,
      paint: { "fill-color": BUILDING_COLORS.base, "fill-opacity": 0.9, "fill-outline-color": "#8c8577" },
    },
    {
      id: "buildings-3d",
      type: "fill-extrusion",
      source: "buildings",
      minzoom: 12.5,
      layout: { visibility: "none" },
      paint: {
        "fill-extrusion-color": buildingColorByElevator,
        "fill-extrusion-height": ["*", ["get", "floors"], 3],
        "fill-extrusion-opacity": 0.85,
      },
    },
    {
      // The building a planner clicked (feature-state `picked`): where the elevator form points.
      id: "buildings-picked",
      type: "line",
      source: "buildings",
      minzoom: 12.5,
      paint: { "line-color": SELECTION_COLOR, "line-width": 2.5, "line-opacity": ["case", ["boolean", ["feature-state", "picked"], false], 1, 0] },
    },
    {
      id: "communities-line",
      type: "line",
      source: "communities",
      minzoom: 13,
      paint: { "line-color": BOUNDARY_COLORS.community, "line-width": 1.6, "line-dasharray": [3, 2] },
    },
    {
      id: "subdistricts-line",
      type: "line",
      source: "subdistricts",
      layout: { "line-join": "round" },
      paint: { "line-color": BOUNDARY_COLORS.subdistrict, "line-width": ["interpolate", ["linear"], ["zoom"], 12, 1.5, 17, 3.5], "line-opacity": 0.75 },
    },
    {
      // Gates only at street zoom: at district zoom 500+ dots would hide the coverage fills.
      id: "gates-circle",
      type: "circle",
      source: "gates",
      minzoom: GATES_MIN_ZOOM,
      layout: { visibility: "none" },
      paint: { "circle-radius": 3.5, "circle-color": "#ffffff", "circle-stroke-color": GATE_STROKE, "circle-stroke-width": 2 },
    },
    {
      id: "streets-label",
      type: "symbol",
      source: "streets",
      minzoom: 14,
      filter: ["all", ["has", "name"], ["!=", ["get", "class"], "footway"]],
      layout: {
        "symbol-placement": "line",
        "text-field": ["get", "name"],
        "text-font": FONT,
        "text-size": 12,
        "symbol-spacing": 350,
      },
      paint: { "text-color": "#5d5446", "text-halo-color": "#ffffff", "text-halo-width": 1.4 },
    },
    {
      id: "water-label",
      type: "symbol",
      source: "water",
      layout: { "symbol-placement": "point", "text-field": ["get", "name"], "text-font": FONT, "text-size": 14 },
      paint: { "text-color": "#2f6690", "text-halo-color": "#e8f1f8", "text-halo-width": 1.2 },
    },
    {
      // Subdistrict names until the compounds' own names take over.
      id: "subdistricts-label",
      type: "symbol",
      source: "subdistricts",
      maxzoom: 14.3,
      layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 15 },
      paint: { "text-color": BOUNDARY_COLORS.subdistrict, "text-halo-color": "#ffffff", "text-halo-width": 2 },
    },
    {
      // 楼号: each building's name at street zoom.
      id: "buildings-label",
      type: "symbol",
      source: "buildings",
      minzoom: BUILDING_LABEL_MIN_ZOOM,
      filter: ["has", "name"],
      layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 11, "text-max-width": 6 },
      paint: { "text-color": "#4a4338", "text-halo-color": "#ffffff", "text-halo-width": 1.2 },
    },
    {
      id: "compounds-label",
      type: "symbol",
      source: "compounds",
      minzoom: 14.3,
      layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 12, "text-max-width": 7 },
      paint: { "text-color": "#2e2a24", "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
    },
    {
      // Isochrones, farthest band first so nearer ones draw on top.
      id: "analysis-iso-fill",
      type: "fill",
      source: "analysis",
      filter: ["==", ["get", "layer"], "isochrone"],
      layout: { visibility: "none", "fill-sort-key": ["-", 0, ["get", "limitM"]] },
      paint: { "fill-color": ["match", ["get", "band"], 0, ISOCHRONE_COLORS[0], 1, ISOCHRONE_COLORS[1], ISOCHRONE_COLORS[2]], "fill-opacity": 0.2 },
    },
    {
      id: "analysis-iso-line",
      type: "line",
      source: "analysis",
      filter: ["==", ["get", "layer"], "isochrone"],
      layout: { visibility: "none" },
      paint: { "line-color": ["match", ["get", "band"], 0, ISOCHRONE_COLORS[0], 1, ISOCHRONE_COLORS[1], ISOCHRONE_COLORS[2]], "line-width": 2 },
    },
    {
      // The adjacency graph between compounds (on request, planner view).
      id: "analysis-adjacency",
      type: "line",
      source: "analysis",
      filter: ["==", ["get", "layer"], "adjacency"],
      layout: { visibility: "none" },
      paint: { "line-color": "#5b4a8b", "line-width": 1.5, "line-opacity": 0.8 },
    },
    {
      // A cluster's outline: its footprints and the streets between them.
      id: "analysis-outline",
      type: "line",
      source: "analysis",
      filter: ["==", ["get", "layer"], "outline"],
      layout: { visibility: "none" },
      paint: { "line-color": "#222222", "line-width": 3, "line-dasharray": [2, 1] },
    },
    {
      id: "amenities-circle",
      type: "circle",
      source: "amenities",
      layout: { visibility: "none" },
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 12, 4, 16, 10],
        "circle-color": circleColor,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1.5,
      },
    },
    {
      id: "amenities-label",
      type: "symbol",
      source: "amenities",
      minzoom: 14,
      layout: {
        visibility: "none",
        "text-field": categoryMark,
        "text-font": FONT,
        "text-size": ["interpolate", ["linear"], ["zoom"], 14, 9, 16, 12],
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#ffffff" },
    },
    {
      // Additions drawn as areas (a parking lot), public once completed and in the selected compound.
      id: "items-fill",
      type: "fill",
      source: "items",
      minzoom: 14,
      filter: ["==", ["geometry-type"], "Polygon"],
      paint: { "fill-color": itemColor, "fill-opacity": byItemStatus(0.45, 0.2, 0.06), "fill-outline-color": itemColor },
    },
    {
      id: "selection-fill",
      type: "fill",
      source: "selection",
      // The selected compound's areas: outlined in the selection colour (their status shows in items-fill).
      filter: ["all", ["==", ["geometry-type"], "Polygon"], ["==", ["get", "layer"], "item"]],
      paint: { "fill-color": SELECTION_COLOR, "fill-opacity": 0.08, "fill-outline-color": SELECTION_COLOR },
    },
    {
      // Additions: parking, chargers, sheds, elevators, each with its own mark and colour; filled
      // once completed (all the public sees), tinted while under way, a hollow ring while planned.
      id: "items-circle",
      type: "circle",
      source: "items",
      minzoom: 14,
      filter: ["==", ["geometry-type"], "Point"],
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 14, 4, 18, 10],
        "circle-color": itemColor,
        "circle-opacity": byItemStatus(1, 0.5, 0),
        "circle-stroke-color": byItemStatus("#ffffff", itemColor, itemColor),
        "circle-stroke-width": byItemStatus(1.5, 2.5, 2.5),
      },
    },
    {
      id: "items-label",
      type: "symbol",
      source: "items",
      minzoom: 15.5,
      layout: { "text-field": itemMark, "text-font": FONT, "text-size": 11, "text-allow-overlap": true },
      paint: {
        "text-color": byItemStatus("#ffffff", itemColor, itemColor),
        "text-halo-color": "#ffffff",
        "text-halo-width": byItemStatus(0, 1.2, 1.2),
      },
    },
    {
      id: "selection-points",
      type: "circle",
      source: "selection",
      filter: ["==", ["geometry-type"], "Point"],
      // The selected compound's gates, and a ring round each of its items (the item's own symbol,
      // by status, is items-circle's, drawn through the ring's empty middle).
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 14, ["match", ["get", "layer"], "gate", 5, 7], 18, ["match", ["get", "layer"], "gate", 11, 14]],
        "circle-color": "#ffffff",
        "circle-opacity": ["match", ["get", "layer"], "gate", 1, 0],
        "circle-stroke-color": SELECTION_COLOR,
        "circle-stroke-width": 2,
      },
    },
    {
      // What-if and siting marks: proposed facilities and gates, removed facilities, suggested sites.
      id: "analysis-points",
      type: "circle",
      source: "analysis",
      filter: ["match", ["get", "layer"], ["isochrone", "outline", "adjacency"], false, true],
      layout: { visibility: "none" },
      paint: {
        "circle-radius": ["match", ["get", "layer"], "site", 11, "origin", 6, 9],
        "circle-color": ["match", ["get", "layer"], "site", "#ffffff", "removed", "#9a9a9a", "origin", ANALYSIS_INK, "gate", "#ffffff", ANALYSIS_INK],
        "circle-stroke-color": ["match", ["get", "layer"], "site", ANALYSIS_INK, "gate", GATE_STROKE, "#ffffff"],
        "circle-stroke-width": 3,
      },
    },
    {
      id: "analysis-label",
      type: "symbol",
      source: "analysis",
      filter: ["any", ["==", ["get", "layer"], "site"], ["==", ["get", "layer"], "proposed"], ["==", ["get", "layer"], "removed"]],
      layout: { visibility: "none", "text-field": ["get", "mark"], "text-font": FONT, "text-size": 12, "text-allow-overlap": true },
      paint: { "text-color": ["match", ["get", "layer"], "site", ANALYSIS_INK, "#ffffff"] },
    },
    // Residents' published messages: a bubble per compound with the count (no text, no sender).
    {
      id: "feedback-circle",
      type: "circle",
      source: "feedback",
      minzoom: 12,
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["get", "total"], 1, 8, 20, 16],
        "circle-color": FEEDBACK_INK,
        "circle-opacity": 0.9,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1.5,
      },
    },
    {
      id: "feedback-count",
      type: "symbol",
      source: "feedback",
      minzoom: 12,
      layout: { "text-field": ["to-string", ["get", "total"]], "text-font": FONT, "text-size": 11, "text-allow-overlap": true },
      paint: { "text-color": "#ffffff" },
    },
  ];
  return {
    version: 8,
    "font-faces": fontFaces(),
    sources: {
      water: { type: "geojson", data: EMPTY },
      streets: { type: "geojson", data: EMPTY },
      compounds: { type: "geojson", data: EMPTY, promoteId: "id" },
      buildings: { type: "geojson", data: EMPTY, promoteId: "id" },
      gates: { type: "geojson", data: EMPTY, promoteId: "id" },
      amenities: { type: "geojson", data: EMPTY, promoteId: "id" },
      selection: { type: "geojson", data: EMPTY },
      analysis: { type: "geojson", data: EMPTY },
      items: { type: "geojson", data: EMPTY, promoteId: "id" },
      subdistricts: { type: "geojson", data: EMPTY, promoteId: "id" },
      communities: { type: "geojson", data: EMPTY, promoteId: "id" },
      feedback: { type: "geojson", data: EMPTY },
    },
    layers,
  } as unknown as StyleSpecification;
}

/** Tiles are cut up to this zoom; the map draws deeper zooms from them (overzoom). */
const TILE_SOURCE_MAX_ZOOM = 16;

/**
 * The style with `tiled` sources drawn from the API's vector tiles (`/api/tiles/{layer}/…`)
 * instead of GeoJSON: each becomes a vector source whose features keep their ids (feature state
 * joins on them), and each layer drawing it reads the tile layer of the same name. `version`
 * goes into the tile address, so new data means new tiles.
 */
export function withTiles(style: StyleSpecification, tiled: readonly string[], origin: string, version = 0): StyleSpecification {
  if (!tiled.length) return style;
  const on = new Set(tiled);
  const sources = { ...style.sources };
  for (const id of on) sources[id] = { type: "vector", tiles: [tileUrl(origin, id, version)], maxzoom: TILE_SOURCE_MAX_ZOOM, promoteId: "id" };
  return {
    ...style,
    sources,
    layers: style.layers.map((l) =>
      "source" in l && typeof l.source === "string" && on.has(l.source) ? ({ ...l, "source-layer": l.source } as LayerSpecification) : l,
    ),
  };
}

/** The tile address template of one layer. */
export const tileUrl = (origin: string, layer: string, version: number) => `${origin}/api/tiles/${layer}/{z}/{x}/{y}.mvt${version ? `?v=${version}` : ""}`;

/**
 * Our layers drawn over an external basemap style (optional configuration): its sources, layers,
 * glyphs and sprite stay; ours are added on top, without our opaque background.
 */
export function withBasemap(external: StyleSpecification, ours: StyleSpecification = baseStyle()): StyleSpecification {
  return {
    ...external,
    "font-faces": ours["font-faces"],
    sources: { ...external.sources, ...ours.sources },
    layers: [...external.layers, ...ours.layers.filter((l) => l.type !== "background")],
  };
}
