/**
 * The plan of the city in uv space (see warp.ts): the jittered lattice of arterials and branch
 * roads, the river corridor and its bridges, communities and subdistricts (rectangles of lattice
 * cells), blocks (cells, some merged by dropping a branch segment), parks, and the binary space
 * partition of each block into parcels separated by alleys (巷, walkable) or walls.
 */
import type { Rng } from "./rng.js";
import type { StreetClass } from "./types.js";
import { Warp, type LineOffset, type Wave } from "./warp.js";
import {
  ARTERIAL_NAMES,
  BRANCH_NAMES,
  COMMUNITY_NAMES,
  NamePool,
  SUBDISTRICT_NAMES,
  composeCommunity,
  composeRoad,
  composeSubdistrict,
  zhNumber,
} from "./names.js";

/** Metres. Setbacks are from a street centreline to the parcel edge (in uv). */
export const SETBACK = { arterial: 25, branch: 12, bank: 16 } as const;
export const ALLEY_HALF = 6.6;
export const WALL_HALF = 0.25;
/** Sidewalks (人行道, footway) run this far either side of arterial centrelines. */
export const SIDEWALK_OFFSET = 14;
export const RIVER_CORRIDOR = 195;
const MIN_PARCEL = 58;

export type LineClass = "arterial" | "branch";

/** An axis-parallel walkable line in uv: v-oriented lines have u = c, v ∈ [a, b]. */
export interface UvLine {
  id: number;
  orient: "h" | "v";
  c: number;
  a: number;
  b: number;
  cls: StreetClass;
  kind: "street" | "alley" | "sidewalk" | "footway";
  name: string | null;
  /** Sub-range of [a, b] carried by a bridge. */
  bridge: [number, number] | null;
  /** Small random wobble on shape vertices (streets and alleys only). */
  jitter: boolean;
}

export interface Side {
  kind: "street" | "alley" | "wall";
  /** Centreline (street, alley) or wall coordinate. */
  c: number;
  inset: number;
  cls: StreetClass | null;
  name: string | null;
  /** The walkable alley line (alleys only). */
  line: UvLine | null;
}

export interface Rect {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
}

export interface Cell {
  i: number;
  j: number;
}

export interface Block extends Rect {
  id: number;
  cells: Cell[];
  community: number;
  /** 1 = old town core (老城区), 0 = newer periphery. */
  oldness: number;
  park: boolean;
  S: Side;
  N: Side;
  W: Side;
  E: Side;
}

export interface Parcel {
  id: number;
  block: Block;
  /** Bounded by the centrelines / walls around it. */
  outer: Rect;
  /** The parcel itself (outer minus insets). */
  inner: Rect;
  S: Side;
  N: Side;
  W: Side;
  E: Side;
}

export interface Community {
  id: number;
  name: string;
  subdistrict: number;
  cells: Rect;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}
