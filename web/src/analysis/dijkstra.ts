import type { WalkGraph } from "./walk-graph";

/** A starting point of a search: a node and the distance already walked to reach it (metres). */
export interface Source {
  node: number;
  distM: number;
}

/**
 * A binary min-heap of (key, value) pairs on typed arrays. Decrease-key is done lazily: a node
 * may be pushed again with a smaller key and stale entries are skipped when popped.
 */
export class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.vals = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new Int32Array(this.size * 2);
      v.set(this.vals);
      this.vals = v;
    }
    let i = this.size++;
    const keys = this.keys,
      vals = this.vals;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      vals[i] = vals[parent];
      i = parent;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Smallest key (call only when size > 0). */
  peekKey(): number {
    return this.keys[0];
  }

  /** Remove the smallest entry and return its value. */
  pop(): number {
    const keys = this.keys,
      vals = this.vals;
    const top = vals[0];
    const n = --this.size;
    if (n > 0) {
      const key = keys[n],
        val = vals[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] < keys[c]) c++;
        if (keys[c] >= key) break;
        keys[i] = keys[c];
        vals[i] = vals[c];
        i = c;
      }
      keys[i] = key;
      vals[i] = val;
    }
    return top;
  }
}

const adjacencyLengthCache = new WeakMap<WalkGraph, Float64Array>();

/**
 * Edge lengths laid out like `adjTargets` (entry k is the length of the edge to `adjTargets[k]`),
 * so the inner loop reads one array instead of two. Built once per graph.
 */
export function adjacencyLengths(g: WalkGraph): Float64Array {
  let out = adjacencyLengthCache.get(g);
  if (!out) {
    out = new Float64Array(g.adjEdges.length);
    for (let k = 0; k < out.length; k++) out[k] = g.edgeLengthM[g.adjEdges[k]];
    adjacencyLengthCache.set(g, out);
  }
  return out;
}

export interface DijkstraOptions {
  /** Stop expanding past this distance (metres); farther nodes stay Infinity. */
  maxDistM?: number;
  /** Reuse this array for the result (length ≥ nodeCount). */
  out?: Float64Array;
  /** Reuse this heap between runs. */
  heap?: MinHeap;
}

/**
 * Multi-source Dijkstra over the CSR walk graph: the shortest walking distance (metres) from the
 * nearest source to every node. Several facilities of one category are one run, not one each.
 *
 * @example
 *   const dist = multiSourceDijkstra(graph, [{ node: 12, distM: 0 }, { node: 40, distM: 8.5 }]);
 */
export function multiSourceDijkstra(g: WalkGraph, sources: Source[], opts: DijkstraOptions = {}): Float64Array {
  const n = g.nodeCount;
  const dist = opts.out ?? new Float64Array(n);
  dist.fill(Infinity, 0, n);
  const heap = opts.heap ?? new MinHeap(Math.max(16, sources.length * 4));
  heap.clear();
  const max = opts.maxDistM ?? Infinity;
  for (const s of sources) {
    if (s.distM < dist[s.node] && s.distM <= max) {
      dist[s.node] = s.distM;
      heap.push(s.distM, s.node);
    }
  }
  const { adjOffsets, adjTargets } = g;
  const adjLength = adjacencyLengths(g);
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]) continue;
    for (let k = adjOffsets[u], end = adjOffsets[u + 1]; k < end; k++) {
      const v = adjTargets[k];
      const nd = d + adjLength[k];
      if (nd < dist[v] && nd <= max) {
        dist[v] = nd;
        heap.push(nd, v);
      }
    }
  }
  return dist;
}
