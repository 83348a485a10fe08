import { contours } from "d3-contour";
import type { MultiPolygon, Position } from "geojson";
import { attachPoint, attachmentSources, type Attachment, type EdgeIndex } from "./attach";
import { type MinHeap, multiSourceDijkstra, type Source } from "./dijkstra";
import { metresPerDegree } from "./geo";
import type { WalkGraph } from "./walk-graph";

/**
 * Walking isochrones (等时圈): the area reachable on foot within a distance, drawn around the
 * streets actually reached, so a river crossed by one bridge gives a lobe beyond the bridge and not
 * a disc. Pure TypeScript: runs in a Web Worker and in Node.
 */

/** One band of an isochrone: everything within `limitM` metres of walking. */
export interface IsochroneBand {
  /** Walking distance limit (metres). */
  limitM: number;
  /** Reached area, EPSG:4326 `[lon, lat]`, RFC 7946 rings (closed, outer anticlockwise, holes clockwise). */
  polygon: MultiPolygon;
  /** Area of `polygon` in square metres (shoelace in local metres, holes subtracted). */
  areaM2: number;
}

/** Options of {@link isochrones}. */
export interface IsochroneOptions {
  /** Half-width (metres) of the strip drawn around each reached street part. Default 30. */
  bufferM?: number;
  /** Raster cell size (metres). Default 10; raised when the grid would exceed {@link MAX_CELLS}. */
  cellM?: number;
  /** Reuse this heap between runs. */
  heap?: MinHeap;
  /** Reuse this array (length ≥ nodeCount) for the node distances. */
  out?: Float64Array;
  /**
   * The attached points the sources came from (see {@link sourcesForPoint}). Their own edge is then
   * measured outwards from the attachment point itself; without this, that edge counts only from
   * its two ends and a click in the middle of a long street would reach too little of it.
   */
  origins?: Attachment[];
}

/** Largest raster, in cells; a bigger reached area gets coarser cells rather than more memory. */
export const MAX_CELLS = 4_000_000;

