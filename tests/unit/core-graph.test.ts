import { describe, expect, it } from "vitest";
import { engineInputs } from "../../geodata/generator/engine-inputs.js";
import { addOwner, coreGraphOf, distanceField, removeOwner } from "../../web/src/analysis/core-graph.js";
import { multiSourceDijkstra, type Source } from "../../web/src/analysis/dijkstra.js";
import { buildWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { HAND_PLANE } from "../helpers/geometry.js";

const at = HAND_PLANE.node;
const edge = (id: number, source: number, target: number, lengthM: number) => ({ id, source, target, lengthM, class: "branch" });
const idx = (g: WalkGraph, id: number) => g.nodeIds.indexOf(id);

/**
 * A street with shape nodes, a ring with no junction, a loop back to its own junction, two
 * parallel streets between the same pair of nodes and a lone node:
 *
 *   1 —10— 2 —10— 3 —10— 4 —10— 5      (2, 3, 4 shape nodes; 1 a dead end, 5 a junction)
 *   5 —20— 6 —20— 5                     (a loop of 40 m from 5 through shape node 6)
 *   5 ==30/50== 7                       (two parallel streets of 30 and 50 m; 7 a dead end)
 *   8 —5— 9 —5— 10 —5— 8                (a ring of three shape nodes, 15 m round)
 *   11                                  (no street)
 */
function shapes(): WalkGraph {
  const nodes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((id) => at(id, id * 10, 0));
  return buildWalkGraph({
    nodes,
    edges: [
      edge(1, 1, 2, 10),
      edge(2, 2, 3, 10),
      edge(3, 3, 4, 10),
      edge(4, 4, 5, 10),
      edge(5, 5, 6, 20),
      edge(6, 6, 5, 20),
      edge(7, 5, 7, 30),
      edge(8, 7, 5, 50),
      edge(9, 8, 9, 5),
      edge(10, 9, 10, 5),
      edge(11, 10, 8, 5),
    ],
  });
}

describe("the core graph (chains of shape nodes contracted)", () => {
  it("keeps junctions, dead ends and one node per ring, and measures distances by hand", () => {
    const g = shapes();
    const cg = coreGraphOf(g);
    const core = [...cg.coreNode].map((i) => g.nodeIds[i]).sort((a, b) => a - b);
    // 6 has both its edges to 5, so it is a core node too; the ring 8–9–10 keeps its first node.
    expect(core).toEqual([1, 5, 6, 7, 8, 11]);
    const field = distanceField(g, [{ owner: 1, sources: [{ node: idx(g, 3), distM: 2 }] }]);
    const d = (id: number) => field.at(idx(g, id));
    expect([d(1), d(2), d(3), d(4), d(5), d(6), d(7)]).toEqual([22, 12, 2, 12, 22, 42, 52]);
    expect(d(8)).toBe(Infinity);
    expect(d(11)).toBe(Infinity);
    const ring = distanceField(g, [{ owner: 1, sources: [{ node: idx(g, 9), distM: 0 }] }]);
    expect([8, 9, 10].map((id) => ring.at(idx(g, id)))).toEqual([5, 0, 5]);
  });

  it("stops at the bound: nodes beyond it are Infinity, nearer ones exact", () => {
    const g = shapes();
    const field = distanceField(g, [{ owner: 1, sources: [{ node: idx(g, 1), distM: 0 }] }], 35);
    expect([1, 2, 3, 4, 5, 6, 7].map((id) => field.at(idx(g, id)))).toEqual([0, 10, 20, 30, Infinity, Infinity, Infinity]);
  });
});

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("distance fields on the demo city, against a Dijkstra over every node", () => {
  const { graph } = engineInputs(1);
  const rnd = random(7);
  const someSources = (k: number): Source[] => Array.from({ length: k }, () => ({ node: Math.floor(rnd() * graph.nodeCount), distM: rnd() * 30 }));
  const worstDifference = (field: { at(n: number): number }, sources: Source[], max = Infinity) => {
    const full = multiSourceDijkstra(graph, sources, { maxDistM: max });
    let worst = 0;
    for (let i = 0; i < graph.nodeCount; i++) {
      const a = field.at(i),
        b = full[i];
      worst = Math.max(worst, a === b ? 0 : Math.abs(a - b));
    }
    return worst;
  };

  it("agree at every node, exact and bounded", () => {
    const cg = coreGraphOf(graph);
    expect(cg.coreCount).toBeLessThan(graph.nodeCount / 5);
    for (const max of [Infinity, 300, 1000]) {
      const sources = someSources(12);
      const field = distanceField(graph, [{ owner: 1, sources }], max);
      expect(worstDifference(field, sources, max)).toBeLessThan(1e-6);
    }
  });

  it("adding and removing owners gives what a search from the remaining sources gives", () => {
    for (const max of [Infinity, 500]) {
      const groups = Array.from({ length: 8 }, (_, owner) => ({ owner, sources: someSources(2) }));
      const field = distanceField(graph, groups, max);
      const live = new Map(groups.map((x) => [x.owner, x.sources]));
      for (let step = 0; step < 12; step++) {
        if (step % 3 === 2 || live.size < 2) {
          const owner = 100 + step;
          const sources = someSources(2);
          addOwner(field, sources, owner);
          live.set(owner, sources);
        } else {
          const owner = [...live.keys()][Math.floor(rnd() * live.size)];
          removeOwner(field, owner);
          live.delete(owner);
        }
        expect(worstDifference(field, [...live.values()].flat(), max)).toBeLessThan(1e-6);
      }
    }
  });

  it("a clone changes apart from the field it came from", () => {
    const sources = someSources(3);
    const field = distanceField(graph, [{ owner: 1, sources }]);
    const copy = field.clone();
    removeOwner(copy, 1);
    expect(copy.at(sources[0].node)).toBe(Infinity);
    expect(worstDifference(field, sources)).toBeLessThan(1e-6);
  });
});
