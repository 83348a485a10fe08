/**
 * Plane geometry for the OSM import: a local equirectangular projection (metres around the data's
 * centre), rings, point-in-polygon, nearest points on segments and simple-ring checks. Positions are
 * [lon, lat] in degrees; projected points are [x, y] in metres. Distances, the projection's scale
 * and the spatial index come from the engine (web/src/analysis/geo.ts, spatial-index.ts).
 */

export type LonLat = [number, number];
export type XY = [number, number];

import { LocalProjection } from "../../web/src/analysis/geo.js";

/** Round to 7 decimals (about 1 cm), the precision of the output GeoJSON. */
export const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** The engine's local projection (geo.ts) taking and giving positions as pairs: good to 1e-4 across a city. */
export class Projection extends LocalProjection {
  xy(p: LonLat): XY {
    return [this.x(p[0]), this.y(p[1])];
  }
  lonLat(p: XY): LonLat {
    return [this.lon(p[0]), this.lat(p[1])];
  }
}

/** Twice the signed area (shoelace); positive when counter-clockwise. Works for closed or open rings. */
export function signedArea2(ring: ReadonlyArray<readonly number[]>): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s;
}

export function pointInRing(x: number, y: number, ring: ReadonlyArray<readonly number[]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0],
      yi = ring[i][1],
      xj = ring[j][0],
      yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point in a polygon given as [exterior, ...holes]. */
export function pointInPolygon(x: number, y: number, rings: ReadonlyArray<ReadonlyArray<readonly number[]>>): boolean {
  if (!pointInRing(x, y, rings[0])) return false;
  for (let i = 1; i < rings.length; i++) if (pointInRing(x, y, rings[i])) return false;
  return true;
}

/** Nearest point to (px, py) on segment a–b: its coordinates, squared distance and parameter t. */
export function nearestOnSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): { x: number; y: number; d2: number; t: number } {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  const x = ax + t * dx,
    y = ay + t * dy;
  return { x, y, d2: (px - x) ** 2 + (py - y) ** 2, t };
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
const onSeg = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
  Math.min(ax, cx) <= bx && bx <= Math.max(ax, cx) && Math.min(ay, cy) <= by && by <= Math.max(ay, cy);

/** Whether closed segments a–b and c–d share a point. */
export function segmentsIntersect(a: readonly number[], b: readonly number[], c: readonly number[], d: readonly number[]): boolean {
  const o1 = orient(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orient(a[0], a[1], b[0], b[1], d[0], d[1]);
  const o3 = orient(c[0], c[1], d[0], d[1], a[0], a[1]);
  const o4 = orient(c[0], c[1], d[0], d[1], b[0], b[1]);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSeg(a[0], a[1], c[0], c[1], b[0], b[1])) ||
    (o2 === 0 && onSeg(a[0], a[1], d[0], d[1], b[0], b[1])) ||
    (o3 === 0 && onSeg(c[0], c[1], a[0], a[1], d[0], d[1])) ||
    (o4 === 0 && onSeg(c[0], c[1], b[0], b[1], d[0], d[1]))
  );
}

/**
 * Whether a closed ring (first position repeated at the end, at least 4 positions) is simple:
 * no repeated vertex and no two non-adjacent edges touching. O(n²), fine for map polygons.
 */
export function ringIsSimple(ring: ReadonlyArray<readonly number[]>): boolean {
  const n = ring.length - 1; // edges
  if (n < 3) return false;
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const k = `${ring[i][0]},${ring[i][1]}`;
    if (seen.has(k)) return false;
    seen.add(k);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) {
        // adjacent edges share one vertex; they are bad only if they fold back onto each other
        const [p, q, r] = j === i + 1 ? [ring[i], ring[i + 1], ring[j + 1]] : [ring[j], ring[0], ring[1]];
        if (orient(p[0], p[1], q[0], q[1], r[0], r[1]) === 0 && (r[0] - q[0]) * (p[0] - q[0]) + (r[1] - q[1]) * (p[1] - q[1]) > 0) return false;
        continue;
      }
      if (segmentsIntersect(ring[i], ring[i + 1], ring[j], ring[j + 1])) return false;
    }
  }
  return true;
}

/** Whether any edge of ring a touches any edge of ring b. */
export function ringsTouch(a: ReadonlyArray<readonly number[]>, b: ReadonlyArray<readonly number[]>): boolean {
  for (let i = 0; i + 1 < a.length; i++) {
    for (let j = 0; j + 1 < b.length; j++) if (segmentsIntersect(a[i], a[i + 1], b[j], b[j + 1])) return true;
  }
  return false;
}

/** Area centroid of a ring (any orientation); the vertex mean when the area is ~0. */
export function ringCentroid(ring: ReadonlyArray<readonly number[]>): XY {
  let a = 0,
    cx = 0,
    cy = 0;
  const x0 = ring[0][0],
    y0 = ring[0][1];
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i][0] - x0,
      yi = ring[i][1] - y0,
      xj = ring[j][0] - x0,
      yj = ring[j][1] - y0;
    const f = xj * yi - xi * yj;
    a += f;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  if (Math.abs(a) < 1e-12) return vertexMean(ring);
  return [cx / (3 * a) + x0, cy / (3 * a) + y0];
}

export function vertexMean(points: ReadonlyArray<readonly number[]>): XY {
  let x = 0,
    y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}