export interface Subdistrict {
  id: number;
  name: string;
  code: string;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

export interface Park {
  block: Block;
  pond: { cu: number; cv: number; ru: number; rv: number };
  island: { cu: number; cv: number; ru: number; rv: number } | null;
  name: string;
}

export interface Plan {
  side: number;
  U: number[];
  V: number[];
  vCls: LineClass[];
  hCls: LineClass[];
  vName: string[];
  hName: string[];
  /** River corridor between V[jr] and V[jr + 1]. */
  jr: number;
  bridges: number[];
  warp: Warp;
  /** River banks in uv (v of the south and north water's edge at u). */
  riverSouth: (u: number) => number;
  riverNorth: (u: number) => number;
  communities: Community[];
  subdistricts: Subdistrict[];
  /** community id per cell [i][j]; -1 never. */
  cellCommunity: number[][];
  blocks: Block[];
  parcels: Parcel[];
  parks: Park[];
  lines: UvLine[];
  droppedSegments: number;
}

function positions(rng: Rng, total: number, start: number, lo: number, hi: number): number[] {
  const n = Math.max(2, Math.round(total / ((lo + hi) / 2)));
  const s: number[] = [];
  for (let k = 0; k < n; k++) s.push(rng.float(lo, hi));
  const sum = s.reduce((a, b) => a + b, 0);
  const out = [start];
  let acc = start;
  for (let k = 0; k < n; k++) {
    acc += (s[k] * total) / sum;
    out.push(k === n - 1 ? start + total : acc);
  }
  return out;
}

/** Split n items into contiguous groups of about `target` (each between min and max when possible). */
function partition(rng: Rng, n: number, target: number): number[] {
  if (n <= 0) return [];
  const k = Math.max(1, Math.round(n / target));
  const sizes = new Array<number>(k).fill(Math.floor(n / k));
  let rest = n - sizes[0] * k;
  const order = rng.shuffle([...Array(k).keys()]);
  for (const idx of order) {
    if (rest <= 0) break;
    sizes[idx]++;
    rest--;
  }
  return sizes;
}

function waves(rng: Rng, spec: Array<[number, number, number, number]>): Wave[] {
  return spec.map(([a0, a1, l0, l1]) => ({ amp: rng.float(a0, a1), k: (2 * Math.PI) / rng.float(l0, l1), phase: rng.float(0, 2 * Math.PI) }));
}

function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

/** Build the whole plan for a district of side `side` metres centred on the origin. */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one plan algorithm: lattice, warp, river, communities, blocks and parcels build on each other's arrays
export function buildPlan(rng: Rng, scale: number): Plan {
  const side = 4000 * Math.sqrt(scale);
  const half = side / 2;
  const r = rng.fork("lattice");

  // Lattice lines: branch roads ~350–420 m apart, every 2nd or 3rd one an arterial.
  const U = positions(r, side, -half, 340, 420);
  const nu = U.length - 1;
  // Horizontal lines with the river corridor (a narrow row) near the middle.
  const nRows = Math.max(3, Math.round((side - RIVER_CORRIDOR) / 380) + 1);
  const target = r.float(-0.08, 0.05) * side;
  const sp: number[] = [];
  for (let k = 0; k < nRows; k++) sp.push(r.float(340, 420));
  let jr = 1;
  {
    // choose the corridor row whose midpoint is closest to `target`
    const sumOthers = (skip: number) => sp.reduce((a, b, k) => (k === skip ? a : a + b), 0);
    let best = Infinity;
    for (let k = 1; k < nRows - 1; k++) {
      const f = (side - RIVER_CORRIDOR) / sumOthers(k);
      let y = -half;
      for (let q = 0; q < k; q++) y += sp[q] * f;
      const mid = y + RIVER_CORRIDOR / 2;
      if (Math.abs(mid - target) < best) {
        best = Math.abs(mid - target);
        jr = k;
      }
    }
  }
  const V = [-half];
  {
    const f = (side - RIVER_CORRIDOR) / sp.reduce((a, b, k) => (k === jr ? a : a + b), 0);
    let y = -half;
    for (let k = 0; k < nRows; k++) {
      y += k === jr ? RIVER_CORRIDOR : sp[k] * f;
      V.push(k === nRows - 1 ? half : y);
    }
  }
  const nv = V.length - 1;

  const vCls: LineClass[] = U.map(() => "branch");
  vCls[0] = "arterial";
  vCls[nu] = "arterial";
  for (let k = r.int(2, 3); k < nu - 1; k += r.int(2, 3)) vCls[k] = "arterial";
  const hCls: LineClass[] = V.map(() => "branch");
  hCls[0] = "arterial";
  hCls[nv] = "arterial";
  for (let k = r.int(2, 3); k < jr - 1; k += r.int(2, 3)) hCls[k] = "arterial";
  for (let k = nv - r.int(2, 3); k > jr + 2; k -= r.int(2, 3)) hCls[k] = "arterial";

  // Names: the best-known roads first (these are the ones the seeds mention).
  const names = new NamePool(rng.fork("street-names"));
  const art = [...ARTERIAL_NAMES.slice(0, 8)];
  r.shuffle(art);
  const artNames = [...art, ...ARTERIAL_NAMES.slice(8)];
  const brNames = r.shuffle([...BRANCH_NAMES]);
  const nameFor = (cls: LineClass) =>
    cls === "arterial" ? names.next(artNames, (g, a) => composeRoad(g, a, true)) : names.next(brNames, (g, a) => composeRoad(g, a, false));
  // interleave vertical and horizontal so both directions get famous names
  const vName: string[] = new Array(U.length).fill("");
  const hName: string[] = new Array(V.length).fill("");
  hName[jr] = names.take("滨河南路");
  hName[jr + 1] = names.take("滨河北路");
  const order: Array<["v" | "h", number]> = [];
  for (let k = 0; k < Math.max(U.length, V.length); k++) {
    if (k < U.length) order.push(["v", k]);
    const hk = V.length - 1 - k;
    if (k < V.length && hk !== jr && hk !== jr + 1) order.push(["h", hk]);
  }
  // arterials first, then branches, so the short famous list goes to arterials
  for (const pass of ["arterial", "branch"] as const) {
    for (const [o, k] of order) {
      if (o === "v" && vCls[k] === pass && !vName[k]) vName[k] = nameFor(pass);
      if (o === "h" && hCls[k] === pass && !hName[k]) hName[k] = nameFor(pass);
    }
  }

  // Warp: per-line offsets; lines near the river follow its meander.
  const w = rng.fork("warp");
  const riverWaves = waves(w, [
    [70, 90, 2500, 3100],
    [22, 32, 1000, 1300],
  ]);
  const gx: LineOffset[] = U.map(() => ({
    base: w.float(-6, 6),
    waves: waves(w, [
      [10, 24, 1800, 3200],
      [2, 7, 500, 1000],
    ]),
    knots: V,
    values: V.map(() => w.float(-16, 16)),
    riverWeight: 0,
  }));
  const vMid = (V[jr] + V[jr + 1]) / 2;
  const gy: LineOffset[] = V.map((vj, j) => {
    if (j === jr || j === jr + 1) return { base: 0, waves: [], knots: U, values: U.map(() => 0), riverWeight: 1 };
    const d = Math.abs(vj - vMid) - RIVER_CORRIDOR / 2;
    return {
      base: w.float(-6, 6),
      waves: waves(w, [
        [10, 24, 1800, 3200],
        [2, 7, 500, 1000],
      ]),
      knots: U,
      values: U.map(() => w.float(-16, 16)),
      riverWeight: 1 - smoothstep(d / 1400),
    };
  });
  const warp = new Warp(U, V, gx, gy, riverWaves);

  // River banks inside the corridor (uv): 36–54 m of green bank on each side.
  const rb = rng.fork("river");
  const ws = waves(rb, [
    [4, 7, 600, 900],
    [2, 3, 250, 380],
  ]);
  const wn = waves(rb, [
    [4, 7, 600, 900],
    [2, 3, 250, 380],
  ]);
  const wave = (ww: Wave[], u: number) => ww.reduce((s, q) => s + q.amp * Math.sin(q.k * u + q.phase), 0);
  const riverSouth = (u: number) => V[jr] + 45 + wave(ws, u);
  const riverNorth = (u: number) => V[jr + 1] - 45 - wave(wn, u);

  // Bridges: about one per 1.3 km of river, at least three; arterials preferred.
  const nBridges = Math.max(3, Math.round((side * 1.05) / 1300));
  const bridges: number[] = [];
  for (let k = 0; k < nBridges; k++) {
    const tu = -half + ((k + 0.5) * side) / nBridges;
    let best = -1;
    let bestScore = Infinity;
    for (let i = 1; i < nu; i++) {
      if (bridges.includes(i)) continue;
      const score = Math.abs(U[i] - tu) - (vCls[i] === "arterial" ? 260 : 0);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best >= 0) bridges.push(best);
  }
  bridges.sort((a, b) => a - b);

  // Communities: rectangles of cells; the river row joins the community row south of it.
  const g = rng.fork("communities");
  const colSizes = partition(g, nu, 2.7);
  const southSizes = partition(g, jr + 1, 2.8);
  const northSizes = partition(g, nv - jr - 1, 2.8);
  const bounds = (sizes: number[], start: number) => {
    const out: Array<[number, number]> = [];
    let k = start;
    for (const s of sizes) {
      out.push([k, k + s]);
      k += s;
    }
    return out;
  };
  const colGroups = bounds(colSizes, 0);
  const southRows = bounds(southSizes, 0);
  const northRows = bounds(northSizes, jr + 1);
  const colSuper = bounds(partition(g, colGroups.length, 2), 0);
  const southSuper = bounds(partition(g, southRows.length, 2), 0);
  const northSuper = bounds(partition(g, northRows.length, 2), 0);
  const rowGroups = [...southRows, ...northRows];
  const rowSuper = [...southSuper, ...northSuper.map(([a, b]) => [a + southRows.length, b + southRows.length] as [number, number])];

  const sdNames = new NamePool(g.fork("sd"));
  const cmNames = new NamePool(g.fork("cm"));
  const cmPreferred = g.shuffle(COMMUNITY_NAMES.slice(0, 20)).concat(COMMUNITY_NAMES.slice(20));
  const subdistricts: Subdistrict[] = [];
  const communities: Community[] = [];
  const cellCommunity: number[][] = U.slice(0, nu).map(() => new Array<number>(nv).fill(-1));
  // north first, west to east (ids read like a map)
  const rowSuperOrder = [...rowSuper.keys()].reverse();
  for (const rs of rowSuperOrder) {
    for (let cs = 0; cs < colSuper.length; cs++) {
      const sdId = subdistricts.length + 1;
      const [ca, cb] = colSuper[cs];
      const [ra, rbb] = rowSuper[rs];
      subdistricts.push({
        id: sdId,
        name: sdNames.next(SUBDISTRICT_NAMES, composeSubdistrict),
        code: `411602${String(sdId).padStart(3, "0")}`,
        i0: colGroups[ca][0],
        i1: colGroups[cb - 1][1],
        j0: rowGroups[ra][0],
        j1: rowGroups[rbb - 1][1],
      });
      for (let rg = rbb - 1; rg >= ra; rg--) {
        for (let cg = ca; cg < cb; cg++) {
          const [i0, i1] = colGroups[cg];
          const [j0, j1] = rowGroups[rg];
          const id = communities.length + 1;
          communities.push({
            id,
            name: cmNames.next(cmPreferred, composeCommunity),
            subdistrict: sdId,
            cells: { u0: U[i0], u1: U[i1], v0: V[j0], v1: V[j1] },
            i0,
            i1,
            j0,
            j1,
          });
          for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) cellCommunity[i][j] = id;
        }
      }
    }
  }

