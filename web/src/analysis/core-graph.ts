import { adjacencyLengths, MinHeap, type Source } from "./dijkstra";
import type { WalkGraph } from "./walk-graph";

/**
 * The walk graph with its chains of degree-2 nodes contracted: a street between two junctions is
 * one core edge however many shape nodes it has. On generated and OpenStreetMap cities 90–96 % of
 * the nodes are such shape nodes, so a search over the core graph settles a twentieth of the nodes.
 *
 * Every node is either a core node (a junction, a dead end, or one node picked on a ring with no
 * junction) or lies inside exactly one chain, at `posM` metres along it from the chain's `chainA`
 * end. Walking distances are exact: a node inside a chain is reached through one of the chain's
 * ends or from a source inside the same chain.
 */
export interface CoreGraph {
  /** Core index of each node, or -1 for a node inside a chain. */
  coreOf: Int32Array;
  /** Chain of each node inside a chain, or -1 for a core node. */
  chainOf: Int32Array;
  /** Distance along its chain from the chain's `chainA` end (metres); 0 for core nodes. */
  posM: Float64Array;
  coreCount: number;
  /** Walk-graph node of each core node. */
  coreNode: Uint32Array;
  /** CSR over core nodes: neighbours `coreTargets[coreOffsets[c] … coreOffsets[c+1]-1]`. */
  coreOffsets: Uint32Array;
  coreTargets: Uint32Array;
  coreLengthM: Float64Array;
  /** Per chain: the core nodes at its ends and its length (metres). */
  chainA: Uint32Array;
  chainB: Uint32Array;
  chainLengthM: Float64Array;
}

const cache = new WeakMap<WalkGraph, CoreGraph>();

/** The core graph of `g`, built once per graph. */
export function coreGraphOf(g: WalkGraph): CoreGraph {
  let cg = cache.get(g);
  if (!cg) {
    cg = buildCoreGraph(g);
    cache.set(g, cg);
  }
  return cg;
}

/** A node is a shape node when it has exactly two edge ends leading to two other, distinct nodes. */
function isShapeNode(g: WalkGraph, i: number): boolean {
  const k = g.adjOffsets[i];
  if (g.adjOffsets[i + 1] - k !== 2) return false;
  const a = g.adjTargets[k],
    b = g.adjTargets[k + 1];
  return a !== b && a !== i && b !== i;
}

function buildCoreGraph(g: WalkGraph): CoreGraph {
  const n = g.nodeCount;
  const len = adjacencyLengths(g);
  const coreOf = new Int32Array(n).fill(-1);
  const chainOf = new Int32Array(n).fill(-1);
  const posM = new Float64Array(n);
  const coreNode: number[] = [];
  const makeCore = (i: number) => {
    coreOf[i] = coreNode.length;
    coreNode.push(i);
  };
  for (let i = 0; i < n; i++) if (!isShapeNode(g, i)) makeCore(i);
  const from: number[] = [],
    to: number[] = [],
    lengths: number[] = [];
  const chainA: number[] = [],
    chainB: number[] = [],
    chainLen: number[] = [];
  // Walk out of core node c along adjacency entry k; returns false when the chain was walked already.
  const walk = (c: number, k: number) => {
    let prevEdge = g.adjEdges[k];
    let cur = g.adjTargets[k];
    let pos = len[k];
    if (coreOf[cur] >= 0) {
      from.push(coreOf[c]);
      to.push(coreOf[cur]);
      lengths.push(pos);
      return;
    }
    if (chainOf[cur] >= 0) return;
    const chain = chainA.length;
    for (;;) {
      chainOf[cur] = chain;
      posM[cur] = pos;
      const o = g.adjOffsets[cur];
      const next = g.adjEdges[o] === prevEdge ? o + 1 : o;
      prevEdge = g.adjEdges[next];
      pos += len[next];
      cur = g.adjTargets[next];
      if (coreOf[cur] >= 0) break;
    }
    chainA.push(coreOf[c]);
    chainB.push(coreOf[cur]);
    chainLen.push(pos);
    if (cur !== c) {
      from.push(coreOf[c], coreOf[cur]);
      to.push(coreOf[cur], coreOf[c]);
      lengths.push(pos, pos);
    }
  };
  const walkFrom = (c: number) => {
    for (let k = g.adjOffsets[c]; k < g.adjOffsets[c + 1]; k++) walk(c, k);
  };
  for (let c = 0; c < coreNode.length; c++) walkFrom(coreNode[c]);
  // Rings of shape nodes with no junction: one node of each becomes core.
  for (let i = 0; i < n; i++) {
    if (coreOf[i] < 0 && chainOf[i] < 0) {
      makeCore(i);
      walkFrom(i);
    }
  }
  const m = coreNode.length;
  const coreOffsets = new Uint32Array(m + 1);
  for (const f of from) coreOffsets[f + 1]++;
  for (let c = 0; c < m; c++) coreOffsets[c + 1] += coreOffsets[c];
  const fill = coreOffsets.slice(0, m);
  const coreTargets = new Uint32Array(from.length);
  const coreLengthM = new Float64Array(from.length);
  from.forEach((f, j) => {
    coreTargets[fill[f]] = to[j];
    coreLengthM[fill[f]++] = lengths[j];
  });
  return {
    coreOf,
    chainOf,
    posM,
    coreCount: m,
    coreNode: Uint32Array.from(coreNode),
    coreOffsets,
    coreTargets,
    coreLengthM,
    chainA: Uint32Array.from(chainA),
    chainB: Uint32Array.from(chainB),
    chainLengthM: Float64Array.from(chainLen),
  };
}