/**
 * Walking isochrones from `sources` for each limit in `limitsM`: one Dijkstra bounded at the largest
 * limit, then, per band, every street part within the limit (whole edges, and the first `L − d`
 * metres from an end reached at `d`) is buffered by `bufferM` on a raster of `cellM` metres and
 * contoured (d3-contour, no smoothing). Bands are independent polygons (the 900 m polygon also
 * covers the 600 m one) and are returned in the order of `limitsM`.
 *
 * A block whose inside is farther than `bufferM` from every reached street is a hole. `areaM2` is the
 * shoelace area of the contoured polygon in local metres (holes subtracted), not a cell count; at
 * 10 m cells it is within a few per cent of the exact buffered area (a lone diagonal street: +6 %;
 * at 5 m cells under 1 %). The straight connector from a clicked point to its street is not drawn.
 * At most 255 limits (cells hold the band count in a byte).
 *
 * @param limitsM walking distances in metres (e.g. 5/10/15 min at 1 m/s: `[300, 600, 900]`).
 * @returns the bands, and `dist`: metres from the nearest source to every node (Infinity past the
 *   largest limit).
 * @example
 *   const origin = sourcesForPoint(graph, index, 114.65, 33.62);
 *   if (origin) {
 *     const { bands } = isochrones(graph, origin.sources, [300, 600, 900], { origins: [origin.attachment] });
 *   }
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one algorithm whose steps share buffers: search, rasterise the reached streets, contour, tally per band
export function isochrones(
  graph: WalkGraph,
  sources: Source[],
  limitsM: number[],
  opts: IsochroneOptions = {},
): { bands: IsochroneBand[]; dist: Float64Array } {
  const bufferM = opts.bufferM ?? 30;
  const order = limitsM.map((_, i) => i).sort((a, b) => limitsM[a] - limitsM[b]);
  const asc = order.map((i) => limitsM[i]);
  const nb = asc.length;
  if (nb > 255) throw new RangeError(`isochrones: at most 255 limits, got ${nb}`);
  const maxL = nb ? asc[nb - 1] : -Infinity;
  const dist = multiSourceDijkstra(graph, sources, { out: opts.out, heap: opts.heap, maxDistM: Math.max(0, maxL) });
  const empty = (limitM: number): IsochroneBand => ({ limitM, polygon: { type: "MultiPolygon", coordinates: [] }, areaM2: 0 });
  if (!nb || !(maxL >= 0)) return { bands: limitsM.map(empty), dist };

  // Local metres around the first source (any reached point would do at this scale).
  const ref = sources.length ? sources[0].node : 0;
  const lon0 = graph.nodeCount ? graph.nodeLonLat[2 * ref] : 0;
  const lat0 = graph.nodeCount ? graph.nodeLonLat[2 * ref + 1] : 0;
  // Metres at the latitude of the origin (geo.ts): bands are a few kilometres across.
  const { lon: mLon, lat: M_PER_DEG_LAT } = metresPerDegree(lat0);

  // 1. Reached street parts as pieces (ax, ay, bx, by, level); level = number of bands that reach it.
  const pieces: number[] = [];
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const { edgeSource, edgeTarget, edgeLengthM, nodeLonLat } = graph;
  const origins = new Map<number, Attachment[]>();
  for (const o of opts.origins ?? []) (origins.get(o.edge) ?? origins.set(o.edge, []).get(o.edge)!).push(o);
  let ax = 0,
    ay = 0,
    dx = 0,
    dy = 0,
    len = 0;
  const emit = (s0: number, s1: number, level: number) => {
    const f0 = len > 0 ? s0 / len : 0,
      f1 = len > 0 ? s1 / len : 0;
    const x0 = ax + f0 * dx,
      y0 = ay + f0 * dy,
      x1 = ax + f1 * dx,
      y1 = ay + f1 * dy;
    pieces.push(x0, y0, x1, y1, level);
    if (x0 < minX) minX = x0;
    if (x0 > maxX) maxX = x0;
    if (y0 < minY) minY = y0;
    if (y0 > maxY) maxY = y0;
    if (x1 < minX) minX = x1;
    if (x1 > maxX) maxX = x1;
    if (y1 < minY) minY = y1;
    if (y1 > maxY) maxY = y1;
  };
  const intervals: number[] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = edgeSource[e],
      b = edgeTarget[e];
    const da = dist[a],
      db = dist[b];
    const own = origins.size ? origins.get(e) : undefined;
    if (!(da <= maxL || db <= maxL) && !own) continue;
    len = edgeLengthM[e];
    ax = (nodeLonLat[2 * a] - lon0) * mLon;
    ay = (nodeLonLat[2 * a + 1] - lat0) * M_PER_DEG_LAT;
    dx = (nodeLonLat[2 * b] - lon0) * mLon - ax;
    dy = (nodeLonLat[2 * b + 1] - lat0) * M_PER_DEG_LAT - ay;
    // Bands nest, so an edge whose reached part is unchanged from the previous band is skipped:
    // the earlier, higher level already covers it (stamping keeps the maximum level).
    let prevA = NaN,
      prevB = NaN;
    for (let i = 0; i < nb; i++) {
      const L = asc[i],
        level = nb - i;
      const pa = L - da,
        pb = L - db; // metres reached along the edge from each end
      if (!own) {
        const whole = pa >= len || pb >= len || (pa >= 0 && pb >= 0 && pa + pb >= len);
        const ka = whole ? len : pa >= 0 ? pa : -1;
        const kb = whole ? len : pb >= 0 ? pb : -1;
        if (ka === prevA && kb === prevB) continue;
        prevA = ka;
        prevB = kb;
        if (whole) emit(0, len, level);
        else {
          if (pa >= 0) emit(0, pa, level);
          if (pb >= 0) emit(len - pb, len, level);
        }
        continue;
      }
      intervals.length = 0;
      if (pa >= 0) intervals.push(0, Math.min(len, pa));
      if (pb >= 0) intervals.push(Math.max(0, len - pb), len);
      for (const o of own) {
        const r = L - o.connectorM,
          p = o.t * len;
        if (r >= 0) intervals.push(Math.max(0, p - r), Math.min(len, p + r));
      }
      for (let k = 0; k < intervals.length; k += 2) emit(intervals[k], intervals[k + 1], level);
    }
  }
  if (!pieces.length) return { bands: limitsM.map(empty), dist };

  // 2. Raster: cell (i, j) has its centre at (gx0 + (i + ½)·cell, gy0 + (j + ½)·cell) — the same
  //    convention as d3-contour's grid, so contour coordinate u maps to x = gx0 + u·cell.
  let cellM = opts.cellM ?? 10;
  const pad = bufferM + 2 * cellM;
  const spanX = maxX - minX + 2 * pad,
    spanY = maxY - minY + 2 * pad;
  if ((spanX / cellM) * (spanY / cellM) > MAX_CELLS) cellM = Math.sqrt((spanX * spanY) / MAX_CELLS);
  const gx0 = minX - bufferM - 2 * cellM,
    gy0 = minY - bufferM - 2 * cellM;
  const nx = Math.ceil((maxX - minX + 2 * bufferM + 4 * cellM) / cellM) + 1;
  const ny = Math.ceil((maxY - minY + 2 * bufferM + 4 * cellM) / cellM) + 1;
  const grid = new Uint8Array(nx * ny);
  const R = bufferM / cellM;
  for (let k = 0; k < pieces.length; k += 5) {
    stampCapsule(
      grid,
      nx,
      ny,
      (pieces[k] - gx0) / cellM,
      (pieces[k + 1] - gy0) / cellM,
      (pieces[k + 2] - gx0) / cellM,
      (pieces[k + 3] - gy0) / cellM,
      R,
      pieces[k + 4],
    );
  }

  // 3. Contour each band: band i (ascending) is where level ≥ nb − i. Without smoothing the edge
  //    sits halfway between a marked and an unmarked cell centre, as a 0/1 grid at 0.5 would give.
  const gen = contours().size([nx, ny]).smooth(false);
  const values = grid as unknown as number[];
  const bandsAsc = asc.map((limitM, i): IsochroneBand => {
    const mp = gen.contour(values, nb - i - 0.5);
    let areaCells = 0;
    const coordinates: Position[][][] = mp.coordinates.map((poly) =>
      poly.map((ring, r) => {
        const a = signedArea(ring);
        areaCells += r === 0 ? Math.abs(a) : -Math.abs(a);
        // RFC 7946: outer rings anticlockwise, holes clockwise (grid y points north here).
        const wantPositive = r === 0;
        const pts = a > 0 === wantPositive ? ring : [...ring].reverse();
        return pts.map(([u, v]) => [lon0 + (gx0 + u * cellM) / mLon, lat0 + (gy0 + v * cellM) / M_PER_DEG_LAT]);
      }),
    );
    return { limitM, polygon: { type: "MultiPolygon", coordinates }, areaM2: areaCells * cellM * cellM };
  });
  const bands: IsochroneBand[] = new Array(nb);
  order.forEach((orig, i) => {
    bands[orig] = bandsAsc[i];
  });
  return { bands, dist };
}

/** Standard shoelace area of a ring (positive when anticlockwise with y up). */
function signedArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return s / 2;
}

