import { attachPoint, attachmentSources, distanceToAttachment, type Attachment } from "./attach";
import { distancesToFacilities, type CoverageContext } from "./coverage";
import type { MinHeap } from "./dijkstra";
import type { WalkGraph } from "./walk-graph";

/**
 * Facility siting (设施选址) as a maximal covering problem: choose up to k sites for a category so
 * that as many households as possible come within its walking limit, greedily with lazy
 * evaluation. Pure TypeScript: runs in a Web Worker and in Node.
 */

/** One proposed site, in the order picked. */
export interface SiteProposal {
  /** Where to build, EPSG:4326: the node's position, or the candidate point as given. */
  lonLat: [number, number];
  /** Node index, when candidates are the network nodes. */
  node?: number;
  /** Index into `candidates`, when candidates were given. */
  candidateIndex?: number;
  /** Households newly covered by this site (not counting earlier picks or existing facilities). */
  gainHouseholds: number;
  /** Ids of the compounds this site newly covers. */
  coveredCompoundIds: number[];
}

/** Options of {@link proposeSites}. */
export interface SitingOptions {
  /** Walking limit of the category (metres), gate to site. */
  limitM: number;
  /** Existing facilities of the category; compounds they already reach give no gain. */
  existing: Attachment[];
  /** Largest number of sites to propose. */
  k: number;
  /** Candidate points (EPSG:4326). Default: every network node. */
  candidates?: Array<[number, number]>;
  /** Candidates farther than this (metres) from any street are skipped. Default 500, as `attachPoint`. */
  maxAttachM?: number;
}

/**
 * Attach candidate points (EPSG:4326) to the network, as {@link proposeSites} does: `attachments[i]`
 * is undefined for a point farther than `maxAttachM` metres from any street, and `unattached` lists
 * those indices so a caller can report them.
 */
export function attachCandidates(
  ctx: CoverageContext,
  candidates: Array<[number, number]>,
  maxAttachM = 500,
): { attachments: Array<Attachment | undefined>; unattached: number[] } {
  const unattached: number[] = [];
  const attachments = candidates.map(([lon, lat], i) => {
    const a = attachPoint(ctx.graph, ctx.index, lon, lat, maxAttachM);
    if (!a) unattached.push(i);
    return a;
  });
  return { attachments, unattached };
}

