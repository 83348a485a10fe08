/**
 * Walk network and basemap streets from the plan's walkable uv lines.
 *
 * Every crossing or touching of two lines is a junction (one node shared by both). Lines are
 * sampled every ~50 m for shape (bends come from the warp, plus a small wobble on street and alley
 * vertices), then every straight piece is split again into ~10 m edges, like a raw OSM walk graph.
 */
import { UnionFind } from "../../web/src/analysis/union-find.js";
import { hashNoise, type Rng } from "./rng.js";
import type { Plan, UvLine } from "./layout.js";
import type { StreetClass } from "./types.js";
import { NamePool, composeAlley, zhNumber } from "./names.js";

/** Target walk edge length (m); pieces are split into ceil(length / STEP) equal edges. */
const STEP = 10.5;
const SHAPE_STEP = 48;

export interface StreetPiece {
  name: string | null;
  cls: StreetClass;
  bridge: boolean;
  xy: Array<[number, number]>;
}

export interface Network {
  /** Node coordinates in local metres; node id = index + 1. */
  nodeX: number[];
  nodeY: number[];
  /** [source, target] node ids and class per edge; edge id = index + 1. */
  edgeS: number[];
  edgeT: number[];
  edgeCls: StreetClass[];
  /** Edge is part of a bridge. */
  edgeBridge: boolean[];
  streets: StreetPiece[];
  /** Component sizes (nodes), largest first. */
  components: number[];
  deadEnds: number;
  alleyCount: number;
  deadEndAlleys: number;
}

interface Junction {
  p: number;
  other: UvLine;
}