/**
 * Mark with `level` (keeping the larger) every cell whose centre lies within `r` of segment
 * (ax, ay)–(bx, by), all in cell units. Row by row: a horizontal line meets the capsule (convex) in
 * one interval, the union of its meets with the two end discs and the middle strip.
 */
function stampCapsule(grid: Uint8Array, nx: number, ny: number, ax: number, ay: number, bx: number, by: number, r: number, level: number): void {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy,
    len = Math.sqrt(len2);
  const j0 = Math.max(0, Math.ceil(Math.min(ay, by) - r - 0.5));
  const j1 = Math.min(ny - 1, Math.floor(Math.max(ay, by) + r - 0.5));
  const r2 = r * r;
  for (let j = j0; j <= j1; j++) {
    const y = j + 0.5;
    let lo = Infinity,
      hi = -Infinity;
    let h = y - ay;
    if (h * h <= r2) {
      const w = Math.sqrt(r2 - h * h);
      lo = ax - w;
      hi = ax + w;
    }
    h = y - by;
    if (h * h <= r2) {
      const w = Math.sqrt(r2 - h * h);
      if (bx - w < lo) lo = bx - w;
      if (bx + w > hi) hi = bx + w;
    }
    if (len2 > 0) {
      // Along-segment fraction t(x) ∈ [0, 1] and signed offset n(x) ∈ [−r, r], both linear in x.
      const ry = y - ay;
      let sLo = -Infinity,
        sHi = Infinity;
      if (dx !== 0) {
        const u0 = (-ry * dy) / dx,
          u1 = (len2 - ry * dy) / dx;
        sLo = Math.max(sLo, Math.min(u0, u1));
        sHi = Math.min(sHi, Math.max(u0, u1));
      } else if (ry * dy < 0 || ry * dy > len2) sLo = Infinity;
      if (dy !== 0) {
        const u0 = (-r * len + ry * dx) / dy,
          u1 = (r * len + ry * dx) / dy;
        sLo = Math.max(sLo, Math.min(u0, u1));
        sHi = Math.min(sHi, Math.max(u0, u1));
      } else if (Math.abs(ry * dx) > r * len) sLo = Infinity;
      if (sLo <= sHi) {
        if (ax + sLo < lo) lo = ax + sLo;
        if (ax + sHi > hi) hi = ax + sHi;
      }
    }
    if (lo > hi) continue;
    const i0 = Math.max(0, Math.ceil(lo - 0.5)),
      i1 = Math.min(nx - 1, Math.floor(hi - 0.5));
    const row = j * nx;
    for (let i = i0; i <= i1; i++) if (grid[row + i] < level) grid[row + i] = level;
  }
}

