/**
 * Compounds (小区) on residential parcels: footprint (rectangles, cut corners, L shapes), rows of
 * buildings (行列式, south-facing, spaced ~1.2 × height), gates on the sides that face a street or
 * alley, names and addresses. Non-residential parcels get simple buildings with no compound.
 */
import type { Rng } from "./rng.js";
import type { Parcel, Plan, Side } from "./layout.js";
import type { OtherUse, ParcelUse } from "./landuse.js";
import type { CompoundProps, CompoundStatus, GateKind, Management, Tier } from "./types.js";
import { UNLISTED_RENOVATION } from "../../server/schemas/compounds.js";
import { type XY, distToRing, pointInRing, signedArea, perimeter } from "./geom.js";
import { DISTRICT, NamePool, SEED_COMPOUNDS, composeNewCompound, composeOldCompound } from "./names.js";

export type SideTag = "S" | "E" | "N" | "W" | "cut";

export interface BuildingRec {
  id: number;
  compoundId: number | null;
  name: string;
  floors: number;
  units: number;
  hasElevator: boolean;
  households: number;
  buildYear: number;
  /** Corners SW, SE, NE, NW (counter-clockwise), local metres. */
  corners: XY[];
  lengthM: number;
  depthM: number;
}

export interface GateRec {
  id: number;
  compoundId: number;
  name: string;
  kind: GateKind;
  xy: XY;
  /** The same point in uv (for house numbers and for siting things just inside the gate). */
  uv: XY;
  side: SideTag;
}

/** A compound as the generator builds it: the served properties (less the building count) and its geometry in local metres. */
export interface CompoundRec extends Omit<CompoundProps, "buildingCount"> {
  parcel: Parcel;
  addressStreet: string;
  /** Open ring, counter-clockwise, local metres; ringTags[i] is the side of edge i → i+1. */
  ring: XY[];
  ringUv: XY[];
  ringTags: SideTag[];
  buildings: BuildingRec[];
  gates: GateRec[];
  areaM2: number;
  perimeterM: number;
  /** Seed compound facts (name from the news reports). */
  seed: string | null;
}

/** A parcel that is not a compound (school, market, office …) with its buildings. */
export interface OtherParcel {
  parcel: Parcel;
  use: ParcelUse;
  ring: XY[];
  buildings: BuildingRec[];
}

const SIDES = ["S", "E", "N", "W"] as const;
type SideName = (typeof SIDES)[number];
const sideOf = (p: Parcel, s: SideName): Side => p[s];
const DIR_ZH: Record<SideName, string> = { S: "南", N: "北", E: "东", W: "西" };

interface Shape {
  verts: XY[];
  tags: SideTag[];
}

function makeShape(p: Parcel, rng: Rng, allowOdd: boolean): Shape {
  const { u0, u1, v0, v1 } = p.inner;
  const W = u1 - u0;
  const H = v1 - v0;
  const street = (s: SideName) => sideOf(p, s).kind === "street";
  type Corner = "SW" | "SE" | "NE" | "NW";
  const chamfer: Partial<Record<Corner, number>> = {};
  let notch: { corner: Corner; w: number; h: number } | null = null;
  if (allowOdd) {
    const pairs: Array<[Corner, SideName, SideName]> = [
      ["SW", "S", "W"],
      ["SE", "S", "E"],
      ["NE", "N", "E"],
      ["NW", "N", "W"],
    ];
    for (const [c, a, b] of pairs) if (street(a) && street(b) && rng.chance(0.45)) chamfer[c] = rng.float(8, 20);
    if (Object.keys(chamfer).length === 0 && W >= 110 && H >= 110 && rng.chance(0.2)) {
      const c = rng.pick<Corner>(["SW", "SE", "NE", "NW"]);
      notch = { corner: c, w: W * rng.float(0.25, 0.4), h: H * rng.float(0.25, 0.4) };
    }
  }
  const verts: XY[] = [];
  const tags: SideTag[] = [];
  const add = (u: number, v: number, t: SideTag) => {
    verts.push([u, v]);
    tags.push(t);
  };
  // SW
  if (chamfer.SW) {
    add(u0, v0 + chamfer.SW, "cut");
    add(u0 + chamfer.SW, v0, "S");
  } else if (notch?.corner === "SW") {
    add(u0, v0 + notch.h, "cut");
    add(u0 + notch.w, v0 + notch.h, "cut");
    add(u0 + notch.w, v0, "S");
  } else add(u0, v0, "S");
  // SE
  if (chamfer.SE) {
    add(u1 - chamfer.SE, v0, "cut");
    add(u1, v0 + chamfer.SE, "E");
  } else if (notch?.corner === "SE") {
    add(u1 - notch.w, v0, "cut");
    add(u1 - notch.w, v0 + notch.h, "cut");
    add(u1, v0 + notch.h, "E");
  } else add(u1, v0, "E");
  // NE
  if (chamfer.NE) {
    add(u1, v1 - chamfer.NE, "cut");
    add(u1 - chamfer.NE, v1, "N");
  } else if (notch?.corner === "NE") {
    add(u1, v1 - notch.h, "cut");
    add(u1 - notch.w, v1 - notch.h, "cut");
    add(u1 - notch.w, v1, "N");
  } else add(u1, v1, "N");
  // NW
  if (chamfer.NW) {
    add(u0 + chamfer.NW, v1, "cut");
    add(u0, v1 - chamfer.NW, "W");
  } else if (notch?.corner === "NW") {
    add(u0 + notch.w, v1, "cut");
    add(u0 + notch.w, v1 - notch.h, "cut");
    add(u0, v1 - notch.h, "W");
  } else add(u0, v1, "W");
  return { verts, tags };
}