/** No owner: a core node no source reaches (within the bound). */
export const NO_OWNER = -2147483648;

/**
 * Walking distances (metres) from the nearest of several sources over the whole graph, held on
 * the core graph: `at(node)` gives any node's distance. Each source carries an owner (a facility
 * id); every core node remembers the owner that reaches it first, so a facility can be added or
 * removed again without searching the whole network (see {@link addOwner}, {@link removeOwner}).
 * Bounded fields stop at `maxDistM`: farther nodes are Infinity, nearer ones exact.
 */
export class DistanceField {
  readonly core: Float64Array;
  readonly owner: Int32Array;
  /** Core seeds: the chain ends (or core nodes) each source starts from. */
  seeds: Array<{ core: number; distM: number; owner: number }> = [];
  /** Sources inside chains, by chain: reach nodes of their own chain directly. */
  inChain = new Map<number, Array<{ posM: number; distM: number; owner: number }>>();

  constructor(
    readonly cg: CoreGraph,
    readonly maxDistM: number,
    from?: DistanceField,
  ) {
    this.core = from ? from.core.slice() : new Float64Array(cg.coreCount).fill(Infinity);
    this.owner = from ? from.owner.slice() : new Int32Array(cg.coreCount).fill(NO_OWNER);
    if (from) {
      this.seeds = from.seeds.slice();
      for (const [k, v] of from.inChain) this.inChain.set(k, v.slice());
    }
  }

  /** An independent copy, to change without touching this one. */
  clone(): DistanceField {
    return new DistanceField(this.cg, this.maxDistM, this);
  }

  /** Distance of walk-graph node `node` (Infinity when farther than the bound or unreachable). */
  at(node: number): number {
    const cg = this.cg;
    const c = cg.coreOf[node];
    if (c >= 0) return this.core[c];
    const ch = cg.chainOf[node];
    const p = cg.posM[node];
    let d = Math.min(this.core[cg.chainA[ch]] + p, this.core[cg.chainB[ch]] + cg.chainLengthM[ch] - p);
    const inside = this.inChain.get(ch);
    if (inside) for (const s of inside) d = Math.min(d, s.distM + Math.abs(p - s.posM));
    return d <= this.maxDistM ? d : Infinity;
  }
}

const heaps = new WeakMap<CoreGraph, MinHeap>();

