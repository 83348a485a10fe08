/**
 * Greedy maximum coverage (lazy evaluation): pick candidate sites one by one, each covering the
 * most still-uncovered demand, until enough demand is covered or the count runs out. Used to site
 * schools, kindergartens, shops… so coverage is realistic: good where people live, with gaps.
 */
import type { Rng } from "./rng.js";

/** Heap order: higher score first, then lower candidate index (deterministic ties). */
function better(heap: Array<[number, number]>, a: number, b: number): boolean {
  return heap[a][0] > heap[b][0] || (heap[a][0] === heap[b][0] && heap[a][1] < heap[b][1]);
}

export interface CoverOptions {
  maxCount: number;
  /** Stop once the uncovered share of demand weight is at or below this. */
  stopUncoveredShare: number;
  rng: Rng;
  /** Random bonus in [0, noise) added once per candidate, in units of demand weight. */
  noise?: number;
  /** Called after each pick (e.g. to mark a parcel used); return false to reject and continue. */
  accept?: (candidate: number) => boolean;
}

/**
 * @param lists for each candidate, the demand indices it would cover
 * @param weight demand weights
 * @param covered initially covered demand (updated in place)
 * @returns picked candidate indices, in order
 */
export function greedyCover(lists: number[][], weight: number[], covered: boolean[], opts: CoverOptions): number[] {
  const total = weight.reduce((a, b) => a + b, 0);
  let uncovered = 0;
  for (let d = 0; d < weight.length; d++) if (!covered[d]) uncovered += weight[d];
  const bonus = lists.map(() => opts.rng.float(0, opts.noise ?? 0.5));
  const gain = (c: number) => {
    let g = 0;
    for (const d of lists[c]) if (!covered[d]) g += weight[d];
    return g;
  };
  const heap: Array<[number, number]> = [];
  const push = (item: [number, number]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (better(heap, p, i)) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): [number, number] | undefined => {
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && better(heap, l, m)) m = l;
        if (r < heap.length && better(heap, r, m)) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  for (let c = 0; c < lists.length; c++) push([gain(c) + bonus[c], c]);
  const picked: number[] = [];
  const taken = new Set<number>();
  while (picked.length < opts.maxCount && total > 0 && uncovered / total > opts.stopUncoveredShare) {
    const top = pop();
    if (!top) break;
    const c = top[1];
    if (taken.has(c)) continue;
    const fresh = gain(c) + bonus[c];
    const next = heap.length > 0 ? heap[0][0] : -Infinity;
    if (fresh < next) {
      push([fresh, c]);
      continue;
    }
    if (fresh - bonus[c] <= 0) break;
    if (opts.accept && !opts.accept(c)) {
      taken.add(c);
      continue;
    }
    taken.add(c);
    picked.push(c);
    for (const d of lists[c]) {
      if (!covered[d]) {
        covered[d] = true;
        uncovered -= weight[d];
      }
    }
  }
  return picked;
}
