// The OpenStreetMap import as a pipeline of named steps over one explicit context (see
// ../osm.ts, osmToCity): network → areas → gates → interiors → households → amenities → report.
// Each step reads what earlier steps put in the context and adds its own part; each has a fixture
// test (tests/import/osm-steps.test.ts).
import type { Feature as GeoJsonFeature } from "../../schemas/features.js";
import type { OsmData, Tags } from "../osm-types.js";
import type { TagMapping } from "../osm-tags.js";
import { geodesicM } from "../../../web/src/analysis/geo.js";
import { createBoxIndex } from "../../../web/src/analysis/spatial-index.js";
import { Projection, type LonLat, type XY, nearestOnSegment, round7 } from "../osm-geom.js";
import type { PolygonCoords } from "../osm-areas.js";
import type { WalkNetworkResult } from "../osm-network.js";
import { inPolygons } from "../osm-areas.js";
import type { HouseholdRules } from "./household-rules.js";

export interface ImportWarning {
  kind: string;
  /** "node/1", "way/2" or "relation/3". */
  osmId?: string;
  message: string;
  /** The number the warning is about (a distance in metres, a node count), when there is one. */
  value?: number;
}

export interface ImportReport {
  counts: Record<string, number>;
  warnings: ImportWarning[];
}

/** A feature of the city the import builds (any geometry; properties carry the id too). */
export type Feature = GeoJsonFeature<unknown, Record<string, unknown> & { id: number }>;

/** How residents reach the street (compounds.access): see migrations/…_compound_access.ts. */
export type CompoundAccess = "gates" | "assumed" | "open" | "none";
/** Where a compound's household figure comes from (compounds.households_source). */
export type HouseholdsSource = "inventory" | "osm" | "estimated" | "manual" | "unknown";

export interface Compound {
  id: number;
  osmId: string;
  tags: Tags;
  /** name:zh / name, or a generated 未命名小区（OSM way 123）. */
  name: string;
  polygons: PolygonCoords[];
  /** Projected exterior rings (for distances). */
  xyRings: XY[][];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  areaM2: number;
  perimeterM: number;
  centroid: XY;
  buildings: number;
  floorAreaM2: number;
  flats: number;
  /** Residential floor area (footprint × levels) counted for the household estimate, m². */
  residentialFloorM2: number;
  /** Walking gates that belong to it. */
  gates: number;
  /** Gate-like nodes near its boundary that are not walking gates (they still show it is gated). */
  closedGates: number;
  /** Share of its boundary that a mapped wall or fence runs along (0–1). */
  wallShare: number;
  access: CompoundAccess;
  households: number;
  householdsSource: HouseholdsSource;
}

export interface ImportContext {
  data: OsmData;
  mapping: TagMapping;
  householdRules: HouseholdRules;
  counts: Record<string, number>;
  warnings: ImportWarning[];
  count(key: string, n?: number): void;
  warn(kind: string, osmId: string | undefined, message: string, value?: number): void;
  /** Plane around the data's centre, at its latitude's scale (metres). */
  proj: Projection;
  posOf(id: number): LonLat | undefined;
  toLonLat(p: XY): LonLat;
  /** Diagonal of the data, metres (at least 1 km): the farthest any search needs to look. */
  extentM: number;
  wayIds: number[];
  relIds: number[];
  taggedNodeIds: number[];

  // network
  streets: Feature[];
  net: WalkNetworkResult;
  nodeXY: Map<number, XY>;
  /** Nearest walk edge to p (of any component, or of the largest): metres, or Infinity past `limit`. */
  nearestEdge(p: XY, limit: number, mainOnly?: boolean): { d: number; edge: number };

  // areas
  compounds: Compound[];
  buildings: Feature[];
  /** Nearest point on a compound's exterior boundary to p. */
  nearestOnBoundary(c: Compound, p: XY): { d: number; point: XY };
  /** Compounds whose boundary passes within `r` metres of p's box (candidates; check the distance). */
  compoundsNear(p: XY, r: number): Compound[];
  /** The compound containing lon/lat (the smallest, when they nest or overlap). */
  compoundAt(lon: number, lat: number): Compound | null;

  // gates
  gates: Feature[];
  // amenities
  amenities: Feature[];
}

export const r1 = (v: number) => Math.round(v * 10) / 10;
export const fmt = (v: number) => `${Math.round(v)} m`;
/** "highway=service 东街", or just "highway=service" when unnamed. */
export const what = (...parts: Array<string | null | undefined>) => parts.filter((p) => p).join(" ");

export const nameOf = (tags: Tags): string | null => {
  for (const k of ["name:zh", "name:zh-Hans", "name"]) {
    const v = tags[k]?.trim();
    if (v) return v;
  }
  return null;
};

