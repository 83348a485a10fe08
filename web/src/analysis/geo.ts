// Metres from degrees, at the latitude where they are measured: the one place the engine turns
// longitude and latitude into metres. WGS 84 ellipsoid; a degree of longitude is 111.3 km at the
// equator, 103.3 km at 22°N (Shenzhen) and 85.4 km at 40°N (Beijing), and a degree of latitude
// grows from 110.7 km to 111.0 km between them, so a constant from the equator is 0.4% off in
// Beijing. Geodesic distances come from GeographicLib (Karney's algorithm, the one PostGIS uses
// for geography).
import geodesic from "geographiclib-geodesic";

const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const RAD = Math.PI / 180;

/** Metres per degree of latitude and of longitude at `latDeg` (the ellipsoid's local radii of curvature). */
export function metresPerDegree(latDeg: number): { lat: number; lon: number } {
  const phi = latDeg * RAD;
  const s = Math.sin(phi);
  const w = 1 - E2 * s * s;
  const meridional = (A * (1 - E2)) / (w * Math.sqrt(w));
  const primeVertical = A / Math.sqrt(w);
  return { lat: meridional * RAD, lon: primeVertical * Math.cos(phi) * RAD };
}

/**
 * A plane around (lon0, lat0) in metres, x east and y north, with the scale of that latitude:
 * distances within a few kilometres of the centre are good to about 1e-4 (1e-5 within 500 m).
 * For exact figures project around the point being measured (see `attachPoint`).
 */
export class LocalProjection {
  readonly kx: number;
  readonly ky: number;
  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    const m = metresPerDegree(lat0);
    this.kx = m.lon;
    this.ky = m.lat;
  }
  x(lon: number): number {
    return (lon - this.lon0) * this.kx;
  }
  y(lat: number): number {
    return (lat - this.lat0) * this.ky;
  }
  lon(x: number): number {
    return this.lon0 + x / this.kx;
  }
  lat(y: number): number {
    return this.lat0 + y / this.ky;
  }
}

/**
 * The demo city's fixed plane: the generator (geodata/generator) lays the city out in metres and
 * turns them into degrees with these spherical constants, x = Δlon · 111 320 · cos φ0 and
 * y = Δlat · 110 540, around the city's centre φ0. The committed files in geodata/demo-city were
 * made with them, so they stay as they are (regenerating must give the same bytes); they are the
 * demo city's definition, not a way to measure: real data uses `metresPerDegree`.
 */
export const DEMO_PLANE = {
  /** Metres per degree of longitude at the equator, before the cos φ0 factor. */
  lonMPerDegAtEquator: 111_320,
  /** Metres per degree of latitude, everywhere. */
  latMPerDeg: 110_540,
} as const;

/** Metres per degree of longitude and latitude of the demo city's fixed plane at `lat0Deg` (see `DEMO_PLANE`). */
export function demoPlaneMetresPerDegree(lat0Deg: number): { lat: number; lon: number } {
  return { lat: DEMO_PLANE.latMPerDeg, lon: DEMO_PLANE.lonMPerDegAtEquator * Math.cos((lat0Deg * Math.PI) / 180) };
}

/** The geodesic distance between two points on WGS 84, in metres (as PostGIS `::geography` measures it). */
export function geodesicM(a: readonly [number, number], b: readonly [number, number]): number {
  return geodesic.Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0], geodesic.Geodesic.DISTANCE).s12 ?? NaN;
}

/**
 * A `[minLon, minLat, maxLon, maxLat]` box grown by at least `metres` on every side (the longitude
 * margin taken at the box's latitude farthest from the equator, where a degree is shortest).
 */
export function growBounds(b: readonly [number, number, number, number], metres: number): [number, number, number, number] {
  const perDegree = metresPerDegree(Math.max(Math.abs(b[1]), Math.abs(b[3])));
  // A thousandth more, for the curvature's change over the margin itself.
  const m = metres * 1.001;
  const dLon = m / perDegree.lon;
  const dLat = m / Math.min(perDegree.lat, metresPerDegree(Math.min(Math.abs(b[1]), Math.abs(b[3]))).lat);
  return [b[0] - dLon, b[1] - dLat, b[2] + dLon, b[3] + dLat];
}

/** `[minLon, minLat, maxLon, maxLat]` of a list of positions (or of every position in nested arrays). */
export function bboxOf(coords: unknown): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown) => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === "number") {
      const [lon, lat] = c as number[];
      if (lon < box[0]) box[0] = lon;
      if (lat < box[1]) box[1] = lat;
      if (lon > box[2]) box[2] = lon;
      if (lat > box[3]) box[3] = lat;
      return;
    }
    for (const x of c) walk(x);
  };
  walk(coords);
  return box;
}