function densify(s: Shape, step: number): Shape {
  const verts: XY[] = [];
  const tags: SideTag[] = [];
  const n = s.verts.length;
  for (let i = 0; i < n; i++) {
    const a = s.verts[i];
    const b = s.verts[(i + 1) % n];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const k = Math.max(1, Math.ceil(len / step));
    for (let q = 0; q < k; q++) {
      verts.push([a[0] + ((b[0] - a[0]) * q) / k, a[1] + ((b[1] - a[1]) * q) / k]);
      tags.push(s.tags[i]);
    }
  }
  return { verts, tags };
}

/** A rectangle in uv plus the floors of its building. */
interface Slot {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
  floors: number;
  row: number;
}

interface RowStyle {
  floors: (rng: Rng) => number;
  depth: [number, number];
  length: [number, number];
  gap: [number, number];
  /** Sunlight spacing factor × building height (3 m a floor). */
  spacing: number;
  edge: number;
}

function fillRows(rng: Rng, poly: XY[], box: { u0: number; u1: number; v0: number; v1: number }, style: RowStyle, maxCount = Infinity): Slot[] {
  const margin = 4;
  const inside = (u: number, v: number) => pointInRing([u, v], poly) && distToRing([u, v], poly) >= margin - 1e-9;
  const out: Slot[] = [];
  let v = box.v0 + style.edge + rng.float(0, 5);
  let row = 0;
  for (let guard = 0; guard < 200 && out.length < maxCount; guard++) {
    const floors = style.floors(rng);
    const d = rng.float(style.depth[0], style.depth[1]);
    if (v + d > box.v1 - style.edge) break;
    let u = box.u0 + style.edge + rng.float(0, 8);
    let placed = 0;
    for (let g2 = 0; g2 < 100 && out.length < maxCount; g2++) {
      let len = rng.float(style.length[0], style.length[1]);
      const room = box.u1 - style.edge - u;
      if (room < style.length[0]) break;
      if (len > room) len = room;
      const s: Slot = { u0: u, u1: u + len, v0: v, v1: v + d, floors, row };
      if (inside(s.u0, s.v0) && inside(s.u1, s.v0) && inside(s.u1, s.v1) && inside(s.u0, s.v1)) {
        out.push(s);
        placed++;
        u += len + rng.float(style.gap[0], style.gap[1]);
      } else {
        u += 6;
      }
    }
    if (placed > 0) row++;
    v += d + style.spacing * floors * 3;
  }
  return out;
}

