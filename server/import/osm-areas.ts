/**
 * Areas from OSM: closed ways and multipolygon relations turned into valid GeoJSON polygons
 * (closed rings, exterior counter-clockwise, holes clockwise, coordinates rounded to 7 decimals),
 * with a list of what had to be dropped and why.
 */
import { type LonLat, type Projection, pointInPolygon, pointInRing, ringIsSimple, ringsTouch, round7, signedArea2 } from "./osm-geom.js";
import type { OsmData, OsmRelation } from "./osm-types.js";

/** [exterior, ...holes] */
export type PolygonCoords = LonLat[][];

export interface AreaProblem {
  kind: "incomplete-multipolygon" | "open-ring" | "degenerate-ring" | "invalid-ring" | "orphan-inner" | "overlapping-rings" | "missing-nodes";
  message: string;
}

export interface Area {
  polygons: PolygonCoords[];
  problems: AreaProblem[];
}

/** Smallest ring area kept, in m² (below it a ring is a sliver or a duplicate-node artefact). */
const MIN_AREA_M2 = 0.5;

/** Node ids → rounded positions; null if a node is missing from the data. */
function positions(ids: number[], data: OsmData): LonLat[] | null {
  const out: LonLat[] = [];
  for (const id of ids) {
    const n = data.nodes.get(id);
    if (!n) return null;
    const p: LonLat = [round7(n.lon), round7(n.lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/** Area in m² of a lon/lat ring, unsigned. */
export function ringAreaM2(ring: LonLat[], proj: Projection): number {
  return Math.abs(signedArea2(ring.map((p) => proj.xy(p)))) / 2;
}

type RingCheck = { ring: LonLat[] } | { problem: AreaProblem };

/** Close, check and orient one ring given as node ids. */
function checkRing(ids: number[], data: OsmData, proj: Projection, label: string, ccw: boolean): RingCheck {
  const pos = positions(ids, data);
  if (!pos) return { problem: { kind: "missing-nodes", message: `${label}: nodes missing from the extract` } };
  const first = pos[0],
    last = pos[pos.length - 1];
  if (pos.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) pos.push(first);
  if (pos.length < 4) return { problem: { kind: "degenerate-ring", message: `${label}: fewer than 3 distinct corners` } };
  if (!ringIsSimple(pos)) return { problem: { kind: "invalid-ring", message: `${label}: ring crosses or touches itself` } };
  if (ringAreaM2(pos, proj) < MIN_AREA_M2) return { problem: { kind: "degenerate-ring", message: `${label}: area below ${MIN_AREA_M2} m²` } };
  const isCcw = signedArea2(pos) > 0;
  return { ring: isCcw === ccw ? pos : pos.slice().reverse() };
}

/** A closed way as one polygon, or the reason it is not one. */
export function wayArea(wayId: number, data: OsmData, proj: Projection): Area {
  const way = data.ways.get(wayId);
  if (!way) return { polygons: [], problems: [{ kind: "missing-nodes", message: `way ${wayId} not in the extract` }] };
  const ids = way.nodes;
  if (ids.length < 2 || ids[0] !== ids[ids.length - 1]) {
    return { polygons: [], problems: [{ kind: "open-ring", message: `way ${wayId} is not closed` }] };
  }
  const r = checkRing(ids, data, proj, `way ${wayId}`, true);
  return "ring" in r ? { polygons: [[r.ring]], problems: [] } : { polygons: [], problems: [r.problem] };
}

/** Join node-id chains end to end into closed rings; what cannot be closed is returned as open. */
export function joinRings(chains: number[][]): { rings: number[][]; open: number[][] } {
  const pool = chains.filter((c) => c.length >= 2).map((c) => c.slice());
  const rings: number[][] = [];
  const open: number[][] = [];
  const closed = (c: number[]) => c.length >= 3 && c[0] === c[c.length - 1];
  while (pool.length > 0) {
    let cur = pool.shift()!;
    for (;;) {
      if (closed(cur)) {
        rings.push(cur);
        break;
      }
      const head = cur[0],
        tail = cur[cur.length - 1];
      let found = -1;
      for (let i = 0; i < pool.length && found < 0; i++) {
        const w = pool[i];
        const w0 = w[0],
          w1 = w[w.length - 1];
        if (w0 === tail) cur = cur.concat(w.slice(1));
        else if (w1 === tail) cur = cur.concat(w.slice(0, -1).reverse());
        else if (w1 === head) cur = w.concat(cur.slice(1));
        else if (w0 === head) cur = w.slice().reverse().concat(cur.slice(1));
        else continue;
        found = i;
      }
      if (found < 0) {
        open.push(cur);
        break;
      }
      pool.splice(found, 1);
    }
  }
  return { rings, open };
}

/**
 * A multipolygon relation assembled from the member ways present in the data. Missing members
 * are reported (incomplete-multipolygon) and the rings that still close are kept.
 */
export function relationArea(relId: number, rel: OsmRelation, data: OsmData, proj: Projection): Area {
  const problems: AreaProblem[] = [];
  const outerChains: number[][] = [];
  const innerChains: number[][] = [];
  let missing = 0,
    wayMembers = 0;
  for (const m of rel.members) {
    if (m.type !== "way") continue;
    wayMembers++;
    const w = data.ways.get(m.ref);
    if (!w || w.nodes.some((id) => !data.nodes.has(id))) {
      missing++;
      continue;
    }
    (m.role === "inner" ? innerChains : outerChains).push(w.nodes);
  }
  if (missing > 0) {
    problems.push({
      kind: "incomplete-multipolygon",
      message: `${missing} of ${wayMembers} member ways missing or cut by the extract edge; assembled the rest`,
    });
  }
  const label = `relation ${relId}`;
  const outerJoin = joinRings(outerChains);
  const innerJoin = joinRings(innerChains);
  const openCount = outerJoin.open.length + innerJoin.open.length;
  if (openCount > 0) {
    problems.push({ kind: "open-ring", message: `${label}: ${openCount} chain(s) of member ways do not close into rings; dropped` });
  }
  const outers: LonLat[][] = [];
  for (const ids of outerJoin.rings) {
    const r = checkRing(ids, data, proj, `${label} outer ring`, true);
    if ("ring" in r) outers.push(r.ring);
    else problems.push(r.problem);
  }
  // Outer rings must not overlap or nest (a valid MultiPolygon): keep the larger of a clashing pair.
  outers.sort((a, b) => ringAreaM2(b, proj) - ringAreaM2(a, proj));
  const kept: LonLat[][] = [];
  for (const o of outers) {
    if (kept.some((k) => ringsTouch(k, o) || pointInRing(o[0][0], o[0][1], k) || pointInRing(k[0][0], k[0][1], o))) {
      problems.push({ kind: "overlapping-rings", message: `${label}: an outer ring overlaps a larger one; dropped` });
    } else kept.push(o);
  }
  const polygons: PolygonCoords[] = kept.map((o) => [o]);
  for (const ids of innerJoin.rings) {
    const r = checkRing(ids, data, proj, `${label} inner ring`, false);
    if (!("ring" in r)) {
      problems.push(r.problem);
      continue;
    }
    const hole = r.ring;
    const owner = polygons.find((poly) => pointInRing(hole[0][0], hole[0][1], poly[0]));
    if (!owner) {
      problems.push({ kind: "orphan-inner", message: `${label}: an inner ring lies in no outer ring; dropped` });
    } else if (owner.some((ring) => ringsTouch(ring, hole))) {
      problems.push({ kind: "overlapping-rings", message: `${label}: an inner ring touches its outer ring or another hole; dropped` });
    } else {
      owner.push(hole);
    }
  }
  return { polygons, problems };
}

/** Point-in-polygon over a list of polygons (lon/lat). */
export function inPolygons(lon: number, lat: number, polygons: PolygonCoords[]): boolean {
  return polygons.some((poly) => pointInPolygon(lon, lat, poly));
}
