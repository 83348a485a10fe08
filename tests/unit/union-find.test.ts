import { describe, expect, it } from "vitest";
import { UnionFind } from "../../web/src/analysis/union-find.js";

// Sets from UnionFind against connected components found by breadth-first search over the same
// edges; roots are the lowest id of each set.
const createRandom = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

function componentsByBfs(ids: number[], edges: Array<[number, number]>): Map<number, number> {
  const adj = new Map<number, number[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    adj.get(a)!.push(b);
    adj.get(b)!.push(a);
  }
  const low = new Map<number, number>();
  for (const start of ids) {
    if (low.has(start)) continue;
    const seen = [start];
    const mark = new Set(seen);
    for (let i = 0; i < seen.length; i++)
      for (const v of adj.get(seen[i])!)
        if (!mark.has(v)) {
          mark.add(v);
          seen.push(v);
        }
    const min = Math.min(...seen);
    for (const v of seen) low.set(v, min);
  }
  return low;
}

describe("union-find", () => {
  it("gives the components breadth-first search gives, rooted at their lowest id, on sparse ids", () => {
    const rnd = createRandom(3);
    const ids = Array.from({ length: 500 }, () => 1 + Math.floor(rnd() * 1e9)); // like OSM node ids
    const edges = Array.from({ length: 350 }, (): [number, number] => [ids[Math.floor(rnd() * 500)], ids[Math.floor(rnd() * 500)]]);
    const sets = new UnionFind();
    for (const [a, b] of edges) sets.union(a, b);
    const want = componentsByBfs([...new Set(ids)], edges);
    for (const id of ids) expect(sets.find(id)).toBe(want.get(id));
  });
  it("says whether a union joined two sets; an id never joined is its own set", () => {
    const sets = new UnionFind();
    expect(sets.union(7, 3)).toBe(true);
    expect(sets.union(3, 9)).toBe(true);
    expect(sets.union(9, 7)).toBe(false);
    expect(sets.find(9)).toBe(3);
    expect(sets.find(42)).toBe(42);
  });
});
