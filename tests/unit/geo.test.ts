import fs from "node:fs";
import path from "node:path";
import geodesic from "geographiclib-geodesic";
import { describe, expect, it } from "vitest";
import { attachPoint, createEdgeIndex } from "../../web/src/analysis/attach.js";
import { DEMO_PLANE, bboxOf, demoPlaneMetresPerDegree, geodesicM, growBounds, metresPerDegree } from "../../web/src/analysis/geo.js";
import { buildWalkGraph } from "../../web/src/analysis/walk-graph.js";

// Metres from degrees at the local latitude, checked against GeographicLib's geodesics (Karney,
// the algorithm PostGIS uses for geography) at the equator, 22°N (Shenzhen) and 40°N (Beijing).
const G = geodesic.Geodesic.WGS84;
const geo = (lat1: number, lon1: number, lat2: number, lon2: number) => G.Inverse(lat1, lon1, lat2, lon2).s12!;

describe("metres per degree", () => {
  for (const lat of [0, 22.69, 40.0]) {
    it(`matches geodesic lengths of short baselines at ${lat}°`, () => {
      const m = metresPerDegree(lat);
      const d = 0.001; // ≈ 100 m
      expect(m.lon * d).toBeCloseTo(geo(lat, 116, lat, 116 + d), 3);
      expect(m.lat * d).toBeCloseTo(geo(lat - d / 2, 116, lat + d / 2, 116), 3);
      expect(geodesicM([116, lat], [116 + d, lat])).toBeCloseTo(geo(lat, 116, lat, 116 + d), 6);
    });
  }
  it("differs from the equator's constants by 0.1–0.4 % in Beijing, which is why they are gone", () => {
    const m = metresPerDegree(40);
    expect(Math.abs(110_574 / m.lat - 1)).toBeGreaterThan(0.001);
    expect(Math.abs((111_320 * Math.cos((40 * Math.PI) / 180)) / m.lon - 1)).toBeGreaterThan(0.0005);
  });
});

describe("attaching a point to the network", () => {
  for (const [lat, lon] of [
    [22.69, 114.2],
    [40.0, 116.32],
  ]) {
    it(`measures the connector as the geodesic to the street at ${lat}°N`, () => {
      // One east–west street and one north–south street; points 30–400 m off each.
      const graph = buildWalkGraph({
        nodes: [
          { id: 1, lon, lat },
          { id: 2, lon: lon + 0.01, lat },
          { id: 3, lon: lon + 0.02, lat: lat + 0.01 },
          { id: 4, lon: lon + 0.02, lat: lat - 0.01 },
        ],
        edges: [
          { id: 1, source: 1, target: 2, lengthM: geo(lat, lon, lat, lon + 0.01), class: "branch" },
          { id: 2, source: 3, target: 4, lengthM: geo(lat + 0.01, lon + 0.02, lat - 0.01, lon + 0.02), class: "branch" },
        ],
      });
      const ix = createEdgeIndex(graph);
      for (const off of [0.0003, 0.001, 0.0036]) {
        const north = attachPoint(graph, ix, lon + 0.005, lat + off)!;
        expect(north.edge).toBe(0);
        expect(north.t).toBeCloseTo(0.5, 6);
        const want = geo(lat + off, lon + 0.005, lat, lon + 0.005);
        expect(Math.abs(north.connectorM - want) / want).toBeLessThan(1e-4);
        const east = attachPoint(graph, ix, lon + 0.02 - off, lat)!;
        expect(east.edge).toBe(1);
        const wantE = geo(lat, lon + 0.02 - off, lat, lon + 0.02);
        expect(Math.abs(east.connectorM - wantE) / wantE).toBeLessThan(1e-4);
      }
    });
  }
});

describe("geodesic distance", () => {
  it("gives the textbook lengths of WGS 84: a degree on the equator, a quarter meridian", () => {
    // a·π/180 on the equator (hand calculation) and the quarter meridian 10 001 965.729 m (Karney 2011).
    expect(geodesicM([0, 0], [1, 0])).toBeCloseTo((6_378_137 * Math.PI) / 180, 6);
    expect(geodesicM([114, 0], [114, 90])).toBeCloseTo(10_001_965.729, 2);
    expect(geodesicM([116.32, 40], [116.32, 40])).toBe(0);
  });
});

describe("growing a box by metres", () => {
  it("adds at least the margin on every side and at every corner latitude, and barely more (geographiclib's distances)", () => {
    for (const b of [
      [114.6, 33.6, 114.62, 33.63],
      [10, 59.9, 10.05, 60.2],
      [-70, -45.2, -69.9, -45],
    ] as Array<[number, number, number, number]>) {
      const g = growBounds(b, 20);
      for (const lat of [b[1], b[3]]) {
        for (const [inner, outer] of [
          [b[0], g[0]],
          [b[2], g[2]],
        ])
          expect(geo(lat, inner, lat, outer)).toBeGreaterThanOrEqual(20);
      }
      // Barely more where a degree of longitude is shortest (the latitude farthest from the equator).
      const far = Math.abs(b[1]) > Math.abs(b[3]) ? b[1] : b[3];
      expect(geo(far, b[0], far, g[0])).toBeLessThan(20 * 1.01);
      expect(geo(b[1], b[0], g[1], b[0])).toBeGreaterThanOrEqual(20);
      expect(geo(b[3], b[0], g[3], b[0])).toBeGreaterThanOrEqual(20);
      expect(geo(b[3], b[0], g[3], b[0])).toBeLessThan(20 * 1.01);
    }
  });
});

