import { describe, expect, it } from "vitest";
import { frameProjector, polygonRings, ringsPath, scaleBar } from "../../web/src/map/print-frame.js";

// The printed map's marks against known answers: Web Mercator puts the equator in the middle of a
// frame symmetric about it, longitude is linear, and a degree of longitude on the equator is
// 111,319.49 m on WGS 84 (a·π/180 with a = 6,378,137 m).
const EQUATOR_M_PER_DEG = (6_378_137 * Math.PI) / 180;

describe("printed map frame", () => {
  it("projects the frame's corners to its corners, the equator to its middle and longitude linearly", () => {
    const project = frameProjector({ bounds: [100, -10, 110, 10], width: 800, height: 600 });
    expect(project([100, 10])).toEqual([0, 0]);
    const [x, y] = project([110, -10]);
    expect(x).toBeCloseTo(800, 9);
    expect(y).toBeCloseTo(600, 9);
    expect(project([102.5, 0])[0]).toBeCloseTo(200, 9);
    expect(project([102.5, 0])[1]).toBeCloseTo(300, 9);
    // Mercator stretches towards the pole, so 5°N lies below the straight-line quarter: with
    // y(φ) = ln tan(45° + φ/2), y(10°) = 0.175426 and y(5°) = 0.087377, it is 25.096 % down the frame.
    expect(project([105, 5])[1]).toBeCloseTo(600 * ((0.175426 - 0.087377) / (2 * 0.175426)), 1);
  });

  it("draws rings as closed SVG paths in frame pixels", () => {
    const project = frameProjector({ bounds: [0, -1, 2, 1], width: 200, height: 200 });
    expect(
      ringsPath(
        [
          [
            [0, 0],
            [2, 0],
            [1, 1],
            [0, 0],
          ],
        ],
        project,
      ),
    ).toBe("M0.0,100.0L200.0,100.0L100.0,0.0L0.0,100.0Z");
    expect(polygonRings({ type: "MultiPolygon", coordinates: [[[[0, 0]]], [[[1, 1]]]] })).toEqual([[[0, 0]], [[1, 1]]]);
    expect(polygonRings({ type: "Point", coordinates: [0, 0] })).toEqual([]);
    expect(polygonRings(null)).toEqual([]);
  });

  it("picks a round scale-bar length of at most a quarter of the width, in metres along the middle latitude", () => {
    // 0.1° of longitude on the equator over 1000 px: 11.132 m per px, a quarter is 2,783 m → 2 km.
    const bar = scaleBar({ bounds: [0, -0.01, 0.1, 0.01], width: 1000 });
    expect(bar.metres).toBe(2000);
    expect(bar.px).toBeCloseTo(2000 / ((EQUATOR_M_PER_DEG * 0.1) / 1000), 0);
    // A street-level frame: 0.005° over 500 px → 1.113 m per px, a quarter 139 m → 100 m.
    expect(scaleBar({ bounds: [0, -0.001, 0.005, 0.001], width: 500 }).metres).toBe(100);
    // 0.004° over 500 px → 0.891 m per px, a quarter 111 m → still 100 m; 0.003° → 83 m → 50 m.
    expect(scaleBar({ bounds: [0, -0.001, 0.003, 0.001], width: 500 }).metres).toBe(50);
    // At 60°N a degree of longitude is about half as long: the same frame gets a 1 km bar.
    expect(scaleBar({ bounds: [0, 59.99, 0.1, 60.01], width: 1000 }).metres).toBe(1000);
  });
});