/** Dijkstra from `pending` (core nodes already lowered in the field), never raising a distance. */
function settle(field: DistanceField, pending: number[]): void {
  const cg = field.cg;
  const heap = heaps.get(cg) ?? heaps.set(cg, new MinHeap(1024)).get(cg)!;
  heap.clear();
  for (const c of pending) heap.push(field.core[c], c);
  const { core, owner } = field;
  const { coreOffsets, coreTargets, coreLengthM } = cg;
  const max = field.maxDistM;
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > core[u]) continue;
    const who = owner[u];
    for (let k = coreOffsets[u], end = coreOffsets[u + 1]; k < end; k++) {
      const v = coreTargets[k];
      const nd = d + coreLengthM[k];
      if (nd < core[v] && nd <= max) {
        core[v] = nd;
        owner[v] = who;
        heap.push(nd, v);
      }
    }
  }
}

/** Lower core node `c` to `distM` for `owner` if that is nearer; true when it was. */
function lower(field: DistanceField, c: number, distM: number, owner: number): boolean {
  if (!(distM < field.core[c]) || distM > field.maxDistM) return false;
  field.core[c] = distM;
  field.owner[c] = owner;
  return true;
}

/**
 * Add sources for `owner` to the field: one search from them that stops wherever it can no longer
 * improve a node (and at the field's bound), merged with what the field holds.
 */
export function addOwner(field: DistanceField, sources: Source[], owner: number): void {
  const pending: number[] = [];
  seedOwner(field, sources, owner, pending);
  settle(field, pending);
}

/** Record `owner`'s sources in the field and lower the core nodes they reach; `pending` gets those lowered. */
function seedOwner(field: DistanceField, sources: Source[], owner: number, pending: number[]): void {
  const cg = field.cg;
  const seed = (c: number, distM: number) => {
    field.seeds.push({ core: c, distM, owner });
    if (lower(field, c, distM, owner)) pending.push(c);
  };
  for (const s of sources) {
    if (s.distM > field.maxDistM) continue;
    const c = cg.coreOf[s.node];
    if (c >= 0) {
      seed(c, s.distM);
      continue;
    }
    const ch = cg.chainOf[s.node];
    const p = cg.posM[s.node];
    (field.inChain.get(ch) ?? field.inChain.set(ch, []).get(ch)!).push({ posM: p, distM: s.distM, owner });
    seed(cg.chainA[ch], s.distM + p);
    seed(cg.chainB[ch], s.distM + cg.chainLengthM[ch] - p);
  }
}

/**
 * Remove `owner`'s sources from the field, recomputing only the core nodes it reached first: they
 * restart from their neighbours that another owner reaches and from the other owners' seeds.
 */
export function removeOwner(field: DistanceField, owner: number): void {
  const cg = field.cg;
  const { core } = field;
  const lost: number[] = [];
  for (let c = 0; c < cg.coreCount; c++) {
    if (field.owner[c] === owner) {
      core[c] = Infinity;
      field.owner[c] = NO_OWNER;
      lost.push(c);
    }
  }
  field.seeds = field.seeds.filter((s) => s.owner !== owner);
  for (const [ch, list] of field.inChain) {
    const kept = list.filter((s) => s.owner !== owner);
    if (kept.length) field.inChain.set(ch, kept);
    else field.inChain.delete(ch);
  }
  const pending: number[] = [];
  for (const s of field.seeds) if (lower(field, s.core, s.distM, s.owner)) pending.push(s.core);
  for (const v of lost) {
    for (let k = cg.coreOffsets[v]; k < cg.coreOffsets[v + 1]; k++) {
      const u = cg.coreTargets[k];
      if (lower(field, v, core[u] + cg.coreLengthM[k], field.owner[u])) pending.push(v);
    }
  }
  settle(field, pending);
}

/** A field from groups of sources, one group per owner (e.g. the attachments of one category's facilities). */
export function distanceField(g: WalkGraph, groups: Array<{ owner: number; sources: Source[] }>, maxDistM = Infinity): DistanceField {
  const field = new DistanceField(coreGraphOf(g), maxDistM);
  const pending: number[] = [];
  for (const { owner, sources } of groups) seedOwner(field, sources, owner, pending);
  settle(field, pending);
  return field;
}
