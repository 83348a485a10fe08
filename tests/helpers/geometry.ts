// Small, independent geometry helpers for computing expected answers in tests (no PostGIS, no
// project code), so API results are checked against a second computation.

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