/** Find all h×v crossings; touching ends count. Fills each line's junction list. */
function junctions(lines: UvLine[]): Map<UvLine, Junction[]> {
  const out = new Map<UvLine, Junction[]>();
  for (const l of lines) out.set(l, []);
  const verts = lines.filter((l) => l.orient === "v").sort((a, b) => a.c - b.c);
  const cs = verts.map((l) => l.c);
  const lower = (x: number) => {
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (cs[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  for (const h of lines) {
    if (h.orient !== "h") continue;
    for (let k = lower(h.a); k < verts.length && verts[k].c <= h.b; k++) {
      const v = verts[k];
      if (h.c >= v.a && h.c <= v.b) {
        out.get(h)!.push({ p: v.c, other: v });
        out.get(v)!.push({ p: h.c, other: h });
      }
    }
  }
  return out;
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one graph build: nodes, edges and street pieces are filled together, line by line
export function buildNetwork(plan: Plan, rng: Rng): Network {
  const lines = plan.lines;
  const J = junctions(lines);

  // Name alleys after the street they open onto (交通路三巷), else an old alley name.
  const alleyNames = new NamePool(rng.fork("alleys"));
  const perStreet = new Map<string, Array<{ line: UvLine; pos: number }>>();
  const loose: UvLine[] = [];
  for (const l of lines) {
    if (l.kind !== "alley") continue;
    const ends = (J.get(l) ?? []).filter((j) => (j.p === l.a || j.p === l.b) && j.other.kind === "street" && j.other.name);
    if (ends.length === 0) {
      loose.push(l);
      continue;
    }
    const s = ends[0].other;
    const key = s.name!;
    if (!perStreet.has(key)) perStreet.set(key, []);
    perStreet.get(key)!.push({ line: l, pos: l.c });
  }
  for (const [street, list] of [...perStreet.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    list.sort((a, b) => a.pos - b.pos);
    list.forEach((e, k) => {
      e.line.name = alleyNames.take(`${street}${zhNumber(k + 1)}巷`);
    });
  }
  for (const l of loose) l.name = alleyNames.next([], composeAlley);

  const nodeX: number[] = [];
  const nodeY: number[] = [];
  const nodeKey = new Map<string, number>();
  const node = (x: number, y: number, shared: boolean): number => {
    if (shared) {
      const k = `${x},${y}`;
      const id = nodeKey.get(k);
      if (id !== undefined) return id;
      nodeX.push(x);
      nodeY.push(y);
      nodeKey.set(k, nodeX.length);
      return nodeX.length;
    }
    nodeX.push(x);
    nodeY.push(y);
    return nodeX.length;
  };
  const edgeS: number[] = [];
  const edgeT: number[] = [];
  const edgeCls: StreetClass[] = [];
  const edgeBridge: boolean[] = [];
  const streets: StreetPiece[] = [];
  const warp = plan.warp;
  let alleyCount = 0;
  let deadEndAlleys = 0;

  for (const l of lines) {
    const js = J.get(l)!;
    const jp = [...new Set([l.a, l.b, ...js.map((j) => j.p)])].sort((a, b) => a - b);
    if (l.kind === "alley") {
      alleyCount++;
      const endA = js.some((j) => j.p === l.a);
      const endB = js.some((j) => j.p === l.b);
      if (!endA || !endB) deadEndAlleys++;
    }
    // shape params between junctions
    const params: Array<{ p: number; junction: boolean }> = [];
    for (let k = 0; k < jp.length; k++) {
      params.push({ p: jp[k], junction: true });
      if (k + 1 < jp.length) {
        const a = jp[k];
        const b = jp[k + 1];
        const n = Math.floor((b - a) / SHAPE_STEP);
        for (let q = 1; q <= n; q++) {
          const p = a + ((b - a) * q) / (n + 1);
          if (p - a > 4 && b - p > 4) params.push({ p, junction: false });
        }
      }
    }
    const pts: Array<{ x: number; y: number; p: number; junction: boolean }> = params.map(({ p, junction }) => {
      const [x, y] = l.orient === "v" ? warp.map(l.c, p) : warp.map(p, l.c);
      if (junction || !l.jitter) return { x, y, p, junction };
      // wobble across the line (±0.5 m): raw survey-like polylines
      const o = 0.5 * hashNoise(`${l.id}:${p.toFixed(2)}`);
      return l.orient === "v" ? { x: x + o, y, p, junction } : { x, y: y + o, p, junction };
    });
    // street pieces split at bridge ends
    const br = l.bridge;
    const isBridge = (p0: number, p1: number) => br !== null && p0 >= br[0] && p1 <= br[1];
    let cur: StreetPiece | null = null;
    for (let k = 0; k + 1 < pts.length; k++) {
      const b = isBridge(pts[k].p, pts[k + 1].p);
      if (!cur || cur.bridge !== b) {
        cur = { name: l.name, cls: l.cls, bridge: b, xy: [[pts[k].x, pts[k].y]] };
        streets.push(cur);
      }
      cur.xy.push([pts[k + 1].x, pts[k + 1].y]);
    }
    // walk edges
    let prev = node(pts[0].x, pts[0].y, true);
    for (let k = 0; k + 1 < pts.length; k++) {
      const A = pts[k];
      const B = pts[k + 1];
      const len = Math.hypot(B.x - A.x, B.y - A.y);
      const n = Math.max(1, Math.ceil(len / STEP));
      const b = isBridge(A.p, B.p);
      for (let q = 1; q <= n; q++) {
        const last = q === n;
        const id = last ? node(B.x, B.y, true) : node(A.x + ((B.x - A.x) * q) / n, A.y + ((B.y - A.y) * q) / n, false);
        edgeS.push(prev);
        edgeT.push(id);
        edgeCls.push(l.cls);
        edgeBridge.push(b);
        prev = id;
      }
    }
  }

  // sanity: no duplicate or zero-length edges
  const seen = new Set<string>();
  for (let e = 0; e < edgeS.length; e++) {
    const a = Math.min(edgeS[e], edgeT[e]);
    const b = Math.max(edgeS[e], edgeT[e]);
    if (a === b) throw new Error(`zero-length walk edge ${e + 1}`);
    const k = `${a}-${b}`;
    if (seen.has(k)) throw new Error(`duplicate walk edge ${e + 1}`);
    seen.add(k);
  }

  // components
  const sets = new UnionFind();
  for (let e = 0; e < edgeS.length; e++) sets.union(edgeS[e], edgeT[e]);
  const sizes = new Map<number, number>();
  for (let i = 1; i <= nodeX.length; i++) {
    const r = sets.find(i);
    sizes.set(r, (sizes.get(r) ?? 0) + 1);
  }
  const degree = new Int32Array(nodeX.length + 1);
  for (let e = 0; e < edgeS.length; e++) {
    degree[edgeS[e]]++;
    degree[edgeT[e]]++;
  }
  let deadEnds = 0;
  for (let i = 1; i <= nodeX.length; i++) if (degree[i] === 1) deadEnds++;

  return {
    nodeX,
    nodeY,
    edgeS,
    edgeT,
    edgeCls,
    edgeBridge,
    streets,
    components: [...sizes.values()].sort((a, b) => b - a),
    deadEnds,
    alleyCount,
    deadEndAlleys,
  };
}
