import { describe, expect, it } from "vitest";
import type { MultiPolygon, Position } from "geojson";
import { createEdgeIndex } from "../../web/src/analysis/attach.js";
import { isochrones, reachedWithin, sourcesForPoint } from "../../web/src/analysis/isochrone.js";
import { buildWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { HAND_PLANE } from "../helpers/geometry.js";

// Hand-built networks; expected distances and areas are worked out by hand in the comments.
const { lonLat, node: at } = HAND_PLANE;
const idx = (g: WalkGraph, id: number) => g.nodeIds.indexOf(id);

/** Even-odd ray casting on one ring (lon/lat). */
function inRing(ring: Position[], [x, y]: [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i],
      [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
/** Inside the outer ring of some polygon and inside none of its holes. */
const inside = (mp: MultiPolygon, x: number, y: number) =>
  mp.coordinates.some(([outer, ...holes]) => inRing(outer, lonLat(x, y)) && !holes.some((h) => inRing(h, lonLat(x, y))));
/** Shoelace of a ring in lon/lat degrees (positive when anticlockwise). */
const ringArea = (ring: Position[]) =>
  ring.reduce((s, p, i) => {
    const q = ring[(i + 1) % ring.length];
    return s + p[0] * q[1] - q[0] * p[1];
  }, 0) / 2;

/**
 * Two street grids (100 m blocks) on either bank of a river 100 m wide, joined by one bridge
 * at x = 600:
 *
 *   north bank  y = 300 ·—·—·—·—·—·—·
 *               y = 200 ·—·—·—·—·—·—·
 *               y = 100 ·—·—·—·—·—·—·
 *                 (river)           ‖ bridge (600,0)–(600,100)
 *   south bank  y =   0 S—·—·—·—·—·—·
 *               y =-100 ·—·—·—·—·—·—·
 *               y =-200 ·—·—·—·—·—·—·
 *                       x = 0 … 600
 *
 * From S = (0, 0): a south node (x, y) is x + |y| away; a north node goes by the bridge:
 * 600 + 100 + (600 − x) + (y − 100) = 1200 − x + y.
 */
function riverCity() {
  const ys = [-200, -100, 0, 100, 200, 300];
  const nodes = [];
  const id = (col: number, row: number) => row * 10 + col + 1;
  for (let row = 0; row < ys.length; row++) for (let col = 0; col <= 6; col++) nodes.push(at(id(col, row), col * 100, ys[row]));
  const edges = [];
  let e = 1;
  for (let row = 0; row < ys.length; row++)
    for (let col = 0; col <= 6; col++) {
      if (col < 6) edges.push({ id: e++, source: id(col, row), target: id(col + 1, row), lengthM: 100, class: "branch" });
      // No streets cross the river (rows 2 → 3) except the bridge.
      if (row < ys.length - 1 && row !== 2) edges.push({ id: e++, source: id(col, row), target: id(col, row + 1), lengthM: 100, class: "branch" });
    }
  edges.push({ id: e++, source: id(6, 2), target: id(6, 3), lengthM: 100, class: "bridge" });
  const hand = (x: number, y: number) => (y <= 0 ? x + Math.abs(y) : 1200 - x + y);
  const points = nodes.map((n) => {
    const col = (n.id - 1) % 10,
      row = Math.floor((n.id - 1) / 10);
    return { id: n.id, x: col * 100, y: ys[row], d: hand(col * 100, ys[row]) };
  });
  return { graph: buildWalkGraph({ nodes, edges }), points, source: id(0, 2) };
}

describe("isochrones", () => {
  it("follow the streets across the one bridge, not straight over the river", () => {
    const { graph, points, source } = riverCity();
    const bufferM = 30;
    const { bands, dist } = isochrones(graph, [{ node: idx(graph, source), distM: 0 }], [300, 600, 900], { bufferM });
    expect(bands.map((b) => b.limitM)).toEqual([300, 600, 900]);
    const [b300, b600, b900] = bands.map((b) => b.polygon);
    for (const [L, poly] of [
      [300, b300],
      [600, b600],
      [900, b900],
    ] as const) {
      for (const p of points) {
        // Every reached node is inside; a node more than 2·buffer beyond the limit is at least 60 m
        // from every reached street part on this 100 m grid, so it is outside.
        if (p.d <= L) expect(inside(poly, p.x, p.y), `node (${p.x}, ${p.y}) at ${p.d} m in band ${L}`).toBe(true);
        if (p.d > L + 2 * bufferM) expect(inside(poly, p.x, p.y), `node (${p.x}, ${p.y}) at ${p.d} m in band ${L}`).toBe(false);
      }
    }
    // The far end of the bridge is 700 m away: outside the 300 and 600 m bands, inside the 900 m one,
    // with a lobe on the north bank around it: (600, 200) is 800 m, (500, 100) is 800 m.
    expect(inside(b300, 600, 100)).toBe(false);
    expect(inside(b600, 600, 100)).toBe(false);
    expect(inside(b900, 600, 100)).toBe(true);
    expect(inside(b900, 600, 200)).toBe(true);
    expect(inside(b900, 500, 100)).toBe(true);
    // Straight across the river from S: 100 m as the crow flies, 1300 m on foot.
    expect(inside(b900, 0, 100)).toBe(false);
    expect(inside(b900, 100, 100)).toBe(false);
    // Mid-river, 50 m from reached streets on both banks of the bridge's approach.
    expect(inside(b900, 300, 50)).toBe(false);
    // Partial edges: (x, 0) is x metres away, so with L = 250 the street y = 0 is reached up to
    // x = 250; 15 m past that is within the buffer, 40 m past it is not.
    const {
      bands: [b250],
    } = isochrones(graph, [{ node: idx(graph, source), distM: 0 }], [250]);
    expect(inside(b250.polygon, 240, 0)).toBe(true);
    expect(inside(b250.polygon, 265, 0)).toBe(true);
    expect(inside(b250.polygon, 290, 0)).toBe(false);
    // Beside a reached street (20 m) is inside, 45 m away is not.
    expect(inside(b300, 50, -20)).toBe(true);
    expect(inside(b300, 50, 45)).toBe(false);
    // The distances come back too: (500, 100) is node 36, 1200 − 500 + 100 = 800 m.
    expect(dist[idx(graph, 36)]).toBe(800);
  });

  it("writes RFC 7946 rings: closed, outer anticlockwise, holes clockwise; bands nest", () => {
    const { graph, source } = riverCity();
    const { bands } = isochrones(graph, [{ node: idx(graph, source), distM: 0 }], [900, 300, 600]);
    expect(bands.map((b) => b.limitM)).toEqual([900, 300, 600]);
    for (const b of bands) {
      expect(b.polygon.type).toBe("MultiPolygon");
      expect(b.polygon.coordinates.length).toBeGreaterThan(0);
      for (const poly of b.polygon.coordinates) {
        poly.forEach((ring, r) => {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[ring.length - 1]).toEqual(ring[0]);
          expect(Math.sign(ringArea(ring))).toBe(r === 0 ? 1 : -1);
        });
      }
    }
    // The 900 m band reaches whole blocks, whose inner parts (over 60 m from any street) are holes.
    expect(bands[0].polygon.coordinates.some((p) => p.length > 1)).toBe(true);
    expect(bands[1].areaM2).toBeLessThan(bands[2].areaM2);
    expect(bands[2].areaM2).toBeLessThan(bands[0].areaM2);
  });

  // One straight street 400 m long. Reaching 200 m of it with a 30 m buffer gives a stadium:
  // 200 × 60 + π × 30² = 14 827 m².
  const stadium = (lengthM: number, bufferM: number) => lengthM * 2 * bufferM + Math.PI * bufferM ** 2;

  it("has the area of the buffered reached street, east-west or diagonal", () => {
    for (const [bx, by] of [
      [400, 0],
      [400 / Math.SQRT2, 400 / Math.SQRT2],
      [120, -380],
    ]) {
      const len = Math.hypot(bx, by);
      const graph = buildWalkGraph({ nodes: [at(1, 0, 0), at(2, bx, by)], edges: [{ id: 1, source: 1, target: 2, lengthM: len, class: "branch" }] });
      const { bands } = isochrones(graph, [{ node: idx(graph, 1), distM: 0 }], [200]);
      expect(Math.abs(bands[0].areaM2 / stadium(200, 30) - 1), `street towards (${bx}, ${by})`).toBeLessThan(0.1);
      const { bands: wide } = isochrones(graph, [{ node: idx(graph, 1), distM: 0 }], [200], { bufferM: 50, cellM: 5 });
      expect(Math.abs(wide[0].areaM2 / stadium(200, 50) - 1)).toBeLessThan(0.05);
    }
  });

  it("measures a clicked point's own street from the point", () => {
    // A click 10 m north of the middle of the 400 m street: with L = 110 it reaches 100 m each way,
    // (100, 0)–(300, 0), though both street ends are 210 m away.
    const graph = buildWalkGraph({ nodes: [at(1, 0, 0), at(2, 400, 0)], edges: [{ id: 1, source: 1, target: 2, lengthM: 400, class: "branch" }] });
    const index = createEdgeIndex(graph, 50);
    const o = sourcesForPoint(graph, index, ...lonLat(200, 10))!;
    expect(o.attachment.t).toBeCloseTo(0.5, 3);
    expect(o.sources.map((s) => Math.round(s.distM))).toEqual([210, 210]);
    const { bands } = isochrones(graph, o.sources, [110], { origins: [o.attachment] });
    expect(Math.abs(bands[0].areaM2 / stadium(200, 30) - 1)).toBeLessThan(0.1);
    expect(inside(bands[0].polygon, 110, 0)).toBe(true);
    expect(inside(bands[0].polygon, 50, 0)).toBe(false);
    expect(sourcesForPoint(graph, index, ...lonLat(200, 2000))).toBeUndefined();
  });

  it("gives empty bands when nothing is reached", () => {
    const graph = buildWalkGraph({ nodes: [at(1, 0, 0), at(2, 400, 0)], edges: [{ id: 1, source: 1, target: 2, lengthM: 400, class: "branch" }] });
    const { bands } = isochrones(graph, [{ node: 0, distM: 500 }], [300]);
    expect(bands).toEqual([{ limitM: 300, polygon: { type: "MultiPolygon", coordinates: [] }, areaM2: 0 }]);
  });

  it("lists the nodes within a limit", () => {
    expect([...reachedWithin(new Float64Array([0, 300, 300.5, Infinity, 120]), 300)]).toEqual([0, 1, 4]);
  });
});
