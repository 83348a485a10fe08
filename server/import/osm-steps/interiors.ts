import { GridIndex, type XY, nearestOnSegment } from "../osm-geom.js";
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
  const walls = new GridIndex<[XY, XY]>(100);
  let wallWays = 0;
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    if (!wallBarriers.includes(way.tags.barrier ?? "")) continue;
    wallWays++;
    let prev: XY | undefined;
    for (const nid of way.nodes) {
      const n = data.nodes.get(nid);
      if (!n) { prev = undefined; continue; }
      const p = proj.xy([n.lon, n.lat]);
      if (prev) walls.insert([prev, p], Math.min(prev[0], p[0]), Math.min(prev[1], p[1]), Math.max(prev[0], p[0]), Math.max(prev[1], p[1]));
      prev = p;
    }
  }
  ctx.counts.wallWays = wallWays;
  const nearWall = (x: number, y: number) => walls.query(x - wallWithinM, y - wallWithinM, x + wallWithinM, y + wallWithinM)
    .some(([a, b]) => nearestOnSegment(x, y, a[0], a[1], b[0], b[1]).d2 <= wallWithinM * wallWithinM);

  for (const c of ctx.compounds) {
    if (wallBarriers.includes(c.tags.barrier ?? "")) c.wallShare = 1;
    else if (wallWays > 0) {
      let samples = 0, covered = 0;
      for (const ring of c.xyRings) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const [ax, ay] = ring[i], [bx, by] = ring[i + 1];
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
      ctx.warn("open-compound", c.osmId, `${what(c.name)}: no gate and no wall mapped; treated as an open neighbourhood whose streets stay public (residents reach the network anywhere inside or at its edge)`);
    }
  }
}
