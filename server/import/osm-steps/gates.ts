import type { GateKind } from "../../schemas/items.js";
import type { Tags } from "../osm-types.js";
import { tagsMatch, type TagMapping } from "../osm-tags.js";
import { round7 } from "../osm-geom.js";
import { type Compound, type ImportContext, fmt, nameOf, r1, what } from "./context.js";

/** Whether a node is gate-like at all: a gate barrier of the mapping, or any entrance tag. */
export function isGateLike(tags: Tags, rules: TagMapping["gates"]): boolean {
  return (tags.barrier !== undefined && rules.barriers.includes(tags.barrier)) || tags.entrance !== undefined;
}

/**
 * Why a gate-like node is not a walking gate (one residents use every day), or null when it is.
 * The rows of `notWalking` in geodata/osm-tags.json first, then access: `access=no|private|…`
 * closes a gate to pedestrians unless `foot=yes|permissive|designated` opens it again.
 */
export function notWalkingGateReason(tags: Tags, rules: TagMapping["gates"]): string | null {
  for (const row of rules.notWalking) if (tagsMatch(tags, row.match)) return row.reason;
  const access = tags.access;
  if (access !== undefined && rules.accessNo.includes(access) && !(tags.foot !== undefined && rules.footYes.includes(tags.foot))) {
    return `access=${access}`;
  }
  return null;
}

/** main / pedestrian / vehicle, from the entrance and vehicle tags. */
export function gateKind(tags: Tags): GateKind {
  const no = (k: string) => tags[k] === "no" || tags[k] === "private";
  if (no("motor_vehicle") || no("motorcar") || no("vehicle") || tags.barrier === "entrance" || (tags.entrance !== undefined && tags.entrance !== "service")) {
    return tags.entrance === "main" ? "main" : "pedestrian";
  }
  if (tags.entrance === "service") return "vehicle";
  return "main";
}

const DIRECTIONS = ["东", "东北", "北", "西北", "西", "西南", "南", "东南"];
/** 东门 / 西北门 …: the side of the compound (from its centroid) a point lies on. */
export function directionName(from: readonly number[], to: readonly number[]): string {
  const a = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const i = ((Math.round(a / (Math.PI / 4)) % 8) + 8) % 8;
  return `${DIRECTIONS[i]}门`;
}

/**
 * Step "gates": gate-like nodes (`gates.barriers`, any `entrance=*`) near a compound's boundary.
 * A walking gate (see {@link notWalkingGateReason}) within `gateWithinM` of the nearest compound's
 * boundary belongs to it and is placed on the boundary. A node that is not a walking gate (a
 * gate-like node at any distance, or a vehicle barrier of a `notWalking` row such as a toll
 * booth within `reportWithinM`) is reported with its reason and where it lies; on a compound's
 * wall it still shows that the compound is walled in. Walking gates farther than `gateWithinM` (up to `reportWithinM`)
 * are reported with their distance and neither moved nor used: a gate 100 m away belongs to
 * something else (a campus, a school).
 */
export function gatesStep(ctx: ImportContext): void {
  const { data, mapping, count, warn, proj } = ctx;
  const { gateWithinM, reportWithinM } = mapping.gateRules;
  for (const id of ctx.taggedNodeIds) {
    const node = data.nodes.get(id)!;
    const gateLike = isGateLike(node.tags, mapping.gates);
    const reason = gateLike || node.tags.barrier !== undefined ? notWalkingGateReason(node.tags, mapping.gates) : null;
    if (!gateLike && !reason) continue;
    if (gateLike) count("gateNodes");
    const p = proj.xy([node.lon, node.lat]);
    let best: { c: Compound; d: number; point: [number, number] } | null = null;
    for (const c of ctx.compoundsNear(p, reportWithinM)) {
      const q = ctx.nearestOnBoundary(c, p);
      if (!best || q.d < best.d || (q.d === best.d && c.id < best.c.id)) best = { c, d: q.d, point: q.point };
    }
    if (best && best.d > reportWithinM) best = null;
    if (!gateLike && !best) continue; // a toll booth on a motorway is no compound's business
    const tag = node.tags.barrier ? `barrier=${node.tags.barrier}` : `entrance=${node.tags.entrance}`;
    const label = what(tag, nameOf(node.tags));
    if (reason) {
      count("gatesNotWalking");
      const near = best !== null && best.d <= gateWithinM;
      if (near && gateLike) best!.c.closedGates++;
      const where = !best
        ? `more than ${reportWithinM} m from every residential area`
        : near
          ? `on the wall of ${best.c.name}`
          : `${fmt(best.d)} from the boundary of ${best.c.name}`;
      const walled = near && gateLike ? " (the compound still counts as gated)" : "";
      warn("gate-not-walking", `node/${id}`, `${label}, ${where}: ${reason}, so not a walking gate${walled}`, best ? r1(best.d) : undefined);
      continue;
    }
    if (!best) {
      count("gatesAway");
      warn("gate-away", `node/${id}`, `${label} is more than ${reportWithinM} m from every residential area; not a compound gate`);
      continue;
    }
    if (best.d > gateWithinM) {
      count("gatesFar");
      warn(
        "gate-far",
        `node/${id}`,
        `${label} is ${fmt(best.d)} from the boundary of ${best.c.name}, farther than ${gateWithinM} m; not used as its gate (and not moved)`,
        r1(best.d),
      );
      continue;
    }
    count("gatesFromOsm");
    best.c.gates++;
    const gid = ctx.gates.length + 1;
    ctx.gates.push({
      type: "Feature",
      id: gid,
      properties: {
        id: gid,
        compoundId: best.c.id,
        name: nameOf(node.tags) ?? directionName(best.c.centroid, best.point),
        kind: gateKind(node.tags),
        source: "osm",
        osmId: `node/${id}`,
        osmLon: round7(node.lon),
        osmLat: round7(node.lat),
        boundaryDistanceM: r1(best.d),
      },
      geometry: { type: "Point", coordinates: ctx.toLonLat(best.point) },
    });
  }
  ctx.counts.gates = ctx.gates.length;
}
