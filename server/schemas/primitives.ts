import { z } from "zod";
import { Projection, signedArea2, type LonLat } from "../import/osm-geom.js";

// The building blocks every request schema is made of, so that what PostgreSQL cannot store is
// refused here, as a 400 naming the field, and never reaches the database as a 500: text with a
// NUL character or a lone UTF-16 surrogate (not storable as UTF-8 text or jsonb), integers past
// the int4 columns, and geometry that is not well-formed GeoJSON or is absurdly large.

/** The largest value of a PostgreSQL `integer` (int4) column: ids, versions, counts. */
export const MAX_INT4 = 2_147_483_647;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  const nul = s.indexOf("\u0000");
  if (nul >= 0) return `must not contain the NUL character (U+0000, at position ${nul + 1})`;
  if (LONE_SURROGATE.test(s)) return "must be valid Unicode text (it holds a lone surrogate, half of a UTF-16 pair)";
  return undefined;
}

/** A string PostgreSQL can store: no NUL, no lone surrogate. */
export const safeString = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { code: s.includes("\u0000") ? "text_nul" : "text_surrogate" } });
  });

/** An integer that fits an int4 column, within [min, max]. */
export const int4 = (min = -MAX_INT4 - 1, max = MAX_INT4, params?: Parameters<typeof z.number>[0]) =>
  z.number(params).int().min(min).max(Math.min(max, MAX_INT4));

/** A row id: 1 … 2^31 − 1. */
export const rowId = (what: string) => int4(1, MAX_INT4, { error: `expected the id of ${what}` });

/** A count of something (households, buildings …): 0 … 2^31 − 1. */
export const count = int4(0);

/** A row version for optimistic updates. */
export const version = int4(1);

// ---------------------------------------------------------------------------------------------
// Geometry (GeoJSON, RFC 7946, EPSG:4326)

/**
 * Limits on one geometry of a request or an import row. A compound footprint has tens to a few
 * hundred vertices; 100 000 (which a planner once sent) made the walk network take minutes.
 */
export const GEOMETRY_LIMITS = {
  /** Positions in one geometry, all rings and parts together. */
  maxVertices: 10_000,
  /** Polygons in a MultiPolygon, points in a MultiPoint. */
  maxParts: 100,
  /** Rings in one polygon (the outer ring and its holes). */
  maxRings: 100,
  /** Area of one polygon or multipolygon, km² (a whole 大院 or campus is a few km²). */
  maxAreaKm2: 25,
} as const;

export type GeometryType = "Point" | "MultiPoint" | "LineString" | "Polygon" | "MultiPolygon";

/** A GeoJSON geometry as {@link checkGeometry} returns it: every position `[lon, lat]` in degrees (EPSG:4326). */
export type CheckedGeometry =
  | { type: "Point"; coordinates: LonLat }
  | { type: "MultiPoint" | "LineString"; coordinates: LonLat[] }
  | { type: "Polygon"; coordinates: LonLat[][] }
  | { type: "MultiPolygon"; coordinates: LonLat[][][] };

type Issue = { path: Array<string | number>; message: string };
export const LONLAT = "coordinates must be [lon, lat] in degrees (EPSG:4326): lon within ±180, lat within ±90";

/**
 * Check a GeoJSON geometry of one of `allowed` types, position by position, and return it with
 * every position cut to [lon, lat] (a third or fourth value, height or measure, which many tools
 * write, is dropped). Problems come with the path inside the geometry, e.g. `coordinates[0][3]`.
 */
