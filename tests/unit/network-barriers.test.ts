import { describe, expect, it } from "vitest";
import { attachPoint, createEdgeIndex } from "../../web/src/analysis/attach.js";
import { connectedComponents, networkReport } from "../../web/src/analysis/components.js";
import { computeCoverage, createCoverageContext, distancesToFacilities } from "../../web/src/analysis/coverage.js";
import { multiSourceDijkstra } from "../../web/src/analysis/dijkstra.js";
import { buildWalkGraph, type WalkGraph, type WalkGraphInput } from "../../web/src/analysis/walk-graph.js";
import { HAND_PLANE } from "../helpers/geometry.js";

// Barriers on hand-built networks, with every distance worked out by hand in the comments:
// a walled compound whose interior path would be a shortcut, a river with one bridge, and an
// island the main network does not reach. Coordinates are metres east (x) and north (y) of an origin.

const { lonLat, node, xy } = HAND_PLANE;
const idx = (g: WalkGraph, id: number) => g.nodeIds.indexOf(id);

type Edge = WalkGraphInput["edges"][number];
/** Edges along a chain of node ids, lengths from the node positions (metres). */
function chain(nodes: WalkGraphInput["nodes"], ids: number[], firstEdgeId: number, cls = "branch"): Edge[] {
  const pos = (id: number) => {
    const n = nodes.find((m) => m.id === id)!;
    return xy(n.lon, n.lat);
  };
  return ids.slice(1).map((id, i) => {
    const [ax, ay] = pos(ids[i]),
      [bx, by] = pos(id);
    return { id: firstEdgeId + i, source: ids[i], target: id, lengthM: Math.round(Math.hypot(bx - ax, by - ay) * 1e6) / 1e6, class: cls };
  });
}

/**
 * The rule the server applies in SQL (server/db/network.ts), restated for an axis-aligned
 * rectangular compound: drop an edge when more than half of its length lies strictly inside.
 */
function withoutInterior(input: WalkGraphInput, wall: { x0: number; y0: number; x1: number; y1: number }): WalkGraphInput {
  const pos = new Map(input.nodes.map((n) => [n.id, xy(n.lon, n.lat)]));
  const insideShare = (e: Edge) => {
    // Liang–Barsky clipping of the segment to the open rectangle.
    const [ax, ay] = pos.get(e.source)!,
      [bx, by] = pos.get(e.target)!;
    let t0 = 0,
      t1 = 1;
    for (const [p, q] of [
      [-(bx - ax), ax - wall.x0],
      [bx - ax, wall.x1 - ax],
      [-(by - ay), ay - wall.y0],
      [by - ay, wall.y1 - ay],
    ]) {
      if (p === 0) {
        if (q <= 0) return 0;
        continue;
      }
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
    }
    return Math.max(0, t1 - t0);
  };
  return { nodes: input.nodes, edges: input.edges.filter((e) => insideShare(e) <= 0.5) };
}

