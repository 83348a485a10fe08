import type { WalkGraph } from "./walk-graph";

/**
 * Connected components of the walk graph (edges are walkable both ways), ranked by node count:
 * component 0 is the largest, the main network. Ties go to more edges, then to the component
 * holding the lowest node index, so the ranking is deterministic.
 */
export interface Components {
  /** Component rank of every node (0 = main network). */
  componentOfNode: Int32Array;
  /** Nodes per component, descending. */
  sizes: number[];
  /** Edges per component (same order as `sizes`). */
  edgeCounts: number[];
  /** Summed edge length per component, metres (same order). */
  lengthsM: number[];
}

/** Label the connected components of `g` by breadth-first search over the CSR adjacency. */
export function connectedComponents(g: WalkGraph): Components {
  const n = g.nodeCount;
  const raw = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const rawSizes: number[] = [];
  const rawFirst: number[] = [];
  for (let start = 0; start < n; start++) {
    if (raw[start] !== -1) continue;
    const c = rawSizes.length;
    raw[start] = c;
    let head = 0,
      tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const u = queue[head++];
      for (let k = g.adjOffsets[u], end = g.adjOffsets[u + 1]; k < end; k++) {
        const v = g.adjTargets[k];
        if (raw[v] === -1) {
          raw[v] = c;
          queue[tail++] = v;
        }
      }
    }
    rawSizes.push(tail);
    rawFirst.push(start);
  }
  const rawEdges = new Array<number>(rawSizes.length).fill(0);
  const rawLength = new Array<number>(rawSizes.length).fill(0);
  for (let e = 0; e < g.edgeCount; e++) {
    const c = raw[g.edgeSource[e]];
    rawEdges[c]++;
    rawLength[c] += g.edgeLengthM[e];
  }
  const order = rawSizes.map((_, i) => i).sort((a, b) => rawSizes[b] - rawSizes[a] || rawEdges[b] - rawEdges[a] || rawFirst[a] - rawFirst[b]);
  const rank = new Int32Array(order.length);
  order.forEach((c, r) => {
    rank[c] = r;
  });
  const componentOfNode = new Int32Array(n);
  for (let i = 0; i < n; i++) componentOfNode[i] = rank[raw[i]];
  return {
    componentOfNode,
    sizes: order.map((c) => rawSizes[c]),
    edgeCounts: order.map((c) => rawEdges[c]),
    lengthsM: order.map((c) => rawLength[c]),
  };
}

/** A piece of the walk network that the main network does not reach. */
export interface DetachedComponent {
  /** Rank from {@link connectedComponents} (≥ 1). */
  component: number;
  nodes: number;
  edges: number;
  /** Summed edge length, metres. */
  lengthM: number;
  /** [minLon, minLat, maxLon, maxLat] of its nodes (EPSG:4326). */
  bbox: [number, number, number, number];
  /** Database id of its lowest-id node, a stable handle. */
  firstNodeId: number;
}

/** Which parts of the walk network hang together, for reporting instead of silently dropping. */
export interface NetworkReport {
  nodes: number;
  edges: number;
  /** Nodes and edges of the main (largest) component. */
  mainNodes: number;
  mainEdges: number;
  /** Components with at least one edge that are not connected to the main network, largest first. */
  others: DetachedComponent[];
  /** Nodes with no usable edge at all (e.g. left behind by compound interiors), not in `others`. */
  isolatedNodes: number;
}

/** Summarise the components of `g`: the main network, the detached pieces and isolated nodes. */
export function networkReport(g: WalkGraph, comps: Components = connectedComponents(g)): NetworkReport {
  const { componentOfNode, sizes, edgeCounts, lengthsM } = comps;
  const boxes = sizes.map((): [number, number, number, number] => [Infinity, Infinity, -Infinity, -Infinity]);
  const firstNodeId = sizes.map(() => Infinity);
  for (let i = 0; i < g.nodeCount; i++) {
    const c = componentOfNode[i];
    const lon = g.nodeLonLat[2 * i],
      lat = g.nodeLonLat[2 * i + 1];
    const b = boxes[c];
    if (lon < b[0]) b[0] = lon;
    if (lat < b[1]) b[1] = lat;
    if (lon > b[2]) b[2] = lon;
    if (lat > b[3]) b[3] = lat;
    if (g.nodeIds[i] < firstNodeId[c]) firstNodeId[c] = g.nodeIds[i];
  }
  const others: DetachedComponent[] = [];
  let isolatedNodes = 0;
  for (let c = 0; c < sizes.length; c++) {
    if (edgeCounts[c] === 0) {
      isolatedNodes += sizes[c];
      continue;
    }
    if (c === 0) continue;
    others.push({ component: c, nodes: sizes[c], edges: edgeCounts[c], lengthM: lengthsM[c], bbox: boxes[c], firstNodeId: firstNodeId[c] });
  }
  return {
    nodes: g.nodeCount,
    edges: g.edgeCount,
    mainNodes: sizes.length && edgeCounts[0] > 0 ? sizes[0] : 0,
    mainEdges: sizes.length ? edgeCounts[0] : 0,
    others,
    isolatedNodes,
  };
}