  // Drop some branch segments inside communities: bigger blocks and T-junctions.
  const d = rng.fork("drops");
  const droppedV: boolean[][] = U.map(() => new Array<boolean>(nv).fill(false));
  const droppedH: boolean[][] = V.map(() => new Array<boolean>(nu).fill(false));
  const nodeHit = new Set<string>();
  const cellMerged = new Set<string>();
  const cands: Array<["v" | "h", number, number]> = [];
  for (let i = 1; i < nu; i++) if (vCls[i] === "branch") for (let j = 0; j < nv; j++) cands.push(["v", i, j]);
  for (let j = 1; j < nv; j++) if (hCls[j] === "branch" && j !== jr && j !== jr + 1) for (let i = 0; i < nu; i++) cands.push(["h", j, i]);
  d.shuffle(cands);
  let droppedSegments = 0;
  for (const [o, line, seg] of cands) {
    if (!d.chance(0.14)) continue;
    const cellsPair: Cell[] =
      o === "v"
        ? [
            { i: line - 1, j: seg },
            { i: line, j: seg },
          ]
        : [
            { i: seg, j: line - 1 },
            { i: seg, j: line },
          ];
    if (cellsPair.some((c) => c.j === jr || cellMerged.has(`${c.i},${c.j}`))) continue;
    if (cellCommunity[cellsPair[0].i][cellsPair[0].j] !== cellCommunity[cellsPair[1].i][cellsPair[1].j]) continue;
    const nodes = o === "v" ? [`${line},${seg}`, `${line},${seg + 1}`] : [`${seg},${line}`, `${seg + 1},${line}`];
    if (nodes.some((n) => nodeHit.has(n))) continue;
    for (const n of nodes) nodeHit.add(n);
    for (const c of cellsPair) cellMerged.add(`${c.i},${c.j}`);
    if (o === "v") droppedV[line][seg] = true;
    else droppedH[line][seg] = true;
    droppedSegments++;
  }

