/**
 * The walk network from walkable OSM ways: one edge per pair of consecutive way nodes, OSM node
 * ids as node ids. Nodes missing from the extract cut a way into the runs that are present (the
 * caller reports those ways); nodes at the same (rounded) position are merged; loops and
 * duplicate edges are dropped. Connected components are ranked by size (0 = the largest).
 */
import { geodesicM } from "../../web/src/analysis/geo.js";
import { UnionFind } from "../../web/src/analysis/union-find.js";
import type { LonLat } from "./osm-geom.js";

export interface WalkWay {
  id: number;
  nodes: number[];
  cls: string;
}

export interface WalkComponent {
  nodes: number;
  edges: number;
  lengthM: number;
  /** Smallest node id in it, a stable handle. */
  minNode: number;
  /** Ways that have an edge in it (up to 5, ascending). */
  ways: number[];
}

export interface WalkNetworkResult {
  nodes: Array<[number, number, number]>;
  edges: Array<[number, number, number, string]>;
  /** OSM way id of each edge (same order as edges). */
  edgeWay: number[];
  /** Length in metres of each edge (geodesic on the rounded positions). */
  edgeLengthM: number[];
  /** node id → component rank (0 = largest). */
  componentOf: Map<number, number>;
  components: WalkComponent[];
  duplicateEdges: number;
  zeroLengthEdges: number;
  mergedNodes: number;
}

/** `pos` gives a node's position rounded to the output precision, or undefined when missing. */
export function buildWalkNetwork(ways: WalkWay[], pos: (id: number) => LonLat | undefined): WalkNetworkResult {
  const pairs: Array<[number, number, number]> = []; // [a, b, way index]
  const merge = new UnionFind();
  let mergedNodes = 0;

  ways.forEach((w, wi) => {
    let prev: number | null = null;
    let prevPos: LonLat | undefined;
    for (const id of w.nodes) {
      const p = pos(id);
      if (!p) {
        prev = null;
        continue;
      }
      if (prev !== null && prev !== id) {
        pairs.push([prev, id, wi]);
        if (prevPos && prevPos[0] === p[0] && prevPos[1] === p[1] && merge.find(prev) !== merge.find(id)) {
          merge.union(prev, id);
          mergedNodes++;
        }
      }
      prev = id;
      prevPos = p;
    }
  });

  const seen = new Set<string>();
  const edges: WalkNetworkResult["edges"] = [];
  const edgeWay: number[] = [];
  const edgeLengthM: number[] = [];
  let duplicateEdges = 0,
    zeroLengthEdges = 0;
  for (const [a0, b0, wi] of pairs) {
    const a = merge.find(a0),
      b = merge.find(b0);
    if (a === b) {
      zeroLengthEdges++;
      continue;
    }
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (seen.has(key)) {
      duplicateEdges++;
      continue;
    }
    seen.add(key);
    const w = ways[wi];
    edges.push([edges.length + 1, a, b, w.cls]);
    edgeWay.push(w.id);
    edgeLengthM.push(geodesicM(pos(a)!, pos(b)!));
  }

  // Connected components over the kept edges.
  const comp = new UnionFind();
  const nodeIds = new Set<number>();
  for (const [, a, b] of edges) {
    nodeIds.add(a);
    nodeIds.add(b);
    comp.union(a, b);
  }
  type Acc = Omit<WalkComponent, "ways"> & { ways: Set<number> };
  const byRoot = new Map<number, Acc>();
  for (const id of nodeIds) {
    const r = comp.find(id);
    let c = byRoot.get(r);
    if (!c) {
      c = { nodes: 0, edges: 0, lengthM: 0, minNode: id, ways: new Set() };
      byRoot.set(r, c);
    }
    c.nodes++;
    if (id < c.minNode) c.minNode = id;
  }
  edges.forEach(([, a], i) => {
    const c = byRoot.get(comp.find(a))!;
    c.edges++;
    c.lengthM += edgeLengthM[i];
    c.ways.add(edgeWay[i]);
  });
  const ranked = [...byRoot.entries()].sort((x, y) => y[1].nodes - x[1].nodes || x[1].minNode - y[1].minNode);
  const rankOfRoot = new Map<number, number>(ranked.map(([root], i) => [root, i]));
  const componentOf = new Map<number, number>();
  for (const id of nodeIds) componentOf.set(id, rankOfRoot.get(comp.find(id))!);
  const components = ranked.map(([, c]): WalkComponent => ({ ...c, ways: [...c.ways].sort((x, y) => x - y).slice(0, 5) }));

  const nodes = [...nodeIds]
    .sort((x, y) => x - y)
    .map((id): [number, number, number] => {
      const p = pos(id)!;
      return [id, p[0], p[1]];
    });
  return { nodes, edges, edgeWay, edgeLengthM, componentOf, components, duplicateEdges, zeroLengthEdges, mergedNodes };
}
