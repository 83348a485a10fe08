import { createBoxIndex } from "../../../web/src/analysis/spatial-index.js";
import { type XY, nearestOnSegment } from "../osm-geom.js";
import { type ImportContext, what } from "./context.js";

/** Boundary sample spacing for the wall test, metres. */
const SAMPLE_M = 5;

/**
 * Step "interiors": whether a compound is gated, i.e. whether its interior is a through route for
 * others. A compound with a walking gate, a gate-like node that is not one, or a mapped wall or
 * fence along a good part of its boundary (`gateRules.wallShare` of it within `wallWithinM`; or
 * the area itself tagged barrier=wall/fence) is gated: the walk network loses the paths inside it
 * (server/db/network.ts) and residents leave by its gates — or, with none mapped, wherever the
 * network meets its wall ("access assumed", placed after loading on the network the engine
 * routes on). A residential area with neither gates nor a wall is a neighbourhood with public
 * streets ("open"): its streets stay walkable.
 */
export function interiorsStep(ctx: ImportContext): void {
  const { data, mapping, proj } = ctx;
  const { wallWithinM, wallShare, wallBarriers } = mapping.gateRules;
  const walls: Array<[XY, XY]> = [];
  let wallWays = 0;
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    if (!wallBarriers.includes(way.tags.barrier ?? "")) continue;
    wallWays++;
    let prev: XY | undefined;
    for (const nid of way.nodes) {
      const n = data.nodes.get(nid);
      if (!n) {
        prev = undefined;
        continue;
      }
      const p = proj.xy([n.lon, n.lat]);
      if (prev) walls.push([prev, p]);
      prev = p;
    }
  }
  ctx.counts.wallWays = wallWays;
  const wallIndex = createBoxIndex(walls.map(([a, b]) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])] as const));
  // The tree is asked a metre wider (rounding at the box's edge), then the exact distance decides.
  const r = wallWithinM + 1;
  const nearWall = (x: number, y: number) =>
    wallIndex
      .search(x - r, y - r, x + r, y + r)
      .some((i) => nearestOnSegment(x, y, walls[i][0][0], walls[i][0][1], walls[i][1][0], walls[i][1][1]).d2 <= wallWithinM * wallWithinM);

  for (const c of ctx.compounds) {
    if (wallBarriers.includes(c.tags.barrier ?? "")) c.wallShare = 1;
    else if (wallWays > 0) {
      let samples = 0,
        covered = 0;
      for (const ring of c.xyRings) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const [ax, ay] = ring[i],
            [bx, by] = ring[i + 1];
          const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / SAMPLE_M));
          for (let k = 0; k < steps; k++) {
            const t = (k + 0.5) / steps;
            samples++;
            if (nearWall(ax + t * (bx - ax), ay + t * (by - ay))) covered++;
          }
        }
      }
      c.wallShare = samples ? covered / samples : 0;
    }
    const walled = c.wallShare >= wallShare;
    c.access = c.gates > 0 ? "gates" : walled || c.closedGates > 0 ? "assumed" : "open";
    ctx.count(`compoundAccess:${c.access}`);
    if (c.access === "open") {
      ctx.warn(
        "open-compound",
        c.osmId,
        `${what(c.name)}: no gate and no wall mapped; treated as an open neighbourhood whose streets stay public (residents reach the network anywhere inside or at its edge)`,
      );
    }
  }
}
