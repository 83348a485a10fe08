import type { Source } from "./dijkstra";
import { LocalProjection, metresPerDegree } from "./geo";
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

/** A uniform grid over the edges, in metres of a plane around the network's centre, for nearest-edge look-ups. */
export interface EdgeIndex {
  cellM: number;
  proj: LocalProjection;
  cells: Map<number, number[]>;
}

const cellKey = (cx: number, cy: number) => cx * 1_000_003 + cy;

/** Index every edge of `g` in grid cells of `cellM` metres. */
export function createEdgeIndex(g: WalkGraph, cellM = 100): EdgeIndex {
  let lon0 = 0, lat0 = 0;
  for (let i = 0; i < g.nodeCount; i++) { lon0 += g.nodeLonLat[2 * i]; lat0 += g.nodeLonLat[2 * i + 1]; }
  lon0 /= Math.max(1, g.nodeCount); lat0 /= Math.max(1, g.nodeCount);
  const index: EdgeIndex = { cellM, proj: new LocalProjection(lon0, lat0), cells: new Map() };
  for (let e = 0; e < g.edgeCount; e++) {
    const [ax, ay] = toXY(index, g, g.edgeSource[e]);
    const [bx, by] = toXY(index, g, g.edgeTarget[e]);
    const x0 = Math.floor(Math.min(ax, bx) / cellM), x1 = Math.floor(Math.max(ax, bx) / cellM);
    const y0 = Math.floor(Math.min(ay, by) / cellM), y1 = Math.floor(Math.max(ay, by) / cellM);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const k = cellKey(cx, cy);
        let list = index.cells.get(k);
        if (!list) index.cells.set(k, (list = []));
        list.push(e);
      }
    }
  }
  return index;
}

function toXY(ix: EdgeIndex, g: WalkGraph, node: number): [number, number] {
  return [ix.proj.x(g.nodeLonLat[2 * node]), ix.proj.y(g.nodeLonLat[2 * node + 1])];
}

/**
 * The nearest edge to a point (EPSG:4326) within `maxM` metres (default 500), searching grid rings
 * outwards. Undefined when nothing is that close.
 */
export function attachPoint(g: WalkGraph, ix: EdgeIndex, lon: number, lat: number, maxM = 500): Attachment | undefined {
  const px = ix.proj.x(lon);
  const py = ix.proj.y(lat);
  const cx = Math.floor(px / ix.cellM), cy = Math.floor(py / ix.cellM);
  // The grid finds the candidates; the projection and the connector are measured in a plane
  // around the point itself, with the scale of its own latitude (see geo.ts).
  const here = metresPerDegree(lat);
  const local = (node: number): [number, number] => [(g.nodeLonLat[2 * node] - lon) * here.lon, (g.nodeLonLat[2 * node + 1] - lat) * here.lat];
  let best: Attachment | undefined;
  let bestD2 = Infinity;
  const seen = new Set<number>();
  for (let r = 0; r * ix.cellM <= maxM + ix.cellM; r++) {
    // Once a ring lies wholly farther than the best hit, nothing closer remains.
    if (best && (r - 1) * ix.cellM > Math.sqrt(bestD2)) break;
    for (let x = cx - r; x <= cx + r; x++) {
      for (let y = cy - r; y <= cy + r; y++) {
        if (Math.max(Math.abs(x - cx), Math.abs(y - cy)) !== r) continue;
        for (const e of ix.cells.get(cellKey(x, y)) ?? []) {
          if (seen.has(e)) continue;
          seen.add(e);
          const [ax, ay] = local(g.edgeSource[e]);
          const [bx, by] = local(g.edgeTarget[e]);
          const dx = bx - ax, dy = by - ay;
          const len2 = dx * dx + dy * dy;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (-ax * dx - ay * dy) / len2));
          const qx = ax + t * dx, qy = ay + t * dy;
          const d2 = qx * qx + qy * qy;
          if (d2 < bestD2) { bestD2 = d2; best = { edge: e, t, connectorM: Math.sqrt(d2) }; }
        }
      }
    }
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

/** Walking distance to an attached point, given node distances from a search. */
export function distanceToAttachment(g: WalkGraph, dist: Float64Array, a: Attachment): number {
  const len = g.edgeLengthM[a.edge];
  return Math.min(dist[g.edgeSource[a.edge]] + a.t * len, dist[g.edgeTarget[a.edge]] + (1 - a.t) * len) + a.connectorM;
}
