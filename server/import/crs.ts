// Chinese web-map coordinate systems. 高德 (Amap) and 腾讯 (Tencent) publish coordinates in GCJ-02
// (国测局坐标, "Mars coordinates"), 百度 (Baidu) in BD-09 (百度坐标), which is a further offset of
// GCJ-02. Everything stored in this project is WGS84 (EPSG:4326), so imports convert on the way in.
//
// GCJ-02 is an obfuscation, not a datum: the forward formula below is the one reverse-engineered
// and shared by every open implementation (coordtransform, eviltransform, gcoord …); it has no
// closed-form inverse, so `gcj02ToWgs84` solves for it by iteration.
//
// Points outside China's bounding box (see `outOfChina`) are never shifted by any function here:
// the official maps do not shift them either.

import { ValidationError } from "../errors.js";

/** A coordinate system a source may use: WGS84 (GPS, OSM), GCJ-02 (高德/腾讯) or BD-09 (百度). */
export type Crs = "wgs84" | "gcj02" | "bd09";

/** A position `[lon, lat]` in degrees. */
export type LonLat = [number, number];

// Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
const KRASOVSKY_A_M = 6378245.0;
const KRASOVSKY_E2 = 0.006693421622965943; // 0.00669342162296594323 rounds to this double
// BD-09 rotates and scales with a "pi" of 3000/180 per degree.
const BD_X_PI = (Math.PI * 3000.0) / 180.0;
/** `gcj02ToWgs84` stops once a step moves the estimate by less than this, in degrees (~0.1 mm). */
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 50;

/**
 * Whether a position lies outside the rough bounding box of China used by the GCJ-02 formula
 * (lon 72.004–137.8347, lat 0.8293–55.8271). Such positions are not shifted. The box is coarse
 * (it takes in parts of neighbouring countries); we keep it because the map providers' own
 * libraries use the same test, so data they publish was shifted by this rule.
 */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** The GCJ-02 offset `[dLon, dLat]` in degrees at a WGS84 position (no out-of-China test). */
function gcjOffset(lon: number, lat: number): LonLat {
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - KRASOVSKY_E2 * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((KRASOVSKY_A_M * (1 - KRASOVSKY_E2)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((KRASOVSKY_A_M / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

/**
 * WGS84 → GCJ-02 (高德/腾讯). Degrees in, degrees out; positions outside China are returned
 * unchanged.
 *
 * @example wgs84ToGcj02(116.404, 39.915) // ≈ [116.410244, 39.916404]
 */
export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const [dLon, dLat] = gcjOffset(lon, lat);
  return [lon + dLon, lat + dLat];
}

/**
 * GCJ-02 (高德/腾讯) → WGS84, the exact inverse of `wgs84ToGcj02`: iterates until a step is below
 * 1e-9° (about 0.1 mm), rather than the common one-step approximation that can be off by metres.
 * Degrees in, degrees out; positions outside China are returned unchanged.
 */
export function gcj02ToWgs84(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  // Fixed-point iteration w ← w − (f(w) − g): the offset changes slowly with position (its
  // derivative is ~1e-4), so each step gains about four digits.
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const [dLon, dLat] = gcjOffset(wLon, wLat);
    const stepLon = wLon + dLon - lon;
    const stepLat = wLat + dLat - lat;
    wLon -= stepLon;
    wLat -= stepLat;
    if (Math.abs(stepLon) < INVERSE_TOLERANCE_DEG && Math.abs(stepLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return [wLon, wLat];
}

/**
 * GCJ-02 → BD-09 (百度). Degrees in, degrees out; positions outside China are returned unchanged
 * (Baidu's own formula would still shift them, but data there is never BD-09 in practice, and
 * leaving them alone keeps every function here consistent).
 */
export function gcj02ToBd09(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * BD_X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * BD_X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/**
 * BD-09 (百度) → GCJ-02, the closed-form inverse published with the forward formula (the one
 * every library uses; it round-trips through `gcj02ToBd09` to within about 2e-6°, ~0.2 m, well
 * inside what Baidu's own data is accurate to). Degrees in, degrees out; positions outside China are returned unchanged.
 */
export function bd09ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * BD_X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * BD_X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** BD-09 (百度) → WGS84, through GCJ-02. Degrees; positions outside China are returned unchanged. */
export function bd09ToWgs84(lon: number, lat: number): LonLat {
  const [gLon, gLat] = bd09ToGcj02(lon, lat);
  return gcj02ToWgs84(gLon, gLat);
}

/** WGS84 → BD-09 (百度), through GCJ-02. Degrees; positions outside China are returned unchanged. */
export function wgs84ToBd09(lon: number, lat: number): LonLat {
  const [gLon, gLat] = wgs84ToGcj02(lon, lat);
  return gcj02ToBd09(gLon, gLat);
}

/**
 * Convert a position from `crs` to WGS84. Degrees in, degrees out.
 *
 * @example toWgs84("bd09", 116.404, 39.915) // a point taken from a Baidu map, as WGS84
 */
export function toWgs84(crs: Crs, lon: number, lat: number): LonLat {
  switch (crs) {
    case "wgs84":
      return [lon, lat];
    case "gcj02":
      return gcj02ToWgs84(lon, lat);
    case "bd09":
      return bd09ToWgs84(lon, lat);
  }
}

// Spellings accepted by `parseCrs`, after lower-casing and dropping "-", "_", " " and ":".
const CRS_ALIASES: Record<string, Crs> = {
  wgs84: "wgs84",
  epsg4326: "wgs84",
  gcj02: "gcj02",
  gcj: "gcj02",
  bd09: "bd09",
  bd09ll: "bd09",
};

/** The spellings `parseCrs` accepts, as shown in its error message. */
export const ACCEPTED_CRS_NAMES = ["wgs84", "WGS-84", "EPSG:4326", "gcj02", "GCJ-02", "bd09", "BD-09", "bd09ll"] as const;

/**
 * Read a coordinate-system name as given by a user or a file: case, "-", "_", ":" and spaces are
 * ignored, so `WGS84`, `wgs-84`, `EPSG:4326`, `GCJ-02`, `gcj_02`, `BD-09` and `bd09ll` are all
 * accepted.
 *
 * @param field the input field the value came from, named in the error (default `crs`)
 * @throws ValidationError naming the field and the bad value, and listing the accepted names
 */
export function parseCrs(value: string, field = "crs"): Crs {
  const key = String(value)
    .trim()
    .toLowerCase()
    .replace(/[-_\s:]/g, "");
  const crs = Object.hasOwn(CRS_ALIASES, key) ? CRS_ALIASES[key] : undefined;
  if (crs) return crs;
  throw new ValidationError([
    {
      name: field,
      reason: `unknown coordinate system ${JSON.stringify(value)}; accepted: ${ACCEPTED_CRS_NAMES.join(", ")}`,
      code: "invalid_value",
      params: { values: ACCEPTED_CRS_NAMES.join(", ") },
    },
  ]);
}
