import type { Source } from "./dijkstra";
import { LocalProjection, metresPerDegree } from "./geo";
import { type Box, type SpatialIndex, createBoxIndex } from "./spatial-index";
import type { WalkGraph } from "./walk-graph";

/**
 * Where a point (a gate, a facility) joins the walk network: on edge `edge` at fraction `t` from
 * its source node, plus a straight connector of `connectorM` metres — as if the edge were split
 * at the projected point. Distances are measured along the street, then the short connector.
 */
export interface Attachment {
  edge: number;
  t: number;
  connectorM: number;
}

/**
 * The edges' boxes in an R-tree (spatial-index.ts), in metres of a plane around the network's
 * centre, for nearest-edge look-ups.
 */
export interface EdgeIndex {
  /** Half-width of the first search box, and the cell of the tie order, metres. */
  cellM: number;
  proj: LocalProjection;
  /** Box of edge e at 4e…4e+3 in the plane of `proj`. */
  boxes: Float64Array;
  tree: SpatialIndex;
}

/** Index every edge of `g`; `cellM` (default 100) is where nearest-edge searches start. */
export function createEdgeIndex(g: WalkGraph, cellM = 100): EdgeIndex {
  let lon0 = 0,
    lat0 = 0;
  for (let i = 0; i < g.nodeCount; i++) {
    lon0 += g.nodeLonLat[2 * i];
    lat0 += g.nodeLonLat[2 * i + 1];
  }
  lon0 /= Math.max(1, g.nodeCount);
  lat0 /= Math.max(1, g.nodeCount);
  const proj = new LocalProjection(lon0, lat0);
  const boxes = new Float64Array(4 * g.edgeCount);
  const list: Box[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const ax = proj.x(g.nodeLonLat[2 * g.edgeSource[e]]),
      ay = proj.y(g.nodeLonLat[2 * g.edgeSource[e] + 1]);
    const bx = proj.x(g.nodeLonLat[2 * g.edgeTarget[e]]),
      by = proj.y(g.nodeLonLat[2 * g.edgeTarget[e] + 1]);
    const b: Box = [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
    boxes.set(b, 4 * e);
    list.push(b);
  }
  return { cellM: Math.max(cellM, 1), proj, boxes, tree: createBoxIndex(list) };
}

/**
 * Where edge `e` comes in a search outwards from the point's `cellM` cell, ring by ring, each
 * ring west to east then south to north, lower edges first: the order of the grid this index
 * replaced. Ties between edges exactly as near go by it, so attachments did not move when the
 * grid became an R-tree. Returns [ring, cell x, cell y, e].
 */
function tieOrder(ix: EdgeIndex, e: number, px: number, py: number): [number, number, number, number] {
  const s = ix.cellM,
    b = ix.boxes;
  const cx = Math.floor(px / s),
    cy = Math.floor(py / s);
  const x0 = Math.floor(b[4 * e] / s),
    y0 = Math.floor(b[4 * e + 1] / s),
    x1 = Math.floor(b[4 * e + 2] / s),
    y1 = Math.floor(b[4 * e + 3] / s);
  const off = (c: number, lo: number, hi: number) => (lo > c ? lo - c : c > hi ? c - hi : 0);
  const r = Math.max(off(cx, x0, x1), off(cy, y0, y1));
  for (let x = Math.max(x0, cx - r); x <= Math.min(x1, cx + r); x++) {
    if (Math.abs(x - cx) === r) return [r, x, Math.max(y0, cy - r), e];
    if (cy - r >= y0 && cy - r <= y1) return [r, x, cy - r, e];
    if (cy + r >= y0 && cy + r <= y1) return [r, x, cy + r, e];
  }
  return [r, Infinity, Infinity, e]; // unreachable: the ring meets the edge's cells
}

const before = (a: readonly number[], b: readonly number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
};

/**
 * The nearest edge to a point (EPSG:4326) within `maxM` metres (default 500), searching boxes
 * that double until the best candidate is proven nearest. Undefined when nothing is that close.
 * Of edges exactly as near, the one a ring search over grid cells meets first (see `tieOrder`).
 */
export function attachPoint(g: WalkGraph, ix: EdgeIndex, lon: number, lat: number, maxM = 500): Attachment | undefined {
  const px = ix.proj.x(lon);
  const py = ix.proj.y(lat);
  // The tree finds the candidates; the projection and the connector are measured in a plane
  // around the point itself, with the scale of its own latitude (see geo.ts).
  const here = metresPerDegree(lat);
  const local = (node: number): [number, number] => [(g.nodeLonLat[2 * node] - lon) * here.lon, (g.nodeLonLat[2 * node + 1] - lat) * here.lat];
  // The two planes differ by a scale on each axis, so an edge d metres away in the point's plane
  // is at most d·scale away in the tree's: the proof that no unseen edge is nearer.
  const scale = Math.max(ix.proj.kx / here.lon, ix.proj.ky / here.lat) * (1 + 1e-9);
  const reach = maxM * scale;
  let best: Attachment | undefined;
  let bestD2 = Infinity;
  for (let r = Math.min(ix.cellM, reach); ; r = Math.min(2 * r, reach)) {
    for (const e of ix.tree.search(px - r, py - r, px + r, py + r)) {
      const [ax, ay] = local(g.edgeSource[e]);
      const [bx, by] = local(g.edgeTarget[e]);
      const dx = bx - ax,
        dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (-ax * dx - ay * dy) / len2));
      const qx = ax + t * dx,
        qy = ay + t * dy;
      const d2 = qx * qx + qy * qy;
      if (d2 < bestD2 || (best && d2 === bestD2 && e !== best.edge && before(tieOrder(ix, e, px, py), tieOrder(ix, best.edge, px, py)))) {
        bestD2 = d2;
        best = { edge: e, t, connectorM: Math.sqrt(d2) };
      }
    }
    // Every edge outside the box is farther than r / scale in the point's plane.
    if ((best && best.connectorM * scale <= r) || r >= reach) break;
  }
  return best && best.connectorM <= maxM ? best : undefined;
}

/** The two search starts an attached point gives: the ends of its edge, at their walking distance. */
export function attachmentSources(g: WalkGraph, a: Attachment): Source[] {
  const len = g.edgeLengthM[a.edge];
  return [
    { node: g.edgeSource[a.edge], distM: a.t * len + a.connectorM },
    { node: g.edgeTarget[a.edge], distM: (1 - a.t) * len + a.connectorM },
  ];
}

/** Node distances from a search: an array over every node, or a field that answers per node (core-graph.ts). */
export type NodeDistances = Float64Array | { at(node: number): number };

/** Walking distance to an attached point, given node distances from a search. */
export function distanceToAttachment(g: WalkGraph, dist: NodeDistances, a: Attachment): number {
  const len = g.edgeLengthM[a.edge];
  const s = g.edgeSource[a.edge],
    t = g.edgeTarget[a.edge];
  const ds = dist instanceof Float64Array ? dist[s] : dist.at(s);
  const dt = dist instanceof Float64Array ? dist[t] : dist.at(t);
  return Math.min(ds + a.t * len, dt + (1 - a.t) * len) + a.connectorM;
}