export function checkGeometry(value: unknown, allowed: readonly GeometryType[]): { geometry?: CheckedGeometry; issues: Issue[] } {
  const issues: Issue[] = [];
  const fail = (path: Array<string | number>, message: string) => {
    issues.push({ path, message });
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail([], `expected a GeoJSON ${allowed.join(" or ")} object`);
    return { issues };
  }
  const g = value as Record<string, unknown>;
  for (const key of Object.keys(g)) {
    if (!["type", "coordinates", "crs", "bbox"].includes(key)) fail([key], "not a member of a GeoJSON geometry");
  }
  if (g.crs !== undefined && !/CRS84|4326/.test(JSON.stringify(g.crs))) fail(["crs"], "only EPSG:4326 / CRS84 coordinates are accepted");
  const type = g.type as GeometryType;
  if (typeof g.type !== "string" || !allowed.includes(type)) {
    fail(["type"], `expected a GeoJSON ${allowed.join(" or ")}${typeof g.type === "string" ? `, got "${g.type.slice(0, 40)}"` : ""}`);
    return { issues };
  }
  let vertices = 0;
  const position = (p: unknown, path: Array<string | number>): LonLat | undefined => {
    if (!Array.isArray(p) || p.length < 2 || p.length > 4 || !p.every((x) => typeof x === "number" && Number.isFinite(x))) {
      fail(path, "expected a position: [lon, lat] (two to four numbers)");
      return undefined;
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
      fail(path, LONLAT);
      return undefined;
    }
    vertices++;
    return [p[0], p[1]];
  };
  const list = (v: unknown, path: Array<string | number>, what: string, min: number, max = Infinity): unknown[] | undefined => {
    if (!Array.isArray(v)) {
      fail(path, `expected ${what}`);
      return undefined;
    }
    if (v.length < min) fail(path, `${what} needs at least ${min}`);
    else if (v.length > max) fail(path, `at most ${max} allowed here (the limit for one geometry)`);
    return v.length < min || v.length > max ? undefined : v;
  };
  const positions = (v: unknown, path: Array<string | number>, min: number, what: string) =>
    list(v, path, what, min, GEOMETRY_LIMITS.maxVertices)?.map((p, i) => position(p, [...path, i]));
  const ring = (v: unknown, path: Array<string | number>): LonLat[] | undefined => {
    const r = positions(v, path, 4, "a ring: positions (at least 4, the last equal to the first)");
    if (!r || r.some((p) => !p)) return undefined;
    const ok = r as LonLat[];
    const [a, b] = [ok[0], ok[ok.length - 1]];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      fail(path, "a ring must end where it starts");
      return undefined;
    }
    return ok;
  };
  const polygon = (v: unknown, path: Array<string | number>) => {
    const rings = list(v, path, "a polygon: a list of rings", 1, GEOMETRY_LIMITS.maxRings);
    return rings?.map((r, i) => ring(r, [...path, i]));
  };
  const c = g.coordinates;
  let coordinates: unknown;
  if (type === "Point") coordinates = position(c, ["coordinates"]);
  else if (type === "MultiPoint") coordinates = list(c, ["coordinates"], "points", 1, GEOMETRY_LIMITS.maxParts)?.map((p, i) => position(p, ["coordinates", i]));
  else if (type === "LineString") coordinates = positions(c, ["coordinates"], 2, "a line: positions");
  else if (type === "Polygon") coordinates = polygon(c, ["coordinates"]);
  else coordinates = list(c, ["coordinates"], "polygons", 1, GEOMETRY_LIMITS.maxParts)?.map((p, i) => polygon(p, ["coordinates", i]));
  if (vertices > GEOMETRY_LIMITS.maxVertices) {
    fail(["coordinates"], `${vertices} positions; at most ${GEOMETRY_LIMITS.maxVertices} in one geometry`);
  }
  if (issues.length) return { issues };
  // No issues: every list above was complete and every position defined, so the shape is the type's.
  const geometry = { type, coordinates } as CheckedGeometry;
  if (geometry.type === "Polygon" || geometry.type === "MultiPolygon") {
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    const first = polys[0][0][0];
    const proj = new Projection(first[0], first[1]);
    let areaM2 = 0;
    for (const rings of polys) {
      rings.forEach((r, i) => {
        areaM2 += ((i === 0 ? 1 : -1) * Math.abs(signedArea2(r.map((p) => proj.xy(p))))) / 2;
      });
    }
    if (areaM2 > GEOMETRY_LIMITS.maxAreaKm2 * 1e6) {
      fail(["coordinates"], `covers ${(areaM2 / 1e6).toFixed(1)} km²; at most ${GEOMETRY_LIMITS.maxAreaKm2} km² in one geometry`);
      return { issues };
    }
  }
  return { geometry, issues };
}

/** One `[lon, lat]` pair in degrees (EPSG:4326), e.g. where a proposed facility goes. */
export const lonLatPair = z.tuple([z.number().min(-180, LONLAT).max(180, LONLAT), z.number().min(-90, LONLAT).max(90, LONLAT)], {
  error: "expected [lon, lat]: two numbers in degrees (EPSG:4326)",
});

/** `coordinates[0][3]` for ["coordinates", 0, 3], as error paths are written. */
export function fieldPath(path: ReadonlyArray<string | number>): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** A zod schema for a GeoJSON geometry of the given types (see {@link checkGeometry}). */
export function geometrySchema(allowed: readonly GeometryType[]) {
  return z.unknown().transform((value, ctx) => {
    const { geometry, issues } = checkGeometry(value, allowed);
    for (const i of issues) ctx.addIssue({ code: "custom", path: i.path, message: i.message, params: { code: "invalid_geometry" } });
    return issues.length ? z.NEVER : geometry!;
  });
}