  // Blocks.
  const oldCentre = { u: side * rng.fork("old").float(-0.08, 0.08), v: vMid - 250 };
  const noise = waves(rng.fork("oldness"), [
    [0.12, 0.2, 1500, 2600],
    [0.06, 0.12, 700, 1200],
  ]);
  const oldness = (u: number, v: number) => {
    const dist = Math.hypot(u - oldCentre.u, (v - oldCentre.v) * 1.15);
    let o = Math.exp(-((dist / (0.42 * side + 400)) ** 2));
    o += noise.reduce((s, q, k) => s + q.amp * Math.sin(q.k * (k % 2 ? u : v) + q.phase), 0);
    return Math.min(1, Math.max(0, o));
  };
  const sb = rng.fork("setbacks");
  // setbacks are in metres on the ground: divide by the warp's local scale across the street
  const streetSide = (cls: LineClass, name: string, orient: "h" | "v", c: number, a: number, b: number, bank: boolean): Side => ({
    kind: "street",
    c,
    cls,
    name,
    line: null,
    inset:
      (bank ? SETBACK.bank + sb.float(0, 3) : cls === "arterial" ? SETBACK.arterial + sb.float(0, 4) : SETBACK.branch + sb.float(0, 2.5)) /
      perpScale(warp, orient, c, a, b),
  });
  const blocks: Block[] = [];
  const seen = new Set<string>();
  for (let j = 0; j < nv; j++) {
    if (j === jr) continue;
    for (let i = 0; i < nu; i++) {
      if (seen.has(`${i},${j}`)) continue;
      const cells: Cell[] = [{ i, j }];
      if (i + 1 < nu && droppedV[i + 1][j]) cells.push({ i: i + 1, j });
      else if (j + 1 < nv && droppedH[j + 1][i]) cells.push({ i, j: j + 1 });
      for (const c of cells) seen.add(`${c.i},${c.j}`);
      const i0 = Math.min(...cells.map((c) => c.i));
      const i1 = Math.max(...cells.map((c) => c.i)) + 1;
      const j0 = Math.min(...cells.map((c) => c.j));
      const j1 = Math.max(...cells.map((c) => c.j)) + 1;
      const b: Block = {
        id: blocks.length + 1,
        cells,
        u0: U[i0],
        u1: U[i1],
        v0: V[j0],
        v1: V[j1],
        community: cellCommunity[i][j],
        oldness: oldness((U[i0] + U[i1]) / 2, (V[j0] + V[j1]) / 2),
        park: false,
        S: streetSide(hCls[j0], hName[j0], "h", V[j0], U[i0], U[i1], j0 === jr + 1),
        N: streetSide(hCls[j1], hName[j1], "h", V[j1], U[i0], U[i1], j1 === jr),
        W: streetSide(vCls[i0], vName[i0], "v", U[i0], V[j0], V[j1], false),
        E: streetSide(vCls[i1], vName[i1], "v", U[i1], V[j0], V[j1], false),
      };
      blocks.push(b);
    }
  }