/**
 * Propose up to `k` sites that together bring the most households within `limitM` metres of walking
 * (gate to site) — maximal covering, greedy. Compounds already within the limit of an `existing`
 * facility, and compounds with no attached gate, give no gain. Each remaining compound is searched
 * once (one Dijkstra from its gates, bounded at the limit) to find the candidates that would cover
 * it; then each round picks the candidate with the largest household gain (ties: lowest candidate
 * index), re-evaluating stale upper bounds lazily. Stops early when no candidate gains anything.
 * Candidate points that do not attach are skipped; {@link attachCandidates} lists them.
 *
 * @example
 *   const kg = facilities.filter((f) => f.category === "kindergarten")
 *     .map((f) => attachPoint(ctx.graph, ctx.index, f.lonLat[0], f.lonLat[1])).filter((a) => !!a);
 *   const sites = proposeSites(ctx, { limitM: 300, existing: kg, k: 5 });
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: lazy greedy maximal covering: one loop over a heap and the coverage arrays it updates
export function proposeSites(ctx: CoverageContext, opts: SitingOptions): SiteProposal[] {
  const { graph, compounds, gateAttachments } = ctx;
  const { limitM, k } = opts;
  const nc = compounds.length;
  const covered = new Uint8Array(nc);
  if (opts.existing.length) {
    const d = distancesToFacilities(ctx, opts.existing, limitM);
    for (let i = 0; i < nc; i++) if (d[i] <= limitM) covered[i] = 1;
  }
  if (!(k >= 1)) return [];

  const points = opts.candidates;
  const atts = points ? attachCandidates(ctx, points, opts.maxAttachM).attachments : [];
  const nCand = points ? points.length : graph.nodeCount;
  const onEdge = new Map<number, number[]>();
  atts.forEach((a, c) => {
    if (a) (onEdge.get(a.edge) ?? onEdge.set(a.edge, []).get(a.edge)!).push(c);
  });

  // 1. Which candidates would cover each uncovered compound: (candidate, compound) pairs.
  const dist = ctx.dist;
  dist.fill(Infinity, 0, graph.nodeCount);
  const touched = new Uint32Array(graph.nodeCount);
  const lastSeen = new Int32Array(points ? nCand : 0).fill(-1);
  const pairCand: number[] = [];
  const pairComp: number[] = [];
  for (let i = 0; i < nc; i++) {
    const gates = gateAttachments[i];
    if (covered[i] || !gates.length) continue;
    const reached = boundedDijkstra(graph, gates, limitM, dist, ctx.heap, touched);
    if (!points) {
      for (let r = 0; r < reached; r++) {
        pairCand.push(touched[r]);
        pairComp.push(i);
      }
    } else {
      // A candidate on a gate's own street segment is reached along it directly.
      for (const g of gates) {
        for (const c of onEdge.get(g.edge) ?? []) {
          const a = atts[c]!;
          if (lastSeen[c] !== i && Math.abs(g.t - a.t) * graph.edgeLengthM[g.edge] + g.connectorM + a.connectorM <= limitM) {
            lastSeen[c] = i;
            pairCand.push(c);
            pairComp.push(i);
          }
        }
      }
      for (let r = 0; r < reached; r++) {
        const v = touched[r];
        for (let j = graph.adjOffsets[v], end = graph.adjOffsets[v + 1]; j < end; j++) {
          for (const c of onEdge.get(graph.adjEdges[j]) ?? []) {
            if (lastSeen[c] === i) continue;
            lastSeen[c] = i;
            if (distanceToAttachment(graph, dist, atts[c]!) <= limitM) {
              pairCand.push(c);
              pairComp.push(i);
            }
          }
        }
      }
    }
    for (let r = 0; r < reached; r++) dist[touched[r]] = Infinity;
  }

  // Candidate → compounds it covers, as CSR rows.
  const offsets = new Uint32Array(nCand + 1);
  for (const c of pairCand) offsets[c + 1]++;
  for (let c = 0; c < nCand; c++) offsets[c + 1] += offsets[c];
  const fill = offsets.slice(0, nCand);
  const covers = new Uint32Array(pairCand.length);
  for (let p = 0; p < pairCand.length; p++) covers[fill[pairCand[p]]++] = pairComp[p];

  const gainOf = (c: number) => {
    let s = 0;
    for (let p = offsets[c]; p < offsets[c + 1]; p++) if (!covered[covers[p]]) s += compounds[covers[p]].households;
    return s;
  };

  // 2. Lazy greedy (CELF): a max-heap of gains that can only have shrunk since computed. When the
  //    top was evaluated this round its bound is exact and at least every other bound, so it wins.
  const bound = new Float64Array(nCand);
  const round = new Int32Array(nCand);
  const heap: number[] = [];
  for (let c = 0; c < nCand; c++) {
    bound[c] = gainOf(c);
    round[c] = 1; // exact for the first round: nothing is picked yet
    if (bound[c] > 0) heap.push(c);
  }
  const before = (a: number, b: number) => bound[a] > bound[b] || (bound[a] === bound[b] && a < b);
  const siftDown = (i: number) => {
    const n = heap.length,
      x = heap[i];
    for (;;) {
      let m = 2 * i + 1;
      if (m >= n) break;
      if (m + 1 < n && before(heap[m + 1], heap[m])) m++;
      if (!before(heap[m], x)) break;
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = x;
  };
  const popTop = () => {
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      siftDown(0);
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);

  const out: SiteProposal[] = [];
  for (let r = 1; out.length < k && heap.length; ) {
    const c = heap[0];
    if (round[c] !== r) {
      round[c] = r;
      bound[c] = gainOf(c);
      if (bound[c] > 0) siftDown(0);
      else popTop();
      continue;
    }
    popTop();
    const ids: number[] = [];
    for (let p = offsets[c]; p < offsets[c + 1]; p++) {
      const i = covers[p];
      if (!covered[i]) {
        covered[i] = 1;
        ids.push(compounds[i].id);
      }
    }
    out.push(
      points
        ? { lonLat: [points[c][0], points[c][1]], candidateIndex: c, gainHouseholds: bound[c], coveredCompoundIds: ids }
        : { lonLat: [graph.nodeLonLat[2 * c], graph.nodeLonLat[2 * c + 1]], node: c, gainHouseholds: bound[c], coveredCompoundIds: ids },
    );
    r++;
  }
  return out;
}

/**
 * Dijkstra from attached gates, bounded at `maxM`, on a `dist` that is all Infinity on entry.
 * Writes the nodes it reaches to `touched` and returns how many, so the caller resets only those.
 */
function boundedDijkstra(g: WalkGraph, gates: Attachment[], maxM: number, dist: Float64Array, heap: MinHeap, touched: Uint32Array): number {
  let n = 0;
  heap.clear();
  for (const gate of gates) {
    for (const s of attachmentSources(g, gate)) {
      if (s.distM <= maxM && s.distM < dist[s.node]) {
        if (dist[s.node] === Infinity) touched[n++] = s.node;
        dist[s.node] = s.distM;
        heap.push(s.distM, s.node);
      }
    }
  }
  const { adjOffsets, adjTargets, adjEdges, edgeLengthM } = g;
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]) continue;
    for (let j = adjOffsets[u], end = adjOffsets[u + 1]; j < end; j++) {
      const v = adjTargets[j];
      const nd = d + edgeLengthM[adjEdges[j]];
      if (nd < dist[v] && nd <= maxM) {
        if (dist[v] === Infinity) touched[n++] = v;
        dist[v] = nd;
        heap.push(nd, v);
      }
    }
  }
  return n;
}
