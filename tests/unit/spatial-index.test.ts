import { describe, expect, it } from "vitest";
import { type Box, createBoxIndex, createPointIndex } from "../../web/src/analysis/spatial-index.js";

// The index must return exactly the items a scan of every item finds (boxes that meet the query
// box, edges and corners included), in metres of some plane.
const createRandom = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const meets = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe("box index", () => {
  it("finds the boxes a scan finds, for random boxes and queries", () => {
    const rnd = createRandom(7);
    const boxes: Box[] = Array.from({ length: 2000 }, () => {
      const x = rnd() * 5000,
        y = rnd() * 5000;
      return [x, y, x + rnd() * 300, y + rnd() * 300];
    });
    const index = createBoxIndex(boxes);
    for (let i = 0; i < 200; i++) {
      const x = rnd() * 5200 - 100,
        y = rnd() * 5200 - 100,
        r = rnd() * 400;
      const q: Box = [x - r, y - r, x + r, y + r];
      expect(sorted(index.search(...q))).toEqual(boxes.flatMap((b, k) => (meets(b, q) ? [k] : [])));
    }
  });
  it("counts touching boxes and points (zero-size boxes) as meeting", () => {
    const index = createBoxIndex([
      [0, 0, 10, 10],
      [20, 0, 20, 0],
    ]);
    expect(index.search(10, 10, 15, 15)).toEqual([0]);
    expect(sorted(index.search(10, 0, 20, 0))).toEqual([0, 1]);
    expect(index.search(10.000001, 0, 19.999999, 5)).toEqual([]);
  });
  it("is empty without items", () => {
    expect(createBoxIndex([]).search(-1e9, -1e9, 1e9, 1e9)).toEqual([]);
  });
});

describe("point index", () => {
  it("finds the points a scan finds, edges included", () => {
    const rnd = createRandom(11);
    const points = Array.from({ length: 3000 }, () => [Math.round(rnd() * 1000), Math.round(rnd() * 1000)] as [number, number]);
    const index = createPointIndex(points);
    for (let i = 0; i < 200; i++) {
      const q: Box = [Math.round(rnd() * 900), Math.round(rnd() * 900), 0, 0];
      const box: Box = [q[0], q[1], q[0] + Math.round(rnd() * 100), q[1] + Math.round(rnd() * 100)];
      expect(sorted(index.search(...box))).toEqual(points.flatMap((p, k) => (meets([p[0], p[1], p[0], p[1]], box) ? [k] : [])));
    }
    expect(createPointIndex([]).search(0, 0, 1, 1)).toEqual([]);
  });
});