  // Parks: one per ~16 km², single-cell blocks away from the district edge, far from each other.
  const pk = rng.fork("parks");
  const parkCount = Math.max(1, Math.round(scale));
  const candidates = blocks.filter(
    (b) =>
      b.cells.length === 1 &&
      b.cells[0].i > 0 &&
      b.cells[0].i < nu - 1 &&
      b.cells[0].j > 0 &&
      b.cells[0].j < nv - 1 &&
      b.cells[0].j !== jr - 1 &&
      b.cells[0].j !== jr + 1,
  );
  const parks: Park[] = [];
  const parkNames = new NamePool(pk);
  const firstTarget = { u: oldCentre.u + pk.float(300, 700) * pk.pick([-1, 1]), v: vMid + pk.float(500, 900) * pk.pick([-1, 1]) };
  for (let k = 0; k < parkCount && candidates.length > 0; k++) {
    let best: Block | null = null;
    let bestScore = -Infinity;
    for (const b of candidates) {
      if (b.park) continue;
      const cu = (b.u0 + b.u1) / 2;
      const cv = (b.v0 + b.v1) / 2;
      const score =
        k === 0
          ? -Math.hypot(cu - firstTarget.u, cv - firstTarget.v)
          : Math.min(...parks.map((p) => Math.hypot(cu - (p.block.u0 + p.block.u1) / 2, cv - (p.block.v0 + p.block.v1) / 2))) + pk.float(0, 200);
      if (score > bestScore) {
        bestScore = score;
        best = b;
      }
    }
    if (!best) break;
    best.park = true;
    const iu0 = best.u0 + best.W.inset;
    const iu1 = best.u1 - best.E.inset;
    const iv0 = best.v0 + best.S.inset;
    const iv1 = best.v1 - best.N.inset;
    const cu = (iu0 + iu1) / 2 + pk.float(-10, 10);
    const cv = (iv0 + iv1) / 2 + pk.float(-10, 10);
    const ru = (iu1 - iu0) * pk.float(0.27, 0.31);
    const rv = (iv1 - iv0) * pk.float(0.25, 0.29);
    parks.push({
      block: best,
      name: parkNames.next(
        k === 0 ? ["人民公园"] : [],
        (g2, a) => `${g2.pick(["东湖", "西湖", "荷花", "文昌", "龙湖", "滨湖", "翠湖"])}公园${a > 5 ? zhNumber(a) : ""}`,
      ),
      pond: { cu, cv, ru, rv },
      island: k === 0 ? { cu: cu + ru * 0.2, cv: cv - rv * 0.1, ru: ru * 0.28, rv: rv * 0.3 } : null,
    });
  }

