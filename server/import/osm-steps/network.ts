import { createBoxIndex } from "../../../web/src/analysis/spatial-index.js";
import { type LonLat, type XY, nearestOnSegment } from "../osm-geom.js";
import { buildWalkNetwork, type WalkWay } from "../osm-network.js";
import { notWalkableReason } from "../osm-tags.js";
import { type ImportContext, nameOf, what } from "./context.js";

/**
 * Step "network": highway ways become streets (one LineString per run of nodes present in the
 * file) and, when walkable (geodata/osm-tags.json → walk), the walk network, split at every vertex.
 * Every component but the largest is reported later (by the areas step, which knows the compounds).
 */
export function networkStep(ctx: ImportContext): void {
  const { data, mapping, count, warn, posOf } = ctx;
  const walkWays: WalkWay[] = [];
  for (const id of ctx.wayIds) {
    const way = data.ways.get(id)!;
    const hw = way.tags.highway;
    if (!hw) continue;
    count("highwayWays");
    const cls = mapping.streetClasses[hw];
    if (!cls) {
      count(`unmapped:highway=${hw}`);
      continue;
    }
    const reason = notWalkableReason(way.tags, mapping.walk);
    if (!reason) walkWays.push({ id, nodes: way.nodes, cls });
    else count(`walkExcluded:${reason}`);
    if (reason?.endsWith("without sidewalk")) {
      warn(
        "trunk-not-walkable",
        `way/${id}`,
        `${what(`highway=${hw}`, nameOf(way.tags))} has no sidewalk (or foot=yes) tag; left out of the walk network (walk.highways in osm-tags.json decides)`,
      );
    }
    // Runs of nodes present in the file (a way reaching past the extract is cut to what is here).
    const runs: LonLat[][] = [[]];
    let missing = 0;
    for (const nid of way.nodes) {
      const p = posOf(nid);
      const run = runs[runs.length - 1];
      if (!p) {
        missing++;
        if (run.length > 0) runs.push([]);
        continue;
      }
      const last = run[run.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) run.push(p);
    }
    if (missing > 0) {
      count("clippedWays");
      const kept = way.nodes.length - missing;
      warn(
        "clipped",
        `way/${id}`,
        `${what(`highway=${hw}`, nameOf(way.tags))} reaches past the extract: ${missing} of ${way.nodes.length} nodes missing, kept the ${kept} present`,
        missing,
      );
    }
    const name = nameOf(way.tags);
    const bridge = way.tags.bridge !== undefined && way.tags.bridge !== "no";
    for (const run of runs) {
      if (run.length < 2) continue;
      const sid = ctx.streets.length + 1;
      ctx.streets.push({
        type: "Feature",
        id: sid,
        properties: { id: sid, name, class: cls, bridge, walkable: !reason, osmId: `way/${id}` },
        geometry: { type: "LineString", coordinates: run },
      });
    }
  }
  ctx.counts.streets = ctx.streets.length;

  const net = buildWalkNetwork(walkWays, posOf);
  ctx.net = net;
  Object.assign(ctx.counts, {
    walkNodes: net.nodes.length,
    walkEdges: net.edges.length,
    walkLengthM: Math.round(net.edgeLengthM.reduce((s, v) => s + v, 0)),
    walkComponents: net.components.length,
    walkLargestComponentNodes: net.components[0]?.nodes ?? 0,
    walkDuplicateEdges: net.duplicateEdges,
    walkZeroLengthEdges: net.zeroLengthEdges,
    walkMergedNodes: net.mergedNodes,
  });

  for (const [id, lon, lat] of net.nodes) ctx.nodeXY.set(id, ctx.proj.xy([lon, lat]));
  const edgeIndex = createBoxIndex(
    net.edges.map(([, a, b]) => {
      const pa = ctx.nodeXY.get(a)!,
        pb = ctx.nodeXY.get(b)!;
      return [Math.min(pa[0], pb[0]), Math.min(pa[1], pb[1]), Math.max(pa[0], pb[0]), Math.max(pa[1], pb[1])] as const;
    }),
  );
  ctx.nearestEdge = (p: XY, limit: number, mainOnly = false) => {
    let best = { d: Infinity, edge: -1 };
    for (let r = Math.min(100, limit); ; r = Math.min(r * 2, limit)) {
      // A metre wider than r, so rounding at the box edge cannot hide an edge within r.
      for (const i of edgeIndex.search(p[0] - r - 1, p[1] - r - 1, p[0] + r + 1, p[1] + r + 1)) {
        const [, a, b] = net.edges[i];
        if (mainOnly && net.componentOf.get(a) !== 0) continue;
        const pa = ctx.nodeXY.get(a)!,
          pb = ctx.nodeXY.get(b)!;
        const d = Math.sqrt(nearestOnSegment(p[0], p[1], pa[0], pa[1], pb[0], pb[1]).d2);
        if (d < best.d || (d === best.d && i < best.edge)) best = { d, edge: i };
      }
      if (best.d <= r || r >= limit) return best.d <= limit ? best : { d: Infinity, edge: -1 };
    }
  };
}