export function intTag(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = v.match(/\d+(\.\d+)?/);
  if (!m) return null;
  const n = Math.round(Number(m[0]));
  return Number.isFinite(n) ? n : null;
}

const sortedIds = <T>(m: Map<number, T>) => [...m.keys()].sort((a, b) => a - b);

/** The context before any step: counts, warnings, the projection and sorted element ids. */
export function createImportContext(data: OsmData, mapping: TagMapping, householdRules: HouseholdRules): ImportContext {
  const counts: Record<string, number> = {};
  const warnings: ImportWarning[] = [];
  let minLon = Infinity,
    minLat = Infinity,
    maxLon = -Infinity,
    maxLat = -Infinity;
  for (const n of data.nodes.values()) {
    if (n.lon < minLon) minLon = n.lon;
    if (n.lon > maxLon) maxLon = n.lon;
    if (n.lat < minLat) minLat = n.lat;
    if (n.lat > maxLat) maxLat = n.lat;
  }
  const proj = data.nodes.size > 0 ? new Projection((minLon + maxLon) / 2, (minLat + maxLat) / 2) : new Projection(0, 0);
  const taggedNodeIds: number[] = [];
  for (const [id, n] of data.nodes) {
    for (const _ in n.tags) {
      taggedNodeIds.push(id);
      break;
    }
  }
  taggedNodeIds.sort((a, b) => a - b);
  counts.osmNodes = data.nodes.size;
  counts.osmWays = data.ways.size;
  counts.osmRelations = data.relations.size;
  const unset = () => {
    throw new Error("an earlier import step has not run");
  };
  return {
    data,
    mapping,
    householdRules,
    counts,
    warnings,
    count: (k, n = 1) => {
      counts[k] = (counts[k] ?? 0) + n;
    },
    warn: (kind, osmId, message, value) => {
      const w: ImportWarning = { kind, message };
      if (osmId !== undefined) w.osmId = osmId;
      if (value !== undefined) w.value = value;
      warnings.push(w);
    },
    proj,
    posOf: (id) => {
      const n = data.nodes.get(id);
      return n ? [round7(n.lon), round7(n.lat)] : undefined;
    },
    toLonLat: (p) => {
      const q = proj.lonLat(p);
      return [round7(q[0]), round7(q[1])];
    },
    extentM: data.nodes.size ? Math.max(geodesicM([minLon, minLat], [maxLon, maxLat]), 1000) : 1000,
    wayIds: sortedIds(data.ways),
    relIds: sortedIds(data.relations),
    taggedNodeIds,
    streets: [],
    net: undefined as unknown as WalkNetworkResult,
    nodeXY: new Map(),
    nearestEdge: unset,
    compounds: [],
    buildings: [],
    nearestOnBoundary: unset,
    compoundsNear: unset,
    compoundAt: unset,
    gates: [],
    amenities: [],
  };
}

/** Spatial look-ups over the compounds, once the areas step has found them. */
export function indexCompounds(ctx: ImportContext): void {
  const compoundIndex = createBoxIndex(ctx.compounds.map((c) => [c.minX, c.minY, c.maxX, c.maxY] as const));
  // In the compounds' order, so that ties go as they always did.
  const compoundsIn = (minX: number, minY: number, maxX: number, maxY: number) =>
    compoundIndex
      .search(minX, minY, maxX, maxY)
      .sort((a, b) => a - b)
      .map((i) => ctx.compounds[i]);
  ctx.nearestOnBoundary = (c, p) => {
    let best = { d2: Infinity, x: 0, y: 0 };
    for (const ring of c.xyRings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const q = nearestOnSegment(p[0], p[1], ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1]);
        if (q.d2 < best.d2) best = q;
      }
    }
    return { d: Math.sqrt(best.d2), point: [best.x, best.y] };
  };
  // The tree is asked a metre wider, then the exact test decides, as it always did.
  ctx.compoundsNear = (p, r) =>
    compoundsIn(p[0] - r - 1, p[1] - r - 1, p[0] + r + 1, p[1] + r + 1).filter(
      (c) => p[0] >= c.minX - r && p[0] <= c.maxX + r && p[1] >= c.minY - r && p[1] <= c.maxY + r,
    );
  ctx.compoundAt = (lon, lat) => {
    const [x, y] = ctx.proj.xy([lon, lat]);
    let best: Compound | null = null;
    for (const c of compoundsIn(x, y, x, y)) {
      if (inPolygons(lon, lat, c.polygons) && (!best || c.areaM2 < best.areaM2)) best = c;
    }
    return best;
  };
}