describe("a walled compound", () => {
  /**
   * A 200 × 200 m block ringed by streets (nodes every 100 m), with a footway straight through it
   * from the south street's middle S (100, 0) via the centre I (100, 100) to the north street's
   * middle N (100, 200). The compound's wall is the square (10, 10)–(190, 190); its only gate is
   * on the south wall at (80, 10).
   *
   *   D(0,200) —— N(100,200) —— C(200,200)
   *   |              ┆              |
   *   W(0,100)       I(100,100)     E(200,100)
   *   |              ┆              |
   *   A(0,0) ——— S(100,0) ——— B(200,0)
   */
  const nodes = [
    node(1, 0, 0),
    node(2, 100, 0),
    node(3, 200, 0),
    node(4, 200, 100),
    node(5, 200, 200),
    node(6, 100, 200),
    node(7, 0, 200),
    node(8, 0, 100),
    node(9, 100, 100),
  ];
  const ring = chain(nodes, [1, 2, 3, 4, 5, 6, 7, 8, 1], 1);
  const footway = chain(nodes, [2, 9, 6], 20, "footway");
  const full: WalkGraphInput = { nodes, edges: [...ring, ...footway] };
  const wall = { x0: 10, y0: 10, x1: 190, y1: 190 };
  const gate = lonLat(80, 10);
  // A facility on the far (north) side: 5 m north of the north street, at x = 150.
  const facility = lonLat(150, 205);

  it("loses exactly the interior footway, keeping the ring", () => {
    const kept = withoutInterior(full, wall);
    expect(kept.edges.map((e) => e.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Node I keeps no edge: it stays in the graph, isolated, and is reported as such.
    const g = buildWalkGraph(kept);
    expect(g.nodeCount).toBe(9);
    const report = networkReport(g);
    expect(report).toMatchObject({ mainNodes: 8, mainEdges: 8, others: [], isolatedNodes: 1 });
  });

  it("from S to N, walking goes round the wall: 400 m, not 200 m through the compound", () => {
    const through = buildWalkGraph(full);
    expect(multiSourceDijkstra(through, [{ node: idx(through, 2), distM: 0 }])[idx(through, 6)]).toBeCloseTo(200, 6);
    const g = buildWalkGraph(withoutInterior(full, wall));
    // S → B → E → C → N (or S → A → W → D → N): 4 × 100 m.
    expect(multiSourceDijkstra(g, [{ node: idx(g, 2), distM: 0 }])[idx(g, 6)]).toBeCloseTo(400, 6);
  });

  it("from the gate to a facility on the far side: 385 m round the wall", () => {
    const g = buildWalkGraph(withoutInterior(full, wall));
    // The gate joins the south street at (80, 0), 10 m away; the facility the north street at
    // (150, 200), 5 m away. East: 20 to S, 100 to B, 200 up to C, 50 west to x = 150 = 370 m;
    // west: 80 + 200 + 150 = 430 m. So 10 + 370 + 5 = 385 m.
    const ctx = createCoverageContext(g, [{ id: 1, households: 200, gates: [gate] }]);
    const f = attachPoint(g, ctx.index, ...facility)!;
    expect(f.connectorM).toBeCloseTo(5, 1);
    expect(distancesToFacilities(ctx, [f])[0]).toBeCloseTo(385, 1);
    // With the interior footway left in, the same trip would be 10 + 20 + 200 + 50 + 5 = 285 m.
    const through = buildWalkGraph(full);
    const ctxThrough = createCoverageContext(through, [{ id: 1, households: 200, gates: [gate] }]);
    expect(distancesToFacilities(ctxThrough, [attachPoint(through, ctxThrough.index, ...facility)!])[0]).toBeCloseTo(285, 1);
  });

  it("decides coverage by the walk round the wall", () => {
    const g = buildWalkGraph(withoutInterior(full, wall));
    const ctx = createCoverageContext(g, [{ id: 1, households: 200, gates: [gate] }]);
    const facilities = [{ id: 1, category: "kindergarten", lonLat: facility }];
    // 385 m: inside a 400 m limit, outside a 300 m one (which the 285 m shortcut would have met).
    const within400 = computeCoverage(ctx, facilities, [{ code: "kindergarten", circle: "10min", limitM: 400 }]);
    expect(within400.compounds[0].distanceM.kindergarten).toBeCloseTo(385, 1);
    expect(within400.compounds[0].missing).toEqual([]);
    const within300 = computeCoverage(ctx, facilities, [{ code: "kindergarten", circle: "5min", limitM: 300 }]);
    expect(within300.compounds[0].missing).toEqual(["kindergarten"]);
    expect(within300.byCategory[0].coveredHouseholds).toBe(0);
  });
});

describe("a river with one bridge", () => {
  /**
   * Streets along both banks of a river, the south bank at y = 0 and the north bank at y = 60,
   * from x = 0 to x = 600 with nodes every 100 m; one bridge at x = 400.
   */
  const south = [0, 1, 2, 3, 4, 5, 6].map((k) => node(10 + k, k * 100, 0));
  const north = [0, 1, 2, 3, 4, 5, 6].map((k) => node(20 + k, k * 100, 60));
  const nodes = [...south, ...north];
  const edges = [
    ...chain(
      nodes,
      south.map((n) => n.id),
      1,
    ),
    ...chain(
      nodes,
      north.map((n) => n.id),
      10,
    ),
    ...chain(nodes, [14, 24], 20, "bridge"),
  ];
  const g = buildWalkGraph({ nodes, edges });

  it("crosses at the bridge: 300 + 60 + 250 + both connectors = 620 m for points ~86 m apart", () => {
    // P (100, -5) joins the south bank at x = 100, Q (150, 65) the north bank at x = 150.
    const ix = createEdgeIndex(g, 50);
    const p = attachPoint(g, ix, ...lonLat(100, -5))!;
    const q = attachPoint(g, ix, ...lonLat(150, 65))!;
    const ctx = createCoverageContext(g, [{ id: 1, households: 1, gates: [lonLat(150, 65)] }]);
    expect(q.connectorM).toBeCloseTo(5, 1);
    // 5 + (400 − 100) along the south bank + 60 over the bridge + (400 − 150) back + 5.
    expect(distancesToFacilities(ctx, [p])[0]).toBeCloseTo(620, 1);
  });

  it("from node to node on the other bank, the walk is the path over the bridge", () => {
    const d = multiSourceDijkstra(g, [{ node: idx(g, 10), distM: 0 }]);
    expect(d[idx(g, 20)]).toBeCloseTo(860, 6); // 400 + 60 + 400
    expect(d[idx(g, 26)]).toBeCloseTo(660, 6); // 400 + 60 + 200
    expect(d[idx(g, 24)]).toBeCloseTo(460, 6);
  });
});

describe("an island the main network does not reach", () => {
  /**
   * A 3 × 3 street grid, 100 m apart (nodes 1–9, 12 edges); a path on an island in a pond
   * 300–360 m east of it (nodes 31–33, 2 edges); and node 40, a lone node with no edge.
   */
  const nodes = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) nodes.push(node(r * 3 + c + 1, c * 100, r * 100));
  const edges: Edge[] = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      const n = r * 3 + c + 1;
      if (c < 2) edges.push({ id: edges.length + 1, source: n, target: n + 1, lengthM: 100, class: "branch" });
      if (r < 2) edges.push({ id: edges.length + 1, source: n, target: n + 3, lengthM: 100, class: "branch" });
    }
  nodes.push(node(31, 300, 50), node(32, 330, 60), node(33, 360, 50), node(40, -200, -200));
  edges.push(...chain(nodes, [31, 32, 33], 100, "footway"));
  const g = buildWalkGraph({ nodes, edges });

  it("ranks components by size: the grid is component 0, the island 1, the lone node 2", () => {
    const c = connectedComponents(g);
    expect(c.sizes).toEqual([9, 3, 1]);
    expect(c.edgeCounts).toEqual([12, 2, 0]);
    for (let id = 1; id <= 9; id++) expect(c.componentOfNode[idx(g, id)]).toBe(0);
    for (const id of [31, 32, 33]) expect(c.componentOfNode[idx(g, id)]).toBe(1);
    expect(c.componentOfNode[idx(g, 40)]).toBe(2);
  });

  it("is reported with its node count, edges and extent, not dropped", () => {
    const report = networkReport(g);
    expect(report.mainNodes).toBe(9);
    expect(report.mainEdges).toBe(12);
    expect(report.isolatedNodes).toBe(1);
    expect(report.others).toHaveLength(1);
    const island = report.others[0];
    expect(island).toMatchObject({ component: 1, nodes: 3, edges: 2, firstNodeId: 31 });
    expect(island.lengthM).toBeCloseTo(2 * Math.hypot(30, 10), 3);
    const [w, s] = lonLat(300, 50),
      [e, n] = lonLat(360, 60);
    expect(island.bbox[0]).toBeCloseTo(w, 9);
    expect(island.bbox[1]).toBeCloseTo(s, 9);
    expect(island.bbox[2]).toBeCloseTo(e, 9);
    expect(island.bbox[3]).toBeCloseTo(n, 9);
  });

  it("its nodes are at Infinity from the main network, and it reaches nothing there", () => {
    const d = multiSourceDijkstra(g, [{ node: idx(g, 1), distM: 0 }]);
    for (const id of [31, 32, 33, 40]) expect(d[idx(g, id)]).toBe(Infinity);
    expect(d[idx(g, 9)]).toBe(400);
    const back = multiSourceDijkstra(g, [{ node: idx(g, 32), distM: 0 }]);
    expect(back[idx(g, 33)]).toBeCloseTo(Math.hypot(30, 10), 6);
    for (let id = 1; id <= 9; id++) expect(back[idx(g, id)]).toBe(Infinity);
  });

  it("a facility on the island covers no compound on the mainland", () => {
    // A gate 5 m south of node 3 (200, 0); a kindergarten 4 m north of the island path.
    const ctx = createCoverageContext(g, [{ id: 1, households: 50, gates: [lonLat(200, -5)] }]);
    const result = computeCoverage(
      ctx,
      [{ id: 1, category: "kindergarten", lonLat: lonLat(330, 64) }],
      [{ code: "kindergarten", circle: "5min", limitM: 300 }],
    );
    expect(result.compounds[0].distanceM.kindergarten).toBe(Infinity);
    expect(result.unattachedFacilities).toEqual([]);
  });

  it("an empty graph has no main network and nothing to report", () => {
    expect(networkReport(buildWalkGraph({ nodes: [], edges: [] }))).toEqual({ nodes: 0, edges: 0, mainNodes: 0, mainEdges: 0, others: [], isolatedNodes: 0 });
  });
});