/** Turn a uv slot into a true rectangle in metres, following the local warp. */
function slotToRect(plan: Plan, s: Slot): { corners: XY[]; len: number; depth: number } {
  const cu = (s.u0 + s.u1) / 2;
  const cv = (s.v0 + s.v1) / 2;
  const w = plan.warp;
  const c = w.map(cu, cv);
  const a = w.map(cu - 1, cv);
  const b = w.map(cu + 1, cv);
  const e = w.map(cu, cv - 1);
  const f = w.map(cu, cv + 1);
  const ju: XY = [(b[0] - a[0]) / 2, (b[1] - a[1]) / 2];
  const jv: XY = [(f[0] - e[0]) / 2, (f[1] - e[1]) / 2];
  const nu = Math.hypot(ju[0], ju[1]);
  const eu: XY = [ju[0] / nu, ju[1] / nu];
  const en: XY = [-eu[1], eu[0]];
  const len = (s.u1 - s.u0) * nu;
  const depth = (s.v1 - s.v0) * (jv[0] * en[0] + jv[1] * en[1]);
  const hl = len / 2;
  const hd = depth / 2;
  const corner = (sl: number, sd: number): XY => [c[0] + sl * hl * eu[0] + sd * hd * en[0], c[1] + sl * hl * eu[1] + sd * hd * en[1]];
  return { corners: [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)], len, depth };
}

function oldFloors(year: number): (rng: Rng) => number {
  return (rng) =>
    year < 1990
      ? rng.weighted([
          [3, 0.05],
          [4, 0.12],
          [5, 0.45],
          [6, 0.38],
        ])
      : rng.weighted([
          [4, 0.03],
          [5, 0.25],
          [6, 0.55],
          [7, 0.17],
        ]);
}

