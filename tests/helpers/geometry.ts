// Small, independent geometry helpers for computing expected answers in tests (no PostGIS, no
// project code), so API results are checked against a second computation; and for writing the
// test geometries themselves (rings, rectangles, points placed in metres).

export type Ring = number[][];
export type BBox = [number, number, number, number];

/** Rings of a Polygon or MultiPolygon geometry. */
export function polygonsOf(geometry: { type: string; coordinates: any }): Ring[][] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

export function pointInRing([x, y]: number[], ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(p: number[], rings: Ring[]): boolean {
  return pointInRing(p, rings[0]) && !rings.slice(1).some((hole) => pointInRing(p, hole));
}

function segmentsCross(a: number[], b: number[], c: number[], d: number[]): boolean {
  const o = (p: number[], q: number[], r: number[]) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const on = (p: number[], q: number[], r: number[]) =>
    Math.min(p[0], r[0]) <= q[0] && q[0] <= Math.max(p[0], r[0]) && Math.min(p[1], r[1]) <= q[1] && q[1] <= Math.max(p[1], r[1]);
  const o1 = o(a, b, c),
    o2 = o(a, b, d),
    o3 = o(c, d, a),
    o4 = o(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && on(a, c, b)) || (o2 === 0 && on(a, d, b)) || (o3 === 0 && on(c, a, d)) || (o4 === 0 && on(c, b, d));
}

/** Whether a (Multi)Polygon and a closed rectangle share at least one point. */
export function polygonIntersectsBBox(geometry: { type: string; coordinates: any }, [x0, y0, x1, y1]: BBox): boolean {
  const corners = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
  const inBox = ([x, y]: number[]) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  for (const rings of polygonsOf(geometry)) {
    if (rings.some((ring) => ring.some(inBox))) return true;
    if (corners.some((c) => pointInPolygon(c, rings))) return true;
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        for (let k = 0; k < 4; k++) {
          if (segmentsCross(ring[i], ring[i + 1], corners[k], corners[(k + 1) % 4])) return true;
        }
      }
    }
  }
  return false;
}

/** Great-circle distance in metres (spherical, R = 6,371,008.8 m). */
export function haversineM([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

/** A GeoJSON Polygon of one ring through `corners`, closed back to the first. */
export function polygon(...corners: number[][]): { type: "Polygon"; coordinates: number[][][] } {
  return { type: "Polygon", coordinates: [[...corners, corners[0]]] };
}

/** The rectangle from corner [x0, y0] to corner [x1, y1] as a GeoJSON Polygon (counter-clockwise for x0 < x1, y0 < y1). */
export function rectangle(x0: number, y0: number, x1: number, y1: number) {
  return polygon([x0, y0], [x1, y0], [x1, y1], [x0, y1]);
}

/**
 * A local plane around [lon0, lat0]: x metres east and y metres north of it (equirectangular,
 * 111,320 m a degree of longitude at the equator and 110,574 m a degree of latitude; fine over a
 * few kilometres), for placing hand-built networks and compounds.
 */
export function metricPlane(lon0: number, lat0: number) {
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const mLat = 110_574;
  const lonLat = (x: number, y: number): [number, number] => [lon0 + x / mLon, lat0 + y / mLat];
  return {
    lonLat,
    /** A walk-graph node at (x, y). */
    node: (id: number, x: number, y: number) => ({ id, lon: lon0 + x / mLon, lat: lat0 + y / mLat }),
    /** [x, y] in metres of a point [lon, lat]. */
    xy: (lon: number, lat: number): [number, number] => [(lon - lon0) * mLon, (lat - lat0) * mLat],
  };
}

/** The plane of the hand-built networks in tests/unit/, its origin at 114.64° E, 33.62° N. */
export const HAND_PLANE = metricPlane(114.64, 33.62);