  // Parcels and alleys.
  const lines: UvLine[] = [];
  const parcels: Parcel[] = [];
  const bsp = rng.fork("bsp");
  for (const b of blocks) {
    if (b.park) continue;
    const targetArea = 34000 * Math.exp(bsp.float(-0.3, 0.3)) * (1.25 - 0.45 * b.oldness);
    const pAlley = 0.45 + 0.35 * b.oldness;
    split(bsp.fork(b.id), warp, b, { u0: b.u0, u1: b.u1, v0: b.v0, v1: b.v1 }, { S: b.S, N: b.N, W: b.W, E: b.E }, 0, targetArea, pAlley, lines, parcels);
  }

  // Lattice streets, cut at dropped segments and at the river (except bridges).
  const streetLines: UvLine[] = [];
  for (let i = 0; i <= nu; i++) {
    let start = -1;
    for (let j = 0; j <= nv; j++) {
      const present = j < nv && !droppedV[i][j] && (j !== jr || bridges.includes(i));
      if (present && start < 0) start = j;
      if (!present && start >= 0) {
        const bridge: [number, number] | null = start <= jr && j > jr ? [V[jr], V[jr + 1]] : null;
        streetLines.push({ id: 0, orient: "v", c: U[i], a: V[start], b: V[j], cls: vCls[i], kind: "street", name: vName[i], bridge, jitter: true });
        start = -1;
      }
    }
  }
  for (let j = 0; j <= nv; j++) {
    let start = -1;
    for (let i = 0; i <= nu; i++) {
      const present = i < nu && !droppedH[j][i];
      if (present && start < 0) start = i;
      if (!present && start >= 0) {
        streetLines.push({ id: 0, orient: "h", c: V[j], a: U[start], b: U[i], cls: hCls[j], kind: "street", name: hName[j], bridge: null, jitter: true });
        start = -1;
      }
    }
  }
  // Sidewalks along arterials (inner side only on the district edge; none on bridges).
  const sidewalks: UvLine[] = [];
  for (const s of streetLines) {
    if (s.cls !== "arterial") continue;
    const lo = s.orient === "v" ? U[0] : V[0];
    const hi = s.orient === "v" ? U[nu] : V[nv];
    const pieces: Array<[number, number]> = s.bridge
      ? [
          [s.a, s.bridge[0]],
          [s.bridge[1], s.b],
        ]
      : [[s.a, s.b]];
    for (const off of [-SIDEWALK_OFFSET, SIDEWALK_OFFSET]) {
      const c = s.c + off;
      if (c <= lo || c >= hi) continue;
      for (const [a, b] of pieces)
        if (b - a > 1) sidewalks.push({ id: 0, orient: s.orient, c, a, b, cls: "footway", kind: "sidewalk", name: null, bridge: null, jitter: false });
    }
  }
  // Riverside promenades (滨河步道) with short links up to the bank roads.
  const footways: UvLine[] = [];
  const pr = rng.fork("promenade");
  for (const [c, bank] of [
    [V[jr] + 18, V[jr]],
    [V[jr + 1] - 18, V[jr + 1]],
  ] as const) {
    footways.push({ id: 0, orient: "h", c, a: U[0] + 40, b: U[nu] - 40, cls: "footway", kind: "footway", name: "沙颍河滨河步道", bridge: null, jitter: false });
    for (let u = U[0] + pr.float(150, 300); u < U[nu] - 100; u += pr.float(280, 420)) {
      if (U.some((x) => Math.abs(x - u) < 25)) continue;
      footways.push({
        id: 0,
        orient: "v",
        c: u,
        a: Math.min(c, bank),
        b: Math.max(c, bank),
        cls: "footway",
        kind: "footway",
        name: null,
        bridge: null,
        jitter: false,
      });
    }
  }
  // Park paths: a loop around the pond and a path to each side street; the island path is left
  // unconnected on purpose (湖心岛, reached by boat).
  for (const p of parks) {
    const { cu, cv, ru, rv } = p.pond;
    // the shore wobbles by up to ±10%: keep the loop clear of it
    const x0 = cu - ru * 1.12 - 14;
    const x1 = cu + ru * 1.12 + 14;
    const y0 = cv - rv * 1.12 - 14;
    const y1 = cv + rv * 1.12 + 14;
    const pathName = `${p.name}步道`;
    const fw = (orient: "h" | "v", c: number, a: number, b: number, name: string | null = pathName): UvLine => ({
      id: 0,
      orient,
      c,
      a,
      b,
      cls: "footway",
      kind: "footway",
      name,
      bridge: null,
      jitter: false,
    });
    footways.push(fw("h", y0, x0, x1), fw("h", y1, x0, x1), fw("v", x0, y0, y1), fw("v", x1, y0, y1));
    const b = p.block;
    const su = cu + pr.float(-0.3, 0.3) * ru;
    const sv = cv + pr.float(-0.3, 0.3) * rv;
    footways.push(fw("v", su, b.v0, y0), fw("v", su + pr.float(-20, 20), y1, b.v1), fw("h", sv, b.u0, x0), fw("h", sv + pr.float(-20, 20), x1, b.u1));
    if (p.island) {
      const is = p.island;
      footways.push(
        fw("h", is.cv, is.cu - is.ru * 0.7, is.cu + is.ru * 0.7, "湖心岛步道"),
        fw("v", is.cu, is.cv - is.rv * 0.7, is.cv + is.rv * 0.7, "湖心岛步道"),
      );
    }
  }

