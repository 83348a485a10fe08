/**
 * OpenStreetMap import: read an .osm (XML) or .osm.pbf extract and turn it into a city in the shape
 * `loadCity` takes (server/db/seed.ts): compounds, buildings, gates, amenities, streets and the walk
 * network. Real OSM is messy, so everything that had to be dropped, guessed or clipped is reported
 * in an ImportReport instead of being hidden (see ../shared/DESIGN.md, "Real OSM is messy").
 *
 * How tags map to our layers lives in geodata/osm-tags.json, not in this code.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { z } from "zod";
import { ROOT } from "../config.js";
import type { CityData } from "../db/seed.js";
import { type Area, type PolygonCoords, inPolygons, relationArea, ringAreaM2, wayArea } from "./osm-areas.js";
import { GridIndex, type LonLat, Projection, type XY, distanceM, nearestOnSegment, ringCentroid, round7, vertexMean } from "./osm-geom.js";
import { buildWalkNetwork, type WalkWay } from "./osm-network.js";
import { ImportError, unreadable } from "./errors.js";
import { OsmPbfError, looksLikePbf, parseOsmPbf } from "./osm-pbf.js";
import type { OsmData, ReadProgress, Tags } from "./osm-types.js";
import { OsmXmlError, parseOsmXml } from "./osm-xml.js";

export type { OsmData, OsmMember, OsmNode, OsmRelation, OsmWay, Tags } from "./osm-types.js";

// ---------------------------------------------------------------------------------------------
// Reading files

/**
 * Read an OSM extract: .osm / .osm.xml (optionally gzipped, .osm.gz) or .osm.pbf. The format is
 * taken from the file's first bytes (the extension is only used in the error message).
 * `onProgress(done, total)` reports bytes.
 */
export function readOsm(file: string, onProgress?: ReadProgress): OsmData {
  const name = path.basename(file);
  try {
    let buf: Buffer = fs.readFileSync(file);
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        buf = zlib.gunzipSync(buf);
      } catch (err) {
        throw unreadable(`a gzip file that cannot be unpacked (${(err as Error).message})`);
      }
    }
    if (looksLikePbf(buf)) return parseOsmPbf(buf, onProgress);
    let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // UTF-8 BOM
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
    if (buf[i] === 0x3c) return parseOsmXml(buf, onProgress);
    const ext = name.toLowerCase().match(/\.osm(\.pbf|\.xml|\.gz)?$/)?.[0] ?? path.extname(file);
    throw unreadable(`neither OSM XML nor OSM PBF (extension "${ext}"); expected .osm, .osm.gz or .osm.pbf`);
  } catch (err) {
    if (err instanceof ImportError) throw err.forFile(name);
    if (err instanceof OsmXmlError) throw new ImportError([{ offset: err.offset, field: err.offset === undefined ? "file" : undefined, reason: `not valid OSM XML: ${err.message}` }], name);
    if (err instanceof OsmPbfError) throw new ImportError([{ offset: err.offset, field: err.offset === undefined ? "file" : undefined, reason: `not a valid OSM PBF file: ${err.message}` }], name);
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ImportError([{ field: "file", reason: "no such file" }], name);
    // Anything else a reader trips over is still this file's fault, not the server's; say so.
    throw new ImportError([{ field: "file", reason: `cannot be read as OpenStreetMap data (${(err as Error).message})` }], name);
  }
}

// ---------------------------------------------------------------------------------------------
// Tag mapping (geodata/osm-tags.json)

export type StreetClass = "motorway" | "arterial" | "branch" | "alley" | "footway" | "service" | "steps";
const STREET_CLASSES = ["motorway", "arterial", "branch", "alley", "footway", "service", "steps"] as const;

const condition = z.union([z.string(), z.array(z.string()), z.boolean()]);
const tagMatch = z.record(z.string(), condition);
const amenityRule = z.object({
  match: tagMatch,
  name: z.string().optional(),
  nameNot: z.string().optional(),
  category: z.union([z.string(), z.array(z.string()).min(1)]),
  note: z.string().optional(),
});
const mappingSchema = z.object({
  amenities: z.array(amenityRule),
  unmappedKeys: z.array(z.string()),
  warnUnmapped: z.array(tagMatch).default([]),
  streetClasses: z.record(z.string(), z.enum(STREET_CLASSES)),
  walk: z.object({
    highways: z.array(z.string()),
    withSidewalk: z.array(z.string()),
    never: z.array(z.string()),
    footNo: z.array(z.string()),
    accessNo: z.array(z.string()),
    footYes: z.array(z.string()),
  }),
  compounds: z.array(tagMatch),
  gates: z.array(tagMatch),
  gateRules: z.object({ attachWithinM: z.number().positive(), farM: z.number().nonnegative(), offNetworkM: z.number().positive() }),
  amenityFarFromNetworkM: z.number().positive(),
  compoundLargeAreaM2: z.number().positive(),
  /** Filled by loadTagMapping from the standards profile: category code → Chinese name (fallback amenity name). */
  categoryNames: z.record(z.string(), z.string()).default({}),
});