describe("the demo city's fixed plane", () => {
  it("is x = Δlon·111 320·cos φ0, y = Δlat·110 540, as the committed demo city's notes say", () => {
    const notes: string[] = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../../geodata/demo-city/meta.json"), "utf8")).notes;
    expect(notes.some((n) => n.includes("lon = 114.64 + x/(111320·cos 33.62°), lat = 33.62 + y/110540"))).toBe(true);
    expect(DEMO_PLANE).toEqual({ lonMPerDegAtEquator: 111_320, latMPerDeg: 110_540 });
    const m = demoPlaneMetresPerDegree(33.62);
    expect(m.lat).toBe(110_540);
    expect(m.lon).toBeCloseTo(111_320 * 0.8327 /* cos 33.62° to 4 places */, -1);
  });
  it("is within 0.4 % of the ellipsoid at the demo city's latitude (why it is only for the demo city)", () => {
    const m = demoPlaneMetresPerDegree(33.62);
    const d = 0.001;
    expect(Math.abs((m.lon * d) / geo(33.62, 114.64, 33.62, 114.64 + d) - 1)).toBeLessThan(0.004);
    expect(Math.abs((m.lat * d) / geo(33.62 - d / 2, 114.64, 33.62 + d / 2, 114.64) - 1)).toBeLessThan(0.004);
  });
});

describe("bboxOf", () => {
  it("takes positions at any depth: a point, a ring, a multipolygon", () => {
    expect(bboxOf([114.1, 22.5])).toEqual([114.1, 22.5, 114.1, 22.5]);
    expect(
      bboxOf([
        [1, 2],
        [3, -1],
        [0, 5],
      ]),
    ).toEqual([0, -1, 3, 5]);
    expect(
      bboxOf([
        [
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 1],
          ],
        ],
        [
          [
            [-3, 4],
            [-2, 4],
            [-2, 6],
            [-3, 4],
          ],
        ],
      ]),
    ).toEqual([-3, 1, 2, 6]);
  });
  it("is inverted (min > max) when there are no positions", () => {
    expect(bboxOf([])).toEqual([Infinity, Infinity, -Infinity, -Infinity]);
  });
});

describe("nearest-edge look-ups through the R-tree", () => {
  // A random street net at 40°N, 3 km across; every query is checked against a scan of all edges
  // in the point's own plane (the definition of the nearest edge), not against the index.
  const createRandom = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const rnd = createRandom(42);
  const [lon0, lat0] = [116.3, 40.0];
  const nodes = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, lon: lon0 + rnd() * 0.035, lat: lat0 + rnd() * 0.027 }));
  const edges = Array.from({ length: 600 }, (_, i) => {
    const s = 1 + Math.floor(rnd() * 400);
    let t = 1 + Math.floor(rnd() * 400);
    if (t === s) t = (s % 400) + 1;
    return { id: i + 1, source: s, target: t, lengthM: 1, class: "branch" };
  });
  const graph = buildWalkGraph({ nodes, edges });
  const scan = (lon: number, lat: number) => {
    const m = metresPerDegree(lat);
    let best = Infinity;
    for (let e = 0; e < graph.edgeCount; e++) {
      const a = graph.edgeSource[e],
        b = graph.edgeTarget[e];
      const ax = (graph.nodeLonLat[2 * a] - lon) * m.lon,
        ay = (graph.nodeLonLat[2 * a + 1] - lat) * m.lat;
      const bx = (graph.nodeLonLat[2 * b] - lon) * m.lon,
        by = (graph.nodeLonLat[2 * b + 1] - lat) * m.lat;
      const dx = bx - ax,
        dy = by - ay,
        l2 = dx * dx + dy * dy;
      const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, (-ax * dx - ay * dy) / l2));
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
    return best;
  };
  for (const cellM of [100, 20]) {
    it(`finds the nearest edge at its distance, or nothing past maxM (first box ${cellM} m)`, () => {
      const ix = createEdgeIndex(graph, cellM);
      const rnd = createRandom(cellM);
      for (let i = 0; i < 300; i++) {
        const lon = lon0 - 0.01 + rnd() * 0.055,
          lat = lat0 - 0.01 + rnd() * 0.047;
        const want = scan(lon, lat);
        const got = attachPoint(graph, ix, lon, lat, 300);
        if (want > 300) expect(got).toBeUndefined();
        else expect(got!.connectorM).toBeCloseTo(want, 9);
      }
    });
  }
  it("finds nothing on a graph without edges", () => {
    const g = buildWalkGraph({ nodes: [{ id: 1, lon: lon0, lat: lat0 }], edges: [] });
    expect(attachPoint(g, createEdgeIndex(g), lon0, lat0)).toBeUndefined();
  });
});
