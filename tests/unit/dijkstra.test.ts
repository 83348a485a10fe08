import { describe, expect, it } from "vitest";
import { attachPoint, attachmentSources, createEdgeIndex, distanceToAttachment } from "../../web/src/analysis/attach.js";
import { computeCoverage, createCoverageContext } from "../../web/src/analysis/coverage.js";
import { MinHeap, multiSourceDijkstra } from "../../web/src/analysis/dijkstra.js";
import { buildWalkGraph, decodeWalkGraph, encodeWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { HAND_PLANE } from "../helpers/geometry.js";

// Hand-built networks whose distances are worked out by hand in the comments.
/** A node at (x, y) metres east/north of the origin. */
const at = HAND_PLANE.node;

/**
 * A 3 × 3 grid of streets, 100 m apart:
 *   7 — 8 — 9
 *   |   |   |
 *   4 — 5 — 6
 *   |   |   |
 *   1 — 2 — 3
 */
function grid(): WalkGraph {
  const nodes = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) nodes.push(at(r * 3 + c + 1, c * 100, r * 100));
  const edges = [];
  let id = 1;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      const n = r * 3 + c + 1;
      if (c < 2) edges.push({ id: id++, source: n, target: n + 1, lengthM: 100, class: "branch" });
      if (r < 2) edges.push({ id: id++, source: n, target: n + 3, lengthM: 100, class: "branch" });
    }
  return buildWalkGraph({ nodes, edges });
}

const idx = (g: WalkGraph, id: number) => g.nodeIds.indexOf(id);

describe("multi-source Dijkstra", () => {
  it("finds grid distances by hand: corner to corner is 400 m", () => {
    const g = grid();
    const d = multiSourceDijkstra(g, [{ node: idx(g, 1), distM: 0 }]);
    expect(d[idx(g, 9)]).toBe(400);
    expect(d[idx(g, 5)]).toBe(200);
    expect(d[idx(g, 3)]).toBe(200);
  });

  it("takes the nearest of several sources, and their head starts", () => {
    const g = grid();
    // From node 1 (0 m) and node 9 (already 50 m walked): node 5 is 200 from 1 and 250 from 9.
    const d = multiSourceDijkstra(g, [
      { node: idx(g, 1), distM: 0 },
      { node: idx(g, 9), distM: 50 },
    ]);
    expect(d[idx(g, 5)]).toBe(200);
    expect(d[idx(g, 6)]).toBe(150);
    expect(d[idx(g, 3)]).toBe(200);
  });

  it("stops at maxDistM", () => {
    const g = grid();
    const d = multiSourceDijkstra(g, [{ node: idx(g, 1), distM: 0 }], { maxDistM: 150 });
    expect(d[idx(g, 2)]).toBe(100);
    expect(d[idx(g, 5)]).toBe(Infinity);
  });

  it("goes round a river with one bridge instead of straight across", () => {
    // Two banks 60 m apart (y = 0 and y = 60), streets along each bank, one bridge at x = 400.
    // From (0, 0) to (0, 60): 400 east, 60 across, 400 back west = 860 m.
    const nodes = [at(1, 0, 0), at(2, 400, 0), at(3, 0, 60), at(4, 400, 60)];
    const g = buildWalkGraph({
      nodes,
      edges: [
        { id: 1, source: 1, target: 2, lengthM: 400, class: "branch" },
        { id: 2, source: 3, target: 4, lengthM: 400, class: "branch" },
        { id: 3, source: 2, target: 4, lengthM: 60, class: "bridge" },
      ],
    });
    const d = multiSourceDijkstra(g, [{ node: idx(g, 1), distM: 0 }]);
    expect(d[idx(g, 3)]).toBe(860);
  });

  it("survives the binary round trip the API serves", () => {
    const g = decodeWalkGraph(encodeWalkGraph(grid()));
    expect(multiSourceDijkstra(g, [{ node: idx(g, 1), distM: 0 }])[idx(g, 9)]).toBe(400);
  });

  it("keeps the heap ordered under many pushes", () => {
    const h = new MinHeap(2);
    const keys = Array.from({ length: 500 }, (_, i) => (i * 7919) % 503);
    keys.forEach((k, i) => {
      h.push(k, i);
    });
    const out: number[] = [];
    while (h.size) {
      out.push(h.peekKey());
      h.pop();
    }
    expect(out).toEqual([...keys].sort((a, b) => a - b));
  });
});