  const all = [...streetLines, ...sidewalks, ...lines, ...footways];
  all.forEach((l, k) => {
    l.id = k + 1;
  });
  return {
    side,
    U,
    V,
    vCls,
    hCls,
    vName,
    hName,
    jr,
    bridges,
    warp,
    riverSouth,
    riverNorth,
    communities,
    subdistricts,
    cellCommunity,
    blocks,
    parcels,
    parks,
    lines: all,
    droppedSegments,
  };
}

const access = (s: Side) => s.kind !== "wall";

/**
 * Ground metres per uv metre across an axis-parallel line (the smallest over its length): how far
 * apart on the ground two lines 1 m apart in uv are. Used to make setbacks true metres.
 */
export function perpScale(warp: Warp, orient: "h" | "v", c: number, a: number, b: number): number {
  let s = Infinity;
  for (let k = 0; k <= 4; k++) {
    const t = a + ((b - a) * k) / 4;
    const [u, v] = orient === "v" ? [c, t] : [t, c];
    const pu0 = warp.map(u - 0.5, v);
    const pu1 = warp.map(u + 0.5, v);
    const pv0 = warp.map(u, v - 0.5);
    const pv1 = warp.map(u, v + 0.5);
    const du = [pu1[0] - pu0[0], pu1[1] - pu0[1]];
    const dv = [pv1[0] - pv0[0], pv1[1] - pv0[1]];
    // across a v-line: component of du normal to dv; across an h-line: component of dv normal to du
    const [along, across] = orient === "v" ? [dv, du] : [du, dv];
    const n = Math.hypot(along[0], along[1]);
    s = Math.min(s, Math.abs(across[0] * along[1] - across[1] * along[0]) / n);
  }
  return s;
}