function newStyle(rng: Rng, year: number): RowStyle {
  const main =
    year < 2008
      ? rng.weighted([
          [6, 0.4],
          [7, 0.2],
          [11, 0.3],
          [18, 0.1],
        ])
      : rng.weighted([
          [6, 0.08],
          [11, 0.3],
          [18, 0.34],
          [26, 0.18],
          [30, 0.1],
        ]);
  const tall = main >= 11;
  return {
    floors: (r) => (r.chance(0.8) ? main : r.pick(tall ? [11, 18, 26] : [6, 7])),
    depth: [11, 13],
    length: tall ? [25, 40] : [36, 66],
    gap: tall ? [16, 30] : [8, 16],
    spacing: 1.2,
    edge: 8,
  };
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const STATUS_AS_OF = "2025-06-30";
const AS_OF_DAY = Date.UTC(2025, 5, 30) / 86400000;
function dayToIso(day: number): string {
  const dt = new Date(day * 86400000);
  return iso(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

export interface CompoundsResult {
  compounds: CompoundRec[];
  others: OtherParcel[];
  buildings: BuildingRec[];
  gates: GateRec[];
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one layout pass per parcel: footprint, buildings and gates drawn from one random stream in a fixed order
export function buildCompounds(plan: Plan, uses: Map<number, ParcelUse>, rng: Rng): CompoundsResult {
  const res = plan.parcels.filter((p) => uses.get(p.id)?.kind === "residential");
  // Build years: ~71% before 2000, the old ones in the old town.
  const yr = rng.fork("years");
  const scored = res.map((p) => ({ p, s: p.block.oldness + yr.normal(0, 0.18) })).sort((a, b) => b.s - a.s || a.p.id - b.p.id);
  const nOld = Math.round(scored.length * 0.71);
  const yearOf = new Map<number, number>();
  scored.forEach(({ p }, k) => {
    const o = p.block.oldness;
    const y = k < nOld ? 1999 - Math.round(16 * o ** 1.3 + Math.abs(yr.normal(0, 3))) : 2000 + Math.round(15 * (1 - o) * yr.float(0.3, 1));
    yearOf.set(p.id, Math.min(k < nOld ? 1999 : 2015, Math.max(k < nOld ? 1980 : 2000, y)));
  });

  const compounds: CompoundRec[] = [];
  const others: OtherParcel[] = [];
  const buildings: BuildingRec[] = [];
  const geo = rng.fork("geometry");
  const toXY = (pts: XY[]) => pts.map(([u, v]) => plan.warp.map(u, v));

  for (const p of plan.parcels) {
    const use = uses.get(p.id)!;
    const r = geo.fork(p.id);
    if (use.kind !== "residential") {
      others.push(makeOther(plan, p, use, r, buildings));
      continue;
    }
    const year = yearOf.get(p.id)!;
    const old = year < 2000;
    const shape = makeShape(p, r, true);
    const style: RowStyle = old
      ? {
          floors: (
            (f) => (rr: Rng) =>
              rr.chance(0.85) ? f : oldFloors(year)(rr)
          )(oldFloors(year)(r)),
          depth: [10, 12.5],
          length: [25, 70],
          gap: [6, 14],
          spacing: 1.2,
          edge: 6,
        }
      : newStyle(r, year);
    const box = p.inner;
    const slots = fillRows(r, shape.verts, box, style);
    const dens = densify(shape, 30);
    const ring = toXY(dens.verts);
    const recs: BuildingRec[] = [];
    const hpf = old && r.chance(0.2) ? 3 : 2;
    for (const s of slots) {
      const { corners, len, depth } = slotToRect(plan, s);
      if (!corners.every((c) => pointInRing(c, ring) && distToRing(c, ring) >= 1.5)) continue;
      const units = Math.max(1, Math.round(len / 13));
      const floors = s.floors;
      const elevator = floors >= 8 || (!old && floors === 7 && r.chance(0.5));
      recs.push({
        id: 0,
        compoundId: null,
        name: "",
        floors,
        units,
        hasElevator: elevator,
        households: units * floors * (floors >= 11 ? 2 : hpf),
        buildYear: Math.min(2015, year + (r.chance(0.15) ? r.int(1, 2) : 0)),
        corners,
        lengthM: len,
        depthM: depth,
      });
    }
    // Small 单位家属院: an old work-unit yard with one to a few blocks (50–250 households);
    // the rest of the parcel stays an open yard.
    if (old && recs.length > 1 && r.chance(0.16)) {
      const target = r.int(50, 250);
      let sum = 0;
      let keep = 0;
      while (keep < recs.length && sum < target) sum += recs[keep++].households;
      if (sum <= 300) recs.length = keep;
    }
    // keep households within 50–2000
    let hh = recs.reduce((a, b) => a + b.households, 0);
    while (hh > 2000 && recs.length > 1) {
      hh -= recs.pop()!.households;
    }
    if (hh < 50 && hpf === 2) {
      for (const b of recs) if (b.floors < 11) b.households = b.units * b.floors * 3;
      hh = recs.reduce((a, b) => a + b.households, 0);
    }
    if (recs.length === 0 || hh < 50) {
      others.push(makeOther(plan, p, { kind: "other", sub: "commercial" }, r, buildings));
      continue;
    }
    const id = compounds.length + 1;
    recs.forEach((b, k) => {
      b.compoundId = id;
      b.name = `${k + 1}号楼`;
      b.id = buildings.length + 1;
      buildings.push(b);
    });
    const area = signedArea(ring);
    compounds.push({
      id,
      parcel: p,
      name: "",
      address: "",
      addressStreet: "",
      buildYear: year,
      ring,
      ringUv: dens.verts,
      ringTags: dens.tags,
      buildings: recs,
      gates: [],
      households: hh,
      floorAreaM2: Math.round(recs.reduce((a, b) => a + b.lengthM * b.depthM * b.floors, 0)),
      areaM2: area,
      perimeterM: perimeter(ring),
      ...UNLISTED_RENOVATION,
      communityId: p.block.community,
      subdistrictId: plan.communities[p.block.community - 1].subdistrict,
      seed: null,
    });
  }

  const gates = placeGates(compounds, rng.fork("gates"));
  nameCompounds(plan, compounds, rng.fork("names"));
  return { compounds, others, buildings, gates };
}

const sideLineName = (s: Side): string | null => (s.kind === "street" ? s.name : s.kind === "alley" ? (s.line?.name ?? null) : null);

function placeGates(compounds: CompoundRec[], rng: Rng): GateRec[] {
  const gates: GateRec[] = [];
  for (const c of compounds) {
    const r = rng.fork(c.id);
    const p = c.parcel;
    // contiguous run of ring edges per side
    const runs = new Map<SideTag, number[]>();
    c.ringTags.forEach((t, i) => {
      if (!runs.has(t)) runs.set(t, []);
      runs.get(t)!.push(i);
    });
    const n = c.ring.length;
    const runLen = (idx: number[]) => idx.reduce((s, i) => s + Math.hypot(c.ring[(i + 1) % n][0] - c.ring[i][0], c.ring[(i + 1) % n][1] - c.ring[i][1]), 0);
    const candidates = SIDES.filter((s) => sideOf(p, s).kind !== "wall" && (runs.get(s)?.length ?? 0) > 0 && runLen(runs.get(s)!) >= 24);
    if (candidates.length === 0) throw new Error(`compound ${c.id} has no side on a street or alley`);
    const score = (s: SideName) => {
      const sd = sideOf(p, s);
      const base = sd.kind === "alley" ? 2.6 : sd.cls === "branch" ? 3 : 2;
      return base * r.float(0.6, 1.4) + (s === "S" ? 0.5 : 0);
    };
    const ranked = [...candidates].sort((a, b) => score(b) - score(a));
    const count =
      c.households < 250
        ? r.chance(0.75)
          ? 1
          : 2
        : c.households < 800
          ? r.weighted([
              [1, 0.2],
              [2, 0.6],
              [3, 0.2],
            ])
          : r.weighted([
              [2, 0.4],
              [3, 0.6],
            ]);
    const used: Array<{ side: SideName; d: number }> = [];
    for (let g = 0; g < count; g++) {
      const side = ranked[g % ranked.length];
      const idx = runs.get(side)!;
      const total = runLen(idx);
      let d = total * (g === 0 ? r.float(0.35, 0.65) : r.float(0.15, 0.85));
      const clash = () => used.some((u) => u.side === side && Math.abs(u.d - d) < 30);
      for (let t = 0; t < 10 && clash(); t++) d = total * r.float(0.12, 0.88);
      if (clash()) continue;
      // walk to distance d along the run
      let acc = 0;
      let xy: XY = c.ring[idx[0]];
      let uv: XY = c.ringUv[idx[0]];
      for (const i of idx) {
        const a = c.ring[i];
        const b = c.ring[(i + 1) % n];
        const l = Math.hypot(b[0] - a[0], b[1] - a[1]);
        if (acc + l >= d) {
          const t = (d - acc) / l;
          xy = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
          const ua = c.ringUv[i];
          const ub = c.ringUv[(i + 1) % n];
          uv = [ua[0] + (ub[0] - ua[0]) * t, ua[1] + (ub[1] - ua[1]) * t];
          break;
        }
        acc += l;
      }
      const sameSide = used.filter((u) => u.side === side).length;
      used.push({ side, d });
      const kind: GateKind = g === 0 ? "main" : r.chance(0.5) ? "vehicle" : "pedestrian";
      const name = `${DIR_ZH[side]}${sameSide === 0 ? "" : sameSide === 1 ? "二" : "三"}门`;
      const rec: GateRec = { id: gates.length + 1, compoundId: c.id, name, kind, xy, uv, side };
      gates.push(rec);
      c.gates.push(rec);
    }
  }
  return gates;
}

function nameCompounds(plan: Plan, compounds: CompoundRec[], rng: Rng): void {
  const pool = new NamePool(rng.fork("pool"));
  // Seed compounds first: old compounds for old seeds, 碧波水岸 (2003) among the new ones.
  const free = new Set(compounds.map((c) => c.id));
  const sr = rng.fork("seeds");
  for (const s of SEED_COMPOUNDS) {
    const want = (c: CompoundRec) =>
      free.has(c.id) &&
      (s.buildYear < 2000 ? c.buildYear < 2000 : c.buildYear >= 2000 && c.buildYear <= 2005) &&
      c.households >= 80 &&
      c.households <= 900 &&
      c.gates.length > 0;
    // prefer a compound with a gate on the street the report names (太昊路电力小区)
    const gateOn = (c: CompoundRec) => c.gates.some((g) => g.side !== "cut" && sideLineName(sideOf(c.parcel, g.side as SideName)) === s.street);
    let pool2 = compounds.filter((c) => want(c) && (!s.street || gateOn(c)));
    if (pool2.length === 0) pool2 = compounds.filter(want);
    if (pool2.length === 0) continue;
    const c = sr.pick(pool2);
    c.name = pool.take(s.name);
    c.seed = s.name;
    c.buildYear = s.buildYear;
    for (const b of c.buildings) b.buildYear = s.buildYear;
    free.delete(c.id);
  }
  // a seed compound "on" a named street gets its main gate (and so its address) there
  for (const c of compounds) {
    const want = SEED_COMPOUNDS.find((s) => s.name === c.seed)?.street;
    if (!want) continue;
    const g = c.gates.find((x) => x.side !== "cut" && sideLineName(sideOf(c.parcel, x.side as SideName)) === want);
    const main = c.gates.find((x) => x.kind === "main");
    if (g && main && g !== main) {
      main.kind = g.kind;
      g.kind = "main";
    }
  }
  const used = new Map<string, Set<number>>();
  for (const c of compounds) {
    const main = c.gates.find((g) => g.kind === "main") ?? c.gates[0];
    const side = sideOf(c.parcel, main.side as SideName);
    const street = sideLineName(side) ?? "无名路";
    if (!c.name) {
      c.name = c.buildYear < 2000 ? pool.next([], (g, a) => composeOldCompound(g, a, street)) : pool.next([], composeNewCompound);
    }
    // house number along the street: odd on the north/east side, even on the south/west side
    const uv = main.uv;
    const along = main.side === "S" || main.side === "N" ? uv[0] : uv[1];
    const start = side.kind === "alley" && side.line ? side.line.a : -plan.side / 2;
    const odd = main.side === "S" || main.side === "W";
    let num = 2 * Math.max(0, Math.floor((along - start) / 20)) + (odd ? 1 : 2);
    const key = `${street}:${odd}`;
    if (!used.has(key)) used.set(key, new Set());
    const set = used.get(key)!;
    while (set.has(num)) num += 2;
    set.add(num);
    c.address = `${DISTRICT}${street}${num}号`;
    c.addressStreet = street;
  }
}

interface OtherSpec {
  floors: [number, number];
  depth: [number, number];
  length: [number, number];
  max: number;
  name: string;
  spacing: number;
  gap: [number, number];
}

const OTHER_SPECS: Record<string, OtherSpec> = {
  primary_school: { floors: [4, 5], depth: [12, 14], length: [45, 70], max: 3, name: "教学楼", spacing: 1.3, gap: [15, 25] },
  middle_school: { floors: [4, 6], depth: [12, 14], length: [50, 80], max: 4, name: "教学楼", spacing: 1.3, gap: [15, 25] },
  kindergarten: { floors: [2, 3], depth: [12, 15], length: [28, 45], max: 2, name: "园舍", spacing: 1.5, gap: [12, 20] },
  fresh_market: { floors: [1, 2], depth: [24, 40], length: [40, 80], max: 1, name: "市场大棚", spacing: 1, gap: [10, 20] },
  health_centre: { floors: [4, 7], depth: [14, 18], length: [35, 60], max: 2, name: "门诊楼", spacing: 1.2, gap: [12, 20] },
  nursing_home: { floors: [3, 6], depth: [12, 15], length: [35, 55], max: 2, name: "养护楼", spacing: 1.4, gap: [12, 20] },
  sports_hall: { floors: [2, 3], depth: [40, 55], length: [50, 75], max: 1, name: "体育馆", spacing: 1, gap: [10, 20] },
  culture_centre: { floors: [3, 4], depth: [20, 30], length: [35, 55], max: 1, name: "文化中心", spacing: 1, gap: [10, 20] },
  supermarket: { floors: [3, 6], depth: [35, 50], length: [60, 100], max: 1, name: "商场", spacing: 1, gap: [10, 20] },
  sports_ground: { floors: [1, 1], depth: [8, 10], length: [20, 30], max: 1, name: "看台", spacing: 1, gap: [10, 20] },
  subdistrict_service_centre: { floors: [4, 6], depth: [13, 16], length: [40, 60], max: 1, name: "办公楼", spacing: 1.2, gap: [10, 20] },
  office: { floors: [5, 12], depth: [13, 16], length: [35, 60], max: 3, name: "办公楼", spacing: 1.2, gap: [12, 20] },
  factory: { floors: [1, 2], depth: [18, 30], length: [40, 90], max: 4, name: "厂房", spacing: 1.5, gap: [10, 20] },
  commercial: { floors: [2, 4], depth: [14, 20], length: [30, 60], max: 4, name: "商业楼", spacing: 1.2, gap: [10, 18] },
  vacant: { floors: [1, 1], depth: [10, 10], length: [30, 30], max: 0, name: "", spacing: 1, gap: [10, 10] },
  green: { floors: [1, 1], depth: [10, 10], length: [30, 30], max: 0, name: "", spacing: 1, gap: [10, 10] },
};

function makeOther(plan: Plan, p: Parcel, use: ParcelUse, r: Rng, buildings: BuildingRec[]): OtherParcel {
  const shape = makeShape(p, r, false);
  const dens = densify(shape, 25);
  const ring = dens.verts.map(([u, v]) => plan.warp.map(u, v));
  const key = use.kind === "facility" ? use.category : use.kind === "other" ? (use.sub as OtherUse) : "commercial";
  const spec = OTHER_SPECS[key] ?? OTHER_SPECS.commercial;
  const style: RowStyle = {
    floors: (rr) => rr.int(spec.floors[0], spec.floors[1]),
    depth: spec.depth,
    length: spec.length,
    gap: spec.gap,
    spacing: spec.spacing,
    edge: 8,
  };
  const slots = spec.max > 0 ? fillRows(r, shape.verts, p.inner, style, spec.max) : [];
  const year = 1985 + r.int(0, 30);
  const recs: BuildingRec[] = [];
  for (const s of slots) {
    const { corners, len, depth } = slotToRect(plan, s);
    if (!corners.every((c) => pointInRing(c, ring) && distToRing(c, ring) >= 1.5)) continue;
    const rec: BuildingRec = {
      id: buildings.length + 1,
      compoundId: null,
      name: spec.max > 1 ? `${spec.name}${recs.length + 1}` : spec.name,
      floors: s.floors,
      units: Math.max(1, Math.round(len / 13)),
      hasElevator: s.floors >= 5,
      households: 0,
      buildYear: year,
      corners,
      lengthM: len,
      depthM: depth,
    };
    buildings.push(rec);
    recs.push(rec);
  }
  return { parcel: p, use, ring, buildings: recs };
}

/** Seed compounds: plan year, status and tier as the reports say happened. */
const SEED_PLAN: Record<string, [number, CompoundStatus, Tier]> = {
  电力小区: [2019, "accepted", "enhanced"],
  邮政小区: [2019, "accepted", "enhanced"],
  人行家属院: [2019, "accepted", "enhanced"],
  网通小区: [2019, "completed", "complete"],
  老冰棍厂小区: [2020, "accepted", "enhanced"],
  万户新村: [2020, "accepted", "enhanced"],
  集英花园: [2021, "accepted", "complete"],
  碧波水岸小区: [2023, "completed", "basic"],
};

function applySeedPlan(compounds: CompoundRec[]): void {
  for (const c of compounds) {
    if (c.seed && SEED_PLAN[c.seed]) {
      const [y, st, t] = SEED_PLAN[c.seed];
      c.planYear = y;
      c.status = st;
      c.tier = t;
    }
  }
}

/**
 * Renovation status by plan year, with quotas that follow the seeds (周口 2019: 245 of 253 done,
 * 96.8%; 2020: 440 of 456 started, 96.5%). Status as of {@link STATUS_AS_OF}.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one pass drawing status, years and dates per compound from one random stream in a fixed order
export function assignStatus(compounds: CompoundRec[], rng: Rng): void {
  const r = rng.fork("status");
  const old = compounds.filter((c) => c.buildYear < 2000 && !c.seed);
  const early = compounds.filter((c) => c.buildYear >= 2000 && c.buildYear <= 2005 && !c.seed);
  // community bias: neighbouring compounds tend to be done in the same batch (连片改造)
  const bias = new Map<number, number>();
  for (const c of compounds) if (!bias.has(c.communityId)) bias.set(c.communityId, r.normal(0, 0.5));
  const listed = old.filter(() => r.chance(0.93));
  const prio = listed
    .map((c) => ({ c, s: (2000 - c.buildYear) / 20 + bias.get(c.communityId)! + r.normal(0, 0.35) }))
    .sort((a, b) => b.s - a.s || a.c.id - b.c.id);
  const years: Array<[number, number]> = [
    [2019, 0.14],
    [2020, 0.2],
    [2021, 0.16],
    [2022, 0.15],
    [2023, 0.12],
    [2024, 0.12],
    [2025, 0.11],
  ];
  let k = 0;
  let cum = 0;
  for (const [y, share] of years) {
    cum += share;
    const end = y === 2025 ? prio.length : Math.round(cum * prio.length);
    for (; k < end; k++) prio[k].c.planYear = y;
  }
  for (const c of early) if (r.chance(0.2)) c.planYear = r.pick([2021, 2022, 2023, 2024, 2025]);

  // statuses by quota within each plan year
  const mix: Record<number, Array<[CompoundStatus, number]>> = {
    2019: [
      ["accepted", 0.75],
      ["completed", 0.22],
      ["started", 0.03],
    ],
    2020: [
      ["accepted", 0.38],
      ["completed", 0.44],
      ["started", 0.145],
      ["planned", 0.035],
    ],
    2021: [
      ["accepted", 0.4],
      ["completed", 0.5],
      ["started", 0.08],
      ["planned", 0.02],
    ],
    2022: [
      ["accepted", 0.3],
      ["completed", 0.55],
      ["started", 0.12],
      ["planned", 0.03],
    ],
    2023: [
      ["accepted", 0.1],
      ["completed", 0.4],
      ["started", 0.4],
      ["planned", 0.1],
    ],
    2024: [
      ["completed", 0.15],
      ["started", 0.65],
      ["planned", 0.2],
    ],
    2025: [
      ["started", 0.2],
      ["planned", 0.8],
    ],
  };
  for (const [y] of years) {
    const group = r.shuffle(compounds.filter((c) => c.planYear === y && !c.seed));
    let q = 0;
    let acc = 0;
    const m = mix[y];
    m.forEach(([st, share], idx) => {
      acc += share;
      const end = idx === m.length - 1 ? group.length : Math.round(acc * group.length);
      for (; q < end; q++) group[q].status = st;
    });
  }
  applySeedPlan(compounds);

  for (const c of compounds) {
    const cr = r.fork(c.id);
    if (c.planYear === null) {
      c.status = "unlisted";
      c.tier = null;
      c.management =
        c.buildYear >= 2000
          ? cr.weighted<Management>([
              ["professional", 0.85],
              ["self", 0.1],
              ["none", 0.05],
            ])
          : cr.weighted<Management>([
              ["none", 0.5],
              ["self", 0.35],
              ["professional", 0.15],
            ]);
      continue;
    }
    if (c.status === "unlisted") c.status = "planned";
    if (!c.tier) {
      c.tier =
        c.buildYear >= 2000
          ? cr.weighted<Tier>([
              ["basic", 0.7],
              ["complete", 0.3],
            ])
          : cr.weighted<Tier>([
              ["basic", 0.45],
              ["complete", 0.4],
              ["enhanced", 0.15],
            ]);
    }
    const done = c.status === "completed" || c.status === "accepted";
    c.management = done
      ? cr.weighted<Management>([
          ["professional", 0.45],
          ["self", 0.4],
          ["none", 0.15],
        ])
      : cr.weighted<Management>([
          ["none", 0.45],
          ["self", 0.35],
          ["professional", 0.2],
        ]);
    if (c.buildYear >= 2000) c.management = cr.chance(0.8) ? "professional" : "self";
    if (c.status === "planned") continue;
    // dates: works start in spring–autumn of the plan year (2020 later: the epidemic delayed tenders)
    const y = c.planYear;
    let start = Date.UTC(y, y === 2020 ? 4 : 2, 1) / 86400000 + cr.int(0, y === 2020 ? 180 : 200);
    const lastStart = c.status === "started" ? AS_OF_DAY - 5 : AS_OF_DAY - 60;
    if (start > lastStart) start = Math.max(Date.UTC(y, 0, 2) / 86400000, lastStart - cr.int(0, 40));
    c.startedOn = dayToIso(start);
    if (c.status === "started") continue;
    let done1 = start + cr.int(100, 320);
    const lastDone = c.status === "accepted" ? AS_OF_DAY - 15 : AS_OF_DAY;
    if (done1 > lastDone) done1 = Math.max(start + 30, lastDone - cr.int(0, 20));
    c.completedOn = dayToIso(done1);
    const hh = c.households;
    if (c.status === "accepted") {
      let acc2 = done1 + cr.int(15, 120);
      if (acc2 > AS_OF_DAY) acc2 = Math.max(done1 + 1, AS_OF_DAY - cr.int(0, 10));
      c.acceptedOn = dayToIso(acc2);
      const minSurvey = Math.ceil(hh * 0.6667);
      const surveyed = Math.min(hh, Math.max(minSurvey, Math.round(hh * cr.float(0.7, 0.96))));
      const satisfied = Math.min(surveyed, Math.max(Math.ceil(surveyed * 0.9), Math.round(surveyed * cr.float(0.91, 0.99))));
      c.surveyedHouseholds = surveyed;
      c.satisfiedHouseholds = satisfied;
    } else if (cr.chance(0.5)) {
      // survey under way (验收前入户调查)
      const surveyed = Math.round(hh * cr.float(0.3, 0.8));
      c.surveyedHouseholds = surveyed;
      c.satisfiedHouseholds = Math.round(surveyed * cr.float(0.8, 0.97));
    }
  }
}
