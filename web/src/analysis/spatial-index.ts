// The one spatial index of the project: static R-trees from flatbush for boxes and static k-d trees
// from kdbush for points, built once from items known up front. Both work in any plane; callers use
// metres of a local projection (geo.ts), so a query box of ±r metres means "within r metres".
import Flatbush from "flatbush";
import KDBush from "kdbush";

/** `[minX, minY, maxX, maxY]` in the caller's plane. */
export type Box = readonly [number, number, number, number];

/** Indices (positions in the list given to the constructor) of the items that meet a query box. */
export interface SpatialIndex {
  /** Items whose box (or point) meets `[minX, minY, maxX, maxY]`, edges and corners included; in no particular order. */
  search(minX: number, minY: number, maxX: number, maxY: number): number[];
}

const EMPTY: SpatialIndex = { search: () => [] };

/**
 * A static R-tree over `boxes` (flatbush). Returns exactly the boxes meeting the query box — not
 * the neighbours of a grid cell — so callers still check their own distance, but never see an item
 * that cannot be within reach.
 */
export function createBoxIndex(boxes: ArrayLike<Box>): SpatialIndex {
  if (boxes.length === 0) return EMPTY; // flatbush needs at least one item
  const tree = new Flatbush(boxes.length);
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    tree.add(b[0], b[1], b[2], b[3]);
  }
  tree.finish();
  return { search: (minX, minY, maxX, maxY) => tree.search(minX, minY, maxX, maxY) };
}

/** A static k-d tree over `points` `[x, y]` (kdbush); `search` returns the points inside the box, edges included. */
export function createPointIndex(points: ArrayLike<readonly [number, number] | readonly number[]>): SpatialIndex {
  if (points.length === 0) return EMPTY;
  const tree = new KDBush(points.length);
  for (let i = 0; i < points.length; i++) tree.add(points[i][0], points[i][1]);
  tree.finish();
  return { search: (minX, minY, maxX, maxY) => tree.range(minX, minY, maxX, maxY) };
}