export type TagCondition = z.infer<typeof condition>;
export type TagMatch = z.infer<typeof tagMatch>;
export type AmenityRule = z.infer<typeof amenityRule>;
export type TagMapping = z.infer<typeof mappingSchema>;

export const DEFAULT_TAG_MAPPING_FILE = path.join(ROOT, "geodata", "osm-tags.json");
const STANDARDS_FILE = path.join(ROOT, "geodata", "standards.json");

/**
 * Read a tag mapping. The file may hold the whole object (see geodata/osm-tags.json), only some of
 * its sections (the rest come from geodata/osm-tags.json), or just a list of amenity rules.
 * Amenity categories are checked against the standards profile (`standardsFile`).
 */
export function loadTagMapping(file: string = DEFAULT_TAG_MAPPING_FILE, standardsFile: string = STANDARDS_FILE): TagMapping {
  const read = (f: string): unknown => JSON.parse(fs.readFileSync(f, "utf8"));
  let raw = read(file);
  if (Array.isArray(raw)) raw = { amenities: raw };
  if (path.resolve(file) !== DEFAULT_TAG_MAPPING_FILE && raw && typeof raw === "object") {
    raw = { ...(read(DEFAULT_TAG_MAPPING_FILE) as object), ...(raw as object) };
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: not a valid OSM tag mapping:\n${z.prettifyError(parsed.error)}`);
  const mapping = parsed.data;
  const standards = read(standardsFile) as { categories: Array<{ code: string; nameZh?: string }> };
  const codes = new Set(standards.categories.map((c) => c.code));
  mapping.categoryNames = { ...mapping.categoryNames };
  for (const c of standards.categories) if (c.nameZh && !mapping.categoryNames[c.code]) mapping.categoryNames[c.code] = c.nameZh;
  mapping.amenities.forEach((rule, i) => {
    for (const c of [rule.category].flat()) {
      if (!codes.has(c)) throw new Error(`${file}: amenities[${i}] maps to "${c}", which is not a category of ${path.basename(standardsFile)}`);
    }
    for (const re of [rule.name, rule.nameNot]) if (re !== undefined) new RegExp(re); // throws on a bad pattern
  });
  return mapping;
}

function conditionHolds(value: string | undefined, cond: TagCondition): boolean {
  if (cond === true) return value !== undefined && value !== "no";
  if (cond === false) return value === undefined;
  if (value === undefined) return false;
  return typeof cond === "string" ? value === cond : cond.includes(value);
}

export function tagsMatch(tags: Tags, match: TagMatch): boolean {
  for (const k in match) if (!conditionHolds(tags[k], match[k])) return false;
  return true;
}

const nameOf = (tags: Tags): string | null => {
  for (const k of ["name:zh", "name:zh-Hans", "name"]) {
    const v = tags[k]?.trim();
    if (v) return v;
  }
  return null;
};

interface CompiledRule { rule: AmenityRule; name?: RegExp; nameNot?: RegExp; categories: string[] }

function compileRules(mapping: TagMapping): CompiledRule[] {
  return mapping.amenities.map((rule) => ({
    rule,
    name: rule.name !== undefined ? new RegExp(rule.name) : undefined,
    nameNot: rule.nameNot !== undefined ? new RegExp(rule.nameNot) : undefined,
    categories: [rule.category].flat(),
  }));
}

function matchAmenity(tags: Tags, rules: CompiledRule[]): CompiledRule | null {
  const name = nameOf(tags) ?? "";
  for (const r of rules) {
    if (!tagsMatch(tags, r.rule.match)) continue;
    if (r.name && !r.name.test(name)) continue;
    if (r.nameNot && r.nameNot.test(name)) continue;
    return r;
  }
  return null;
}

/** Why a highway way is not walkable, or null when it is. */
export function notWalkableReason(tags: Tags, walk: TagMapping["walk"]): string | null {
  const hw = tags.highway;
  if (!hw) return "no highway tag";
  if (walk.never.includes(hw)) return `highway=${hw}`;
  const foot = tags.foot;
  if (foot !== undefined && walk.footNo.includes(foot)) return `foot=${foot}`;
  const access = tags.access;
  if (access !== undefined && walk.accessNo.includes(access) && !(foot !== undefined && walk.footYes.includes(foot))) return `access=${access}`;
  if (walk.highways.includes(hw)) return null;
  if (walk.withSidewalk.includes(hw)) {
    const sidewalk = ["sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"].some((k) => {
      const v = tags[k];
      return v !== undefined && v !== "no" && v !== "none" && v !== "separate";
    });
    return sidewalk || (foot !== undefined && walk.footYes.includes(foot)) ? null : `highway=${hw} without sidewalk`;
  }
  return `highway=${hw}`;
}

// ---------------------------------------------------------------------------------------------
// Conversion

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

interface Feature {
  type: "Feature";
  id: number;
  geometry: unknown;
  properties: Record<string, unknown> & { id: number };
}

interface Compound {
  id: number;
  osmId: string;
  tags: Tags;
  /** name:zh / name, or a generated 未命名小区（OSM way 123）. */
  name: string;
  polygons: PolygonCoords[];
  /** Projected exterior rings (for distances). */
  xyRings: XY[][];
  minX: number; minY: number; maxX: number; maxY: number;
  areaM2: number;
  centroid: XY;
  buildings: number;
  floorAreaM2: number;
  flats: number;
  gates: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
/** "highway=service 东街", or just "highway=service" when unnamed. */
const what = (...parts: Array<string | null | undefined>) => parts.filter((p) => p).join(" ");
const fmt = (v: number) => `${Math.round(v)} m`;

function intTag(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = v.match(/\d+(\.\d+)?/);
  if (!m) return null;
  const n = Math.round(Number(m[0]));
  return Number.isFinite(n) ? n : null;
}

function yearTag(v: string | undefined): number | null {
  const m = v?.match(/(?:^|\D)(1[89]\d\d|20\d\d|2100)(?!\d)/);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 1900 && y <= 2100 ? y : null;
}

function addressOf(tags: Tags): string | null {
  if (tags["addr:full"]?.trim()) return tags["addr:full"].trim();
  const parts = ["addr:province", "addr:city", "addr:district", "addr:subdistrict", "addr:street", "addr:housenumber"]
    .map((k) => tags[k]?.trim()).filter((v): v is string => Boolean(v));
  if (parts.length === 0) return null;
  const s = parts.join("");
  return tags["addr:housenumber"] && !/号$/.test(s) ? `${s}号` : s;
}

const DIRECTIONS = ["东", "东北", "北", "西北", "西", "西南", "南", "东南"];
/** 东门 / 西北门 …: the side of the compound (from its centroid) a point lies on. */
function directionName(from: XY, to: XY): string {
  const a = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const i = ((Math.round(a / (Math.PI / 4)) % 8) + 8) % 8;
  return `${DIRECTIONS[i]}门`;
}

function gateKind(tags: Tags): "main" | "pedestrian" | "vehicle" {
  const no = (k: string) => tags[k] === "no" || tags[k] === "private";
  if (no("foot")) return "vehicle";
  if (no("motor_vehicle") || no("motorcar") || no("vehicle") || tags.barrier === "entrance" || (tags.entrance !== undefined && tags.entrance !== "service")) {
    return tags.entrance === "main" ? "main" : "pedestrian";
  }
  if (tags.entrance === "service") return "vehicle";
  return "main";
}

const sortedIds = <T>(m: Map<number, T>) => [...m.keys()].sort((a, b) => a - b);

/**
 * Convert OSM data to a city. Ids are local (1, 2, … per layer) with the OSM id kept in a property
 * `osmId` ("way/123"); walk-network node ids are OSM node ids. Geometry is GeoJSON [lon, lat]
 * rounded to 7 decimals.
 */
export function osmToCity(data: OsmData, mapping: TagMapping = loadTagMapping()): { city: CityData; report: ImportReport } {
  const counts: Record<string, number> = {};
  const warnings: ImportWarning[] = [];
  const count = (k: string, n = 1) => { counts[k] = (counts[k] ?? 0) + n; };
  const warn = (kind: string, osmId: string | undefined, message: string, value?: number) => {
    const w: ImportWarning = { kind, message };
    if (osmId !== undefined) w.osmId = osmId;
    if (value !== undefined) w.value = value;
    warnings.push(w);
  };

  counts.osmNodes = data.nodes.size;
  counts.osmWays = data.ways.size;
  counts.osmRelations = data.relations.size;

  // Projection around the centre of the data (the bbox of all nodes).
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const n of data.nodes.values()) {
    if (n.lon < minLon) minLon = n.lon;
    if (n.lon > maxLon) maxLon = n.lon;
    if (n.lat < minLat) minLat = n.lat;
    if (n.lat > maxLat) maxLat = n.lat;
  }
  const proj = data.nodes.size > 0 ? new Projection((minLon + maxLon) / 2, (minLat + maxLat) / 2) : new Projection(0, 0);
  const posOf = (id: number): LonLat | undefined => {
    const n = data.nodes.get(id);
    return n ? [round7(n.lon), round7(n.lat)] : undefined;
  };
  const toLonLat = (p: XY): LonLat => { const q = proj.lonLat(p); return [round7(q[0]), round7(q[1])]; };

  const wayIds = sortedIds(data.ways);
  const relIds = sortedIds(data.relations);
  const taggedNodeIds: number[] = [];
  for (const [id, n] of data.nodes) {
    for (const _ in n.tags) { taggedNodeIds.push(id); break; }
  }
  taggedNodeIds.sort((a, b) => a - b);

  // --- Streets and the walk network -----------------------------------------------------------
  const streets: Feature[] = [];
  const walkWays: WalkWay[] = [];
  for (const id of wayIds) {
    const way = data.ways.get(id)!;
    const hw = way.tags.highway;
    if (!hw) continue;
    count("highwayWays");
    const cls = mapping.streetClasses[hw];
    if (!cls) { count(`unmapped:highway=${hw}`); continue; }
    const reason = notWalkableReason(way.tags, mapping.walk);
    if (!reason) walkWays.push({ id, nodes: way.nodes, cls });
    else count(`walkExcluded:${reason}`);
    if (reason?.endsWith("without sidewalk")) {
      warn("trunk-not-walkable", `way/${id}`, `${what(`highway=${hw}`, nameOf(way.tags))} has no sidewalk (or foot=yes) tag; left out of the walk network (walk.highways in osm-tags.json decides)`);
    }

    // Runs of nodes present in the file (a way reaching past the extract is cut to what is here).
    const runs: LonLat[][] = [[]];
    let missing = 0;
    for (const nid of way.nodes) {
      const p = posOf(nid);
      const run = runs[runs.length - 1];
      if (!p) { missing++; if (run.length > 0) runs.push([]); continue; }
      const last = run[run.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) run.push(p);
    }
    if (missing > 0) {
      count("clippedWays");
      const kept = way.nodes.length - missing;
      warn("clipped", `way/${id}`, `${what(`highway=${hw}`, nameOf(way.tags))} reaches past the extract: ${missing} of ${way.nodes.length} nodes missing, kept the ${kept} present`, missing);
    }
    const name = nameOf(way.tags);
    const bridge = way.tags.bridge !== undefined && way.tags.bridge !== "no";
    for (const run of runs) {
      if (run.length < 2) continue;
      const sid = streets.length + 1;
      streets.push({
        type: "Feature", id: sid,
        properties: { id: sid, name, class: cls, bridge, walkable: !reason, osmId: `way/${id}` },
        geometry: { type: "LineString", coordinates: run },
      });
    }
  }
  counts.streets = streets.length;

  const net = buildWalkNetwork(walkWays, posOf);
  counts.walkNodes = net.nodes.length;
  counts.walkEdges = net.edges.length;
  counts.walkLengthM = Math.round(net.edgeLengthM.reduce((s, v) => s + v, 0));
  counts.walkComponents = net.components.length;
  counts.walkLargestComponentNodes = net.components[0]?.nodes ?? 0;
  counts.walkDuplicateEdges = net.duplicateEdges;
  counts.walkZeroLengthEdges = net.zeroLengthEdges;
  counts.walkMergedNodes = net.mergedNodes;

  // Spatial indexes over the walk network.
  const nodeXY = new Map<number, XY>();
  for (const [id, lon, lat] of net.nodes) nodeXY.set(id, proj.xy([lon, lat]));
  const mainNodes = new GridIndex<number>(200);
  for (const [id] of net.nodes) {
    if (net.componentOf.get(id) !== 0) continue;
    const p = nodeXY.get(id)!;
    mainNodes.insert(id, p[0], p[1], p[0], p[1]);
  }
  const edgeIndex = new GridIndex<number>(100);
  net.edges.forEach(([, a, b], i) => {
    const pa = nodeXY.get(a)!, pb = nodeXY.get(b)!;
    edgeIndex.insert(i, Math.min(pa[0], pb[0]), Math.min(pa[1], pb[1]), Math.max(pa[0], pb[0]), Math.max(pa[1], pb[1]));
  });
  const extent = Math.max(distanceM([minLon, minLat], [maxLon, maxLat]), 1000);

  /** Nearest walk edge to p (of any component, or of the largest): distance in metres, or Infinity past `limit`. */
  const nearestEdge = (p: XY, limit: number, mainOnly = false): { d: number; edge: number } => {
    let best = { d: Infinity, edge: -1 };
    for (let r = Math.min(100, limit); ; r = Math.min(r * 2, limit)) {
      for (const i of edgeIndex.query(p[0] - r, p[1] - r, p[0] + r, p[1] + r)) {
        const [, a, b] = net.edges[i];
        if (mainOnly && net.componentOf.get(a) !== 0) continue;
        const pa = nodeXY.get(a)!, pb = nodeXY.get(b)!;
        const d = Math.sqrt(nearestOnSegment(p[0], p[1], pa[0], pa[1], pb[0], pb[1]).d2);
        if (d < best.d || (d === best.d && i < best.edge)) best = { d, edge: i };
      }
      if (best.d <= r || r >= limit) return best.d <= limit ? best : { d: Infinity, edge: -1 };
    }
  };
  // --- Compounds ------------------------------------------------------------------------------
  const compounds: Compound[] = [];
  const reportArea = (osmId: string, area: Area, subject: string) => {
    for (const p of area.problems) {
      const kind = p.kind === "missing-nodes" ? "clipped-area" : p.kind;
      warn(kind, osmId, `${subject}: ${p.message}`);
    }
  };
  const addCompound = (osmId: string, tags: Tags, area: Area) => {
    reportArea(osmId, area, "residential area");
    if (area.polygons.length === 0) {
      count("compoundsSkipped");
      warn("skipped-compound", osmId, `${what("residential area", nameOf(tags))} has no valid polygon left; not imported`);
      return;
    }
    const xyRings = area.polygons.map((poly) => poly[0].map((p) => proj.xy(p)));
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const ring of xyRings) for (const [x, y] of ring) {
      if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
    const areas = area.polygons.map((poly) => poly.reduce((s, ring, i) => s + (i === 0 ? 1 : -1) * ringAreaM2(ring, proj), 0));
    const biggest = areas.indexOf(Math.max(...areas));
    const totalArea = areas.reduce((sum, v) => sum + v, 0);
    let name = nameOf(tags);
    if (!name) {
      const [type, ref] = osmId.split("/");
      name = `未命名小区（OSM ${type} ${ref}）`;
      count("compoundsUnnamed");
      warn("unnamed", osmId, `residential area without a name (${Math.round(totalArea)} m²); named "${name}"`);
    }
    if (totalArea > mapping.compoundLargeAreaM2) {
      warn("large-area", osmId, `${name} covers ${(totalArea / 1e6).toFixed(2)} km², more than one compound usually does (a residential zone?); imported as one compound`, Math.round(totalArea));
    }
    compounds.push({
      id: compounds.length + 1, osmId, tags, name, polygons: area.polygons, xyRings, minX, minY, maxX, maxY,
      areaM2: totalArea, centroid: ringCentroid(xyRings[biggest]),
      buildings: 0, floorAreaM2: 0, flats: 0, gates: 0,
    });
  };
  for (const id of wayIds) {
    const way = data.ways.get(id)!;
    if (!mapping.compounds.some((m) => tagsMatch(way.tags, m))) continue;
    addCompound(`way/${id}`, way.tags, wayArea(id, data, proj));
  }
  for (const id of relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type !== "multipolygon" || !mapping.compounds.some((m) => tagsMatch(rel.tags, m))) continue;
    addCompound(`relation/${id}`, rel.tags, relationArea(id, rel, data, proj));
  }
  const compoundIndex = new GridIndex<Compound>(500);
  for (const c of compounds) compoundIndex.insert(c, c.minX, c.minY, c.maxX, c.maxY);
  const boundaryIndex = new GridIndex<[Compound, number, number]>(250); // compound, ring, segment start
  for (const c of compounds) {
    c.xyRings.forEach((ring, ri) => {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i], b = ring[i + 1];
        boundaryIndex.insert([c, ri, i], Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
      }
    });
  }
  /** Nearest point on a compound's exterior boundary to p. */
  const nearestOnBoundary = (c: Compound, p: XY) => {
    let best = { d2: Infinity, x: 0, y: 0 };
    for (const ring of c.xyRings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const q = nearestOnSegment(p[0], p[1], ring[i][0], ring[i][1], ring[i + 1][0], ring[i + 1][1]);
        if (q.d2 < best.d2) best = q;
      }
    }
    return { d: Math.sqrt(best.d2), point: [best.x, best.y] as XY };
  };
  /** The compound containing lon/lat (the smallest, when they nest or overlap). */
  const compoundAt = (lon: number, lat: number): Compound | null => {
    const [x, y] = proj.xy([lon, lat]);
    let best: Compound | null = null;
    for (const c of compoundIndex.query(x, y, x, y)) {
      if (x < c.minX || x > c.maxX || y < c.minY || y > c.maxY) continue;
      if (inPolygons(lon, lat, c.polygons) && (!best || c.areaM2 < best.areaM2)) best = c;
    }
    return best;
  };

  // Every walk component but the largest is reported (after the compounds, to say when one lies inside a compound).
  const largest = net.components[0];
  net.components.slice(1).forEach((c) => {
    const p = posOf(c.minNode)!;
    const inside = compoundAt(p[0], p[1]);
    warn("disconnected", `node/${c.minNode}`,
      `walk component of ${c.nodes} nodes, ${c.edges} edges, ${fmt(c.lengthM)} (on ${c.ways.map((w) => `way/${w}`).join(", ")}${c.ways.length === 5 ? ", …" : ""}) `
      + `is not connected to the largest one (${largest.nodes} nodes)${inside ? `; it lies inside ${inside.name}` : ""}`,
      c.nodes);
  });

  // --- Buildings -------------------------------------------------------------------------------
  const buildings: Feature[] = [];
  const isBuilding = (tags: Tags) => tags.building !== undefined && tags.building !== "no";
  const addBuilding = (osmId: string, tags: Tags, area: Area) => {
    reportArea(osmId, area, "building");
    if (area.polygons.length === 0) { count("buildingsSkipped"); return; }
    const levels = intTag(tags["building:levels"]);
    if (levels === null) count("buildingsWithoutLevels");
    const floors = Math.min(150, Math.max(1, levels ?? 1));
    const flats = intTag(tags["building:flats"]);
    area.polygons.forEach((poly, part) => {
      const c = proj.lonLat(ringCentroid(poly[0].map((p) => proj.xy(p))));
      const compound = compoundAt(c[0], c[1]);
      if (compound) {
        compound.buildings++;
        compound.floorAreaM2 += ringAreaM2(poly[0], proj) * floors;
        compound.flats += flats ?? 0;
        count("buildingsInCompounds");
      }
      const id = buildings.length + 1;
      buildings.push({
        type: "Feature", id,
        properties: {
          id, compoundId: compound?.id ?? null, name: nameOf(tags) ?? (tags["addr:housenumber"]?.trim() || null),
          floors, units: 1, hasElevator: tags.elevator === "yes", households: flats ?? 0, buildYear: yearTag(tags.start_date),
          // A multipolygon building gives one building per polygon: each keeps its part number.
          osmId: area.polygons.length > 1 ? `${osmId}#${part + 1}` : osmId, levelsTagged: levels !== null,
        },
        geometry: { type: "Polygon", coordinates: poly },
      });
    });
  };
  for (const id of wayIds) {
    const way = data.ways.get(id)!;
    if (!isBuilding(way.tags)) continue;
    if (way.nodes[0] !== way.nodes[way.nodes.length - 1]) { count("buildingsSkipped"); warn("open-ring", `way/${id}`, "building: way is not closed"); continue; }
    addBuilding(`way/${id}`, way.tags, wayArea(id, data, proj));
  }
  for (const id of relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type !== "multipolygon" || !isBuilding(rel.tags)) continue;
    addBuilding(`relation/${id}`, rel.tags, relationArea(id, rel, data, proj));
  }
  counts.buildings = buildings.length;
  counts.buildingsInCompounds ??= 0;

  // --- Gates ---------------------------------------------------------------------------------
  const { attachWithinM, farM, offNetworkM } = mapping.gateRules;
  const gates: Feature[] = [];
  const addGate = (c: Compound, at: XY, props: Record<string, unknown>, name: string | null, synthetic: boolean) => {
    const id = gates.length + 1;
    const near = nearestEdge(at, extent, true);
    const gname = name ?? (synthetic ? `${directionName(c.centroid, at)}（推定）` : directionName(c.centroid, at));
    c.gates++;
    if (near.edge >= 0 && near.d > offNetworkM) {
      warn("gate-off-network", typeof props.osmId === "string" ? props.osmId : c.osmId,
        `gate ${gname} of ${c.name} is ${fmt(near.d)} from the nearest edge of the main walk network (way/${net.edgeWay[near.edge]})`, r1(near.d));
    }
    gates.push({
      type: "Feature", id,
      properties: {
        id, compoundId: c.id, name: gname, kind: props.kind ?? "main", ...props, synthetic,
        networkDistanceM: near.edge >= 0 ? r1(near.d) : null,
      },
      geometry: { type: "Point", coordinates: toLonLat(at) },
    });
  };
  const gateRule = (tags: Tags) => mapping.gates.some((m) => tagsMatch(tags, m));
  for (const id of taggedNodeIds) {
    const node = data.nodes.get(id)!;
    if (!gateRule(node.tags)) continue;
    count("gateNodes");
    const p = proj.xy([node.lon, node.lat]);
    let best: { c: Compound; d: number; point: XY } | null = null;
    const tried = new Set<Compound>();
    for (const [c] of boundaryIndex.query(p[0] - attachWithinM, p[1] - attachWithinM, p[0] + attachWithinM, p[1] + attachWithinM)) {
      if (tried.has(c)) continue;
      tried.add(c);
      const q = nearestOnBoundary(c, p);
      if (!best || q.d < best.d || (q.d === best.d && c.id < best.c.id)) best = { c, ...q };
    }
    const tag = node.tags.barrier ? `barrier=${node.tags.barrier}` : `entrance=${node.tags.entrance}`;
    if (!best || best.d > attachWithinM) {
      count("gatesUnattached");
      warn("gate-unattached", `node/${id}`, `${what(tag, nameOf(node.tags))} is more than ${attachWithinM} m from every residential area; not imported`);
      continue;
    }
    if (best.d > farM) {
      count("gatesFar");
      warn("gate-far", `node/${id}`, `${what(tag, nameOf(node.tags))} is ${fmt(best.d)} from the boundary of ${best.c.name}; attached and moved onto the boundary`, r1(best.d));
    }
    count("gatesFromOsm");
    addGate(best.c, best.point, {
      kind: gateKind(node.tags), osmId: `node/${id}`, osmLon: round7(node.lon), osmLat: round7(node.lat), boundaryDistanceM: r1(best.d),
    }, nameOf(node.tags), false);
  }
  for (const c of compounds) {
    if (c.gates > 0) continue;
    // No gate mapped: put one where the boundary comes closest to the main walk network. A node
    // outside the box grown by r is more than r from the boundary, so a best within r is final.
    let best: { d: number; node: number; point: XY } | null = null;
    for (let r = 100; ; r *= 2) {
      best = null;
      for (const nid of mainNodes.query(c.minX - r, c.minY - r, c.maxX + r, c.maxY + r)) {
        const q = nearestOnBoundary(c, nodeXY.get(nid)!);
        if (!best || q.d < best.d || (q.d === best.d && nid < best.node)) best = { d: q.d, node: nid, point: q.point };
      }
      if ((best && best.d <= r) || r >= extent * 2) break;
    }
    const label = c.name;
    if (!best) {
      warn("no-gate", c.osmId, `${label}: no gate mapped and no walk network to connect to; no gate created`);
      continue;
    }
    count("gatesSynthetic");
    warn("no-gate", c.osmId,
      `${label}: no gate mapped within ${attachWithinM} m; placed a synthetic gate on the boundary ${fmt(best.d)} from walk node/${best.node} (the nearest node of the main walk network)`,
      r1(best.d));
    // Keyed by its compound, so that importing the file again updates this gate, not adds one.
    addGate(c, best.point, { kind: "main", osmId: `synthetic:${c.osmId}`, osmLon: null, osmLat: null, boundaryDistanceM: 0 }, null, true);
  }
  counts.gates = gates.length;

  // --- Amenities ------------------------------------------------------------------------------
  const rules = compileRules(mapping);
  const amenities: Feature[] = [];
  const unmappedKeys = mapping.unmappedKeys;
  const farLimit = mapping.amenityFarFromNetworkM;
  const addAmenity = (osmId: string, tags: Tags, at: () => LonLat | null) => {
    const hit = matchAmenity(tags, rules);
    if (!hit) {
      const k = unmappedKeys.find((key) => tags[key] !== undefined);
      if (k) count(`unmapped:${k}=${tags[k]}`);
      if (mapping.warnUnmapped.some((m) => tagsMatch(tags, m))) {
        const kv = Object.entries(tags).filter(([key]) => unmappedKeys.includes(key) || key === "social_facility" || key === "isced:level")
          .map(([key, v]) => `${key}=${v}`).join(" ");
        warn("unmapped-facility", osmId, `${what(kv, nameOf(tags))}: no rule in osm-tags.json gives its category (e.g. the school level); not imported`);
      }
      return;
    }
    const pos = at();
    if (!pos) { warn("skipped-amenity", osmId, `${hit.categories.join("/")}: no position (nodes missing from the extract)`); return; }
    const xy = proj.xy(pos);
    const near = nearestEdge(xy, Math.max(farLimit * 20, 2000));
    const osmTag = Object.keys(hit.rule.match).map((k) => `${k}=${tags[k] ?? ""}`).join(" ");
    const name = nameOf(tags);
    if (!(near.d <= farLimit)) {
      count("amenitiesFarFromNetwork");
      warn("far-from-network", osmId,
        `${what(hit.categories.join("/"), name)} is ${Number.isFinite(near.d) ? fmt(near.d) : `more than ${fmt(Math.max(farLimit * 20, 2000))}`} from the nearest walk edge`,
        Number.isFinite(near.d) ? r1(near.d) : undefined);
    }
    for (const category of hit.categories) {
      const id = amenities.length + 1;
      count(`amenity:${category}`);
      amenities.push({
        type: "Feature", id,
        properties: {
          id, name: name ?? mapping.categoryNames[category] ?? category, category, capacity: intTag(tags.capacity),
          osmId, osmTag, named: name !== null, networkDistanceM: Number.isFinite(near.d) ? r1(near.d) : null,
        },
        geometry: { type: "Point", coordinates: [round7(pos[0]), round7(pos[1])] },
      });
    }
  };
  for (const id of taggedNodeIds) {
    const node = data.nodes.get(id)!;
    addAmenity(`node/${id}`, node.tags, () => [node.lon, node.lat]);
  }
  for (const id of wayIds) {
    const way = data.ways.get(id)!;
    addAmenity(`way/${id}`, way.tags, () => {
      const pts = way.nodes.map((n) => data.nodes.get(n)).filter((n) => n !== undefined).map((n) => proj.xy([n.lon, n.lat]));
      if (pts.length === 0) return null;
      const closed = way.nodes.length >= 4 && way.nodes[0] === way.nodes[way.nodes.length - 1] && pts.length === way.nodes.length;
      return proj.lonLat(closed ? ringCentroid(pts) : vertexMean(pts));
    });
  }
  for (const id of relIds) {
    const rel = data.relations.get(id)!;
    if (rel.tags.type !== "multipolygon") continue;
    addAmenity(`relation/${id}`, rel.tags, () => {
      const area = relationArea(id, rel, data, proj);
      if (area.polygons.length > 0) {
        const biggest = area.polygons.reduce((a, b) => (ringAreaM2(b[0], proj) > ringAreaM2(a[0], proj) ? b : a));
        return proj.lonLat(ringCentroid(biggest[0].map((p) => proj.xy(p))));
      }
      const pts: XY[] = [];
      for (const m of rel.members) {
        if (m.type !== "way") continue;
        for (const n of data.ways.get(m.ref)?.nodes ?? []) {
          const node = data.nodes.get(n);
          if (node) pts.push(proj.xy([node.lon, node.lat]));
        }
      }
      return pts.length > 0 ? proj.lonLat(vertexMean(pts)) : null;
    });
  }
  counts.amenities = amenities.length;

  // --- Compound features ---------------------------------------------------------------------
  const compoundFeatures: Feature[] = compounds.map((c) => {
    const households = intTag(c.tags.households ?? c.tags.dwellings) ?? c.flats;
    return {
      type: "Feature", id: c.id,
      properties: {
        id: c.id, name: c.name, address: addressOf(c.tags), buildYear: yearTag(c.tags.start_date), households,
        buildingCount: c.buildings, floorAreaM2: Math.round(c.floorAreaM2), management: "none",
        communityId: null, subdistrictId: null, tier: null, status: "unlisted", planYear: null,
        startedOn: null, completedOn: null, acceptedOn: null, surveyedHouseholds: null, satisfiedHouseholds: null,
        osmId: c.osmId, areaM2: Math.round(c.areaM2), gateCount: c.gates,
      },
      geometry: { type: "MultiPolygon", coordinates: c.polygons },
    };
  });
  counts.compounds = compounds.length;
  counts.compoundsUnnamed ??= 0;

  const interior = net.edges.filter(([, a, b]) => {
    const pa = posOf(a)!, pb = posOf(b)!;
    return compoundAt((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2) !== null;
  }).length;
  counts.walkEdgesInsideCompounds = interior;

  for (const w of warnings) count(`warnings:${w.kind}`);

  const city: CityData = {
    layers: {
      "compounds.geojson": compoundFeatures,
      "buildings.geojson": buildings,
      "gates.geojson": gates,
      "amenities.geojson": amenities,
      "streets.geojson": streets,
    },
    walkNetwork: {
      nodes: net.nodes,
      edges: net.edges,
      // Walk node ids are OSM node ids; an edge is one stretch of one way between two nodes.
      nodeOsmIds: net.nodes.map(([id]) => `node/${id}`),
      edgeOsmIds: net.edges.map(([, a, b], i) => `way/${net.edgeWay[i]}:${Math.min(a, b)}-${Math.max(a, b)}`),
    },
  };
  return { city, report: { counts, warnings } };
}

/** Length in metres of every walk edge (haversine between its nodes), keyed by edge id. */
export function walkEdgeLengthsM(city: CityData): Map<number, number> {
  const at = new Map<number, LonLat>(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, [lon, lat]]));
  return new Map(city.walkNetwork.edges.map(([id, a, b]) => [id, distanceM(at.get(a)!, at.get(b)!)]));
}
