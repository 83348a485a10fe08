import { bboxOf } from "../../analysis/geo";
import type { SiteProposal } from "../../analysis/siting";

/** A GeoJSON FeatureCollection as the map's overlay layer takes it. */
export type FC = { type: "FeatureCollection"; features: unknown[] };

/** Distinct fills for clusters on the map (ColorBrewer Set3/Paired, readable under labels). */
export const CLUSTER_COLORS = [
  "#1f78b4",
  "#33a02c",
  "#e31a1c",
  "#ff7f00",
  "#6a3d9a",
  "#b15928",
  "#a6cee3",
  "#b2df8a",
  "#fb9a99",
  "#fdbf6f",
  "#cab2d6",
  "#ffff99",
];

/** Each member compound's fill: the colour of its cluster, by the cluster's place in the plan. */
export function clusterColours(plan: Array<{ members: number[] }>): Map<number, string> | undefined {
  if (!plan.length) return undefined;
  const colours = new Map<number, string>();
  plan.forEach((c, i) => {
    for (const m of c.members) colours.set(m, CLUSTER_COLORS[i % CLUSTER_COLORS.length]);
  });
  return colours;
}

/**
 * The planner's overlay: the adjacency graph (when shown), the current cluster's outline and the
 * suggested site for its shared gap (★). `properties.layer` tells the map how to draw each.
 */
export function clusterOverlay(o: { adjacency: FC | null; outline: unknown | null; site: SiteProposal | null }): FC {
  const features: unknown[] = [];
  for (const f of o.adjacency?.features ?? []) features.push({ ...(f as object), properties: { layer: "adjacency" } });
  if (o.outline) features.push({ type: "Feature", geometry: o.outline, properties: { layer: "outline" } });
  if (o.site) features.push({ type: "Feature", geometry: { type: "Point", coordinates: o.site.lonLat }, properties: { layer: "site", mark: "★" } });
  return { type: "FeatureCollection", features };
}

type Box = [number, number, number, number];

/** The bounding box of several boxes, or undefined when there are none. */
export function unionBounds(boxes: Box[]): Box | undefined {
  const b = bboxOf(
    boxes.map((x) => [
      [x[0], x[1]],
      [x[2], x[3]],
    ]),
  );
  return Number.isFinite(b[0]) ? b : undefined;
}

/**
 * Split a cluster in two around its two members farthest apart (by centre); each member joins
 * the nearer one. Returns the two member lists.
 */
export function splitMembers(members: Array<{ id: number; c: [number, number] }>): [number[], number[]] {
  const d2 = (p: { c: number[] }, q: { c: number[] }) => (p.c[0] - q.c[0]) ** 2 + (p.c[1] - q.c[1]) ** 2;
  let best = [members[0], members[1]],
    far = -1;
  for (const a of members)
    for (const b of members) {
      const d = d2(a, b);
      if (d > far) {
        far = d;
        best = [a, b];
      }
    }
  const a = members.filter((p) => d2(p, best[0]) <= d2(p, best[1])).map((p) => p.id);
  return [a, members.map((p) => p.id).filter((id) => !a.includes(id))];
}