/**
 * Node indices whose distance in `dist` is at most `limitM` metres (e.g. the nodes inside a band).
 *
 * @example
 *   const { dist } = isochrones(graph, sources, [600]);
 *   const nodes = reachedWithin(dist, 600);
 */
export function reachedWithin(dist: Float64Array, limitM: number): Uint32Array {
  let n = 0;
  for (let i = 0; i < dist.length; i++) if (dist[i] <= limitM) n++;
  const out = new Uint32Array(n);
  for (let i = 0, k = 0; i < dist.length; i++) if (dist[i] <= limitM) out[k++] = i;
  return out;
}

/** A clicked point joined to the network: where it attaches, and the search starts it gives. */
export interface PointOrigin {
  attachment: Attachment;
  sources: Source[];
}

/**
 * Join a point (EPSG:4326) to the nearest street within `maxM` metres (default 500, as
 * {@link attachPoint}) and return its search starts; undefined when no street is that close.
 * Pass `attachment` as `origins` to {@link isochrones} so its own street is measured from the point.
 *
 * @example
 *   const o = sourcesForPoint(graph, index, lon, lat);
 *   const result = o && isochrones(graph, o.sources, [300, 600, 900], { origins: [o.attachment] });
 */
export function sourcesForPoint(graph: WalkGraph, index: EdgeIndex, lon: number, lat: number, maxM = 500): PointOrigin | undefined {
  const attachment = attachPoint(graph, index, lon, lat, maxM);
  return attachment && { attachment, sources: attachmentSources(graph, attachment) };
}