/** Recursive binary space partition of a block into parcels; split lines become alleys or walls. */
function split(
  rng: Rng,
  warp: Warp,
  block: Block,
  r: Rect,
  sides: { S: Side; N: Side; W: Side; E: Side },
  depth: number,
  targetArea: number,
  pAlley: number,
  lines: UvLine[],
  parcels: Parcel[],
): void {
  const { S, N, W, E } = sides;
  const w = r.u1 - r.u0 - W.inset - E.inset;
  const h = r.v1 - r.v0 - S.inset - N.inset;
  const leaf = () => {
    parcels.push({
      id: parcels.length + 1,
      block,
      outer: r,
      inner: { u0: r.u0 + W.inset, u1: r.u1 - E.inset, v0: r.v0 + S.inset, v1: r.v1 - N.inset },
      S,
      N,
      W,
      E,
    });
  };
  if (w * h < targetArea * 1.45) {
    leaf();
    return;
  }
  const gapMax = (2 * ALLEY_HALF) / 0.6;
  const canV = w >= 2 * MIN_PARCEL + gapMax && (access(S) || access(N) || (access(W) && access(E)));
  const canH = h >= 2 * MIN_PARCEL + gapMax && (access(W) || access(E) || (access(S) && access(N)));
  if (!canV && !canH) {
    leaf();
    return;
  }
  let orient: "v" | "h";
  if (canV && canH) orient = w > h === rng.chance(0.85) ? "v" : "h";
  else orient = canV ? "v" : "h";
  const connectable = orient === "v" ? access(S) || access(N) : access(W) || access(E);
  const alley = connectable && rng.chance(depth === 0 ? Math.min(0.9, pAlley + 0.15) : pAlley);
  // half the gap (uv) for `metres` on the ground across the split line at c
  const halfAt = (c: number) => (alley ? ALLEY_HALF : WALL_HALF) / perpScale(warp, orient, c, orient === "v" ? r.v0 : r.u0, orient === "v" ? r.v1 : r.u1);
  const bound = (alley ? ALLEY_HALF : WALL_HALF) / 0.6;
  const mk = (c: number): Side => ({ kind: alley ? "alley" : "wall", c, inset: halfAt(c), cls: alley ? "alley" : null, name: null, line: null });
  if (orient === "v") {
    const lo = r.u0 + W.inset + MIN_PARCEL + bound;
    const hi = r.u1 - E.inset - MIN_PARCEL - bound;
    const c = Math.min(hi, Math.max(lo, r.u0 + W.inset + w * rng.float(0.36, 0.64)));
    const sd = mk(c);
    if (alley) {
      const a = access(S) ? r.v0 : r.v0 + 8;
      const b = access(N) ? r.v1 : r.v1 - 8;
      const line: UvLine = { id: 0, orient: "v", c, a, b, cls: "alley", kind: "alley", name: null, bridge: null, jitter: true };
      lines.push(line);
      sd.line = line;
    }
    split(rng, warp, block, { ...r, u1: c }, { S, N, W, E: sd }, depth + 1, targetArea, pAlley, lines, parcels);
    split(rng, warp, block, { ...r, u0: c }, { S, N, W: sd, E }, depth + 1, targetArea, pAlley, lines, parcels);
  } else {
    const lo = r.v0 + S.inset + MIN_PARCEL + bound;
    const hi = r.v1 - N.inset - MIN_PARCEL - bound;
    const c = Math.min(hi, Math.max(lo, r.v0 + S.inset + h * rng.float(0.36, 0.64)));
    const sd = mk(c);
    if (alley) {
      const a = access(W) ? r.u0 : r.u0 + 8;
      const b = access(E) ? r.u1 : r.u1 - 8;
      const line: UvLine = { id: 0, orient: "h", c, a, b, cls: "alley", kind: "alley", name: null, bridge: null, jitter: true };
      lines.push(line);
      sd.line = line;
    }
    split(rng, warp, block, { ...r, v1: c }, { S, N: sd, W, E }, depth + 1, targetArea, pAlley, lines, parcels);
    split(rng, warp, block, { ...r, v0: c }, { S: sd, N, W, E }, depth + 1, targetArea, pAlley, lines, parcels);
  }
}

/**
 * Boundary of a uv rectangle as a counter-clockwise ring, sampled at every lattice coordinate and
 * every multiple of `step` metres, so neighbouring areas that share an edge share its vertices.
 */
export function sampledRectRing(plan: Plan, r: Rect, step = 25): Array<[number, number]> {
  const along = (a: number, b: number, knots: readonly number[]) => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const ps = new Set<number>([lo, hi]);
    for (const k of knots) if (k > lo && k < hi) ps.add(k);
    for (let x = Math.ceil(lo / step) * step; x < hi; x += step) if (x > lo) ps.add(x);
    const out = [...ps].sort((p, q) => p - q);
    // drop grid points within 2 m of a lattice knot or an end (keeps vertices apart)
    const keep = out.filter(
      (x, k) =>
        k === 0 ||
        k === out.length - 1 ||
        knots.includes(x) ||
        x === lo ||
        x === hi ||
        (Math.abs(x - lo) > 2 && Math.abs(hi - x) > 2 && !knots.some((q) => Math.abs(q - x) < 2)),
    );
    return a <= b ? keep : keep.reverse();
  };
  const pts: Array<[number, number]> = [];
  for (const u of along(r.u0, r.u1, plan.U).slice(0, -1)) pts.push([u, r.v0]);
  for (const v of along(r.v0, r.v1, plan.V).slice(0, -1)) pts.push([r.u1, v]);
  for (const u of along(r.u1, r.u0, plan.U).slice(0, -1)) pts.push([u, r.v1]);
  for (const v of along(r.v1, r.v0, plan.V).slice(0, -1)) pts.push([r.u0, v]);
  return pts;
}
