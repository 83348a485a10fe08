import geodesic from "geographiclib-geodesic";
import { describe, expect, it } from "vitest";
import { attachPoint, createEdgeIndex } from "../../web/src/analysis/attach.js";
import { geodesicM, metresPerDegree } from "../../web/src/analysis/geo.js";
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
  for (const [lat, lon] of [[22.69, 114.2], [40.0, 116.32]]) {
    it(`measures the connector as the geodesic to the street at ${lat}°N`, () => {
      // One east–west street and one north–south street; points 30–400 m off each.
      const graph = buildWalkGraph({
        nodes: [{ id: 1, lon, lat }, { id: 2, lon: lon + 0.01, lat }, { id: 3, lon: lon + 0.02, lat: lat + 0.01 }, { id: 4, lon: lon + 0.02, lat: lat - 0.01 }],
        edges: [{ id: 1, source: 1, target: 2, lengthM: geo(lat, lon, lat, lon + 0.01), class: "branch" },
          { id: 2, source: 3, target: 4, lengthM: geo(lat + 0.01, lon + 0.02, lat - 0.01, lon + 0.02), class: "branch" }],
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