describe("attaching points to the network", () => {
  it("projects onto the nearest edge and measures along it", () => {
    const g = grid();
    const ix = createEdgeIndex(g, 50);
    // 25 m along edge 1–2 and 10 m south of it.
    const p = at(0, 25, -10);
    const a = attachPoint(g, ix, p.lon, p.lat)!;
    expect(g.nodeIds[g.edgeSource[a.edge]]).toBe(1);
    expect(g.nodeIds[g.edgeTarget[a.edge]]).toBe(2);
    expect(a.t).toBeCloseTo(0.25, 3);
    expect(a.connectorM).toBeCloseTo(10, 1);
    // From node 9 (400 m from node 1): 300 m to node 2, then 75 m back along the edge, then 10 m.
    const d = multiSourceDijkstra(g, [{ node: idx(g, 9), distM: 0 }]);
    expect(distanceToAttachment(g, d, a)).toBeCloseTo(385, 1);
    expect(attachmentSources(g, a).map((s) => Math.round(s.distM))).toEqual([35, 85]);
  });

  it("reports nothing when no street is within reach", () => {
    const g = grid();
    const far = at(0, 2000, 2000);
    expect(attachPoint(g, createEdgeIndex(g), far.lon, far.lat, 300)).toBeUndefined();
  });
});

describe("coverage", () => {
  // A walled compound south of the grid; its only gate is 5 m south of edge 2–3, 50 m east of
  // node 2 (x = 150). Residents walk out through that gate.
  const compound = { id: 1, households: 300, gates: [[at(0, 150, -5).lon, at(0, 150, -5).lat]] as Array<[number, number]> };

  it("measures from the gate along the streets; tiers do not nest", () => {
    const g = grid();
    const ctx = createCoverageContext(g, [compound]);
    const k = at(0, 0, 205); // a kindergarten 5 m north of node 7: 200 + 150 + 5 + 5 = 360 m from the gate
    const hc = at(0, 200, 5); // a health service centre (15-min) 5 m north of node 3
    const result = computeCoverage(
      ctx,
      [
        { id: 1, category: "kindergarten", lonLat: [k.lon, k.lat] },
        { id: 2, category: "health_centre", lonLat: [hc.lon, hc.lat] },
      ],
      [
        { code: "kindergarten", circle: "5min", limitM: 300 },
        { code: "health_station", circle: "5min", limitM: 300 },
        { code: "health_centre", circle: "15min", limitM: 1000 },
      ],
      { exactDistances: true },
    );
    const c = result.compounds[0];
    expect(c.distanceM.kindergarten).toBeCloseTo(360, 0);
    // Gate and centre share edge 2–3: 50 m along it plus both connectors.
    expect(c.distanceM.health_centre).toBeCloseTo(60, 0);
    // The centre does not stand in for a health station.
    expect(c.distanceM.health_station).toBe(Infinity);
    expect(c.missing).toEqual(["kindergarten", "health_station"]);
    expect(c.score).toBeCloseTo(1 / 3, 6);
    expect(result.byCircle).toEqual([
      { circle: "5min", share: 0 },
      { circle: "15min", share: 1 },
    ]);
  });

  it("stops each search at its limit unless exact distances are asked for", () => {
    const g = grid();
    const ctx = createCoverageContext(g, [compound]);
    const k = at(0, 0, 205);
    const cats = [
      { code: "kindergarten", circle: "5min", limitM: 300 },
      { code: "health_centre", circle: "15min", limitM: 1000 },
    ];
    const facilities = [
      { id: 1, category: "kindergarten", lonLat: [k.lon, k.lat] as [number, number] },
      { id: 2, category: "health_centre", lonLat: [k.lon, k.lat] as [number, number] },
    ];
    const bounded = computeCoverage(ctx, facilities, cats).compounds[0];
    // 360 m is beyond the kindergarten's 300 m but within the centre's 1000 m.
    expect(bounded.distanceM.kindergarten).toBe(Infinity);
    expect(bounded.distanceM.health_centre).toBeCloseTo(360, 0);
    expect(bounded.missing).toEqual(["kindergarten"]);
    expect(computeCoverage(ctx, facilities, cats, { exactDistances: true }).compounds[0].distanceM.kindergarten).toBeCloseTo(360, 0);
  });

  it("a new facility close to the gate turns the compound covered", () => {
    const g = grid();
    const ctx = createCoverageContext(g, [compound]);
    const cats = [{ code: "kindergarten", circle: "5min", limitM: 300 }];
    const far = at(0, 0, 205);
    const near = at(0, 100, 5);
    expect(computeCoverage(ctx, [{ id: 1, category: "kindergarten", lonLat: [far.lon, far.lat] }], cats).byCategory[0].coveredHouseholds).toBe(0);
    const after = computeCoverage(
      ctx,
      [
        { id: 1, category: "kindergarten", lonLat: [far.lon, far.lat] },
        { id: 2, category: "kindergarten", lonLat: [near.lon, near.lat] },
      ],
      cats,
    );
    expect(after.byCategory[0].coveredHouseholds).toBe(300);
    expect(after.compounds[0].distanceM.kindergarten).toBeCloseTo(60, 0);
  });
});
