/**
 * The demo-city generator (geodata/generator): determinism, the committed copy in
 * geodata/demo-city, and the geometry and domain rules the rest of the app relies on. Every check
 * is an independent plain computation on the output (own projection, point-in-polygon and segment
 * tests), not a call back into the generator's helpers.
 */
import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateCity } from "../../geodata/generator/city.js";
import { zhNumber } from "../../geodata/generator/names.js";
import { serializeCity } from "../../geodata/generator/write.js";
import standards from "../../geodata/standards.json";
import costs from "../../geodata/costs.json";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CITY_DIR = path.join(ROOT, "geodata", "demo-city");
const SEED = 20190601;
const city = generateCity({ seed: SEED });

type P = [number, number];
type Ring = P[];

// Independent local projection to metres around the stated centre.
const [LON0, LAT0] = city.meta.center;
const KX = 111320 * Math.cos((LAT0 * Math.PI) / 180);
const KY = 110540;
const toM = (c: number[]): P => [(c[0] - LON0) * KX, (c[1] - LAT0) * KY];
const ringM = (r: number[][]): Ring => r.map(toM);

function inRing(p: P, ring: Ring): boolean {
  // closed ring (last = first), even–odd rule
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function segDist(p: P, a: P, b: P): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}
function ringDist(p: P, ring: Ring): number {
  let d = Infinity;
  for (let i = 0; i + 1 < ring.length; i++) d = Math.min(d, segDist(p, ring[i], ring[i + 1]));
  return d;
}
const orient = (a: P, b: P, c: P) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
/** Segments ab and cd cross at a point interior to both. */
function properCross(a: P, b: P, c: P, d: P): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}
function segSegDist(a: P, b: P, c: P, d: P): number {
  if (properCross(a, b, c, d)) return 0;
  return Math.min(segDist(a, c, d), segDist(b, c, d), segDist(c, a, b), segDist(d, a, b));
}
function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}
type Box = [number, number, number, number];
function bbox(pts: P[]): Box {
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
const boxesMeet = (a: Box, b: Box, pad = 0) => a[0] - pad <= b[2] && b[0] - pad <= a[2] && a[1] - pad <= b[3] && b[1] - pad <= a[3];

/** A uniform grid over boxes. */
class Grid<T> {
  private cells = new Map<string, T[]>();
  constructor(private size: number) {}
  add(item: T, b: Box) {
    for (let x = Math.floor(b[0] / this.size); x <= Math.floor(b[2] / this.size); x++) {
      for (let y = Math.floor(b[1] / this.size); y <= Math.floor(b[3] / this.size); y++) {
        const k = `${x},${y}`;
        if (!this.cells.has(k)) this.cells.set(k, []);
        this.cells.get(k)!.push(item);
      }
    }
  }
  near(b: Box): T[] {
    const out = new Set<T>();
    for (let x = Math.floor(b[0] / this.size); x <= Math.floor(b[2] / this.size); x++) {
      for (let y = Math.floor(b[1] / this.size); y <= Math.floor(b[3] / this.size); y++) {
        for (const it of this.cells.get(`${x},${y}`) ?? []) out.add(it);
      }
    }
    return [...out];
  }
}

const compounds = city.compounds.features.map((f) => ({ p: f.properties, ring: ringM(f.geometry.coordinates[0][0]), f }));
for (const c of compounds) (c as typeof c & { box: Box }).box = bbox(c.ring);
const cBox = (c: (typeof compounds)[number]) => (c as typeof c & { box: Box }).box;
const compoundById = new Map(compounds.map((c) => [c.p.id, c]));
const compoundGrid = new Grid<(typeof compounds)[number]>(200);
for (const c of compounds) compoundGrid.add(c, cBox(c));
const buildings = city.buildings.features.map((f) => ({ p: f.properties, ring: ringM(f.geometry.coordinates[0]) }));
const nodes = new Map(city.walkNetwork.nodes.map(([id, lon, lat]) => [id, toM([lon, lat])]));

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: invariant checks on one generated demo city
describe("demo-city generator", () => {
  it("is deterministic: the same seed gives byte-identical files", () => {
    const again = serializeCity(generateCity({ seed: SEED }));
    const first = serializeCity(city);
    expect(Object.keys(again)).toEqual(Object.keys(first));
    for (const k of Object.keys(first)) expect(again[k] === first[k], k).toBe(true);
    const other = serializeCity(generateCity({ seed: SEED + 1 }));
    expect(other["compounds.geojson"]).not.toBe(first["compounds.geojson"]);
  });

  it("the committed geodata/demo-city is exactly what the generator writes", () => {
    const sha = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");
    for (const [file, text] of Object.entries(serializeCity(city))) {
      const p = path.join(CITY_DIR, file);
      expect(fs.existsSync(p), `${file} missing: run npx tsx geodata/generator/cli.ts`).toBe(true);
      expect(sha(fs.readFileSync(p)), `${file} drifted from the generator: run npx tsx geodata/generator/cli.ts`).toBe(sha(text));
    }
  });

  it("has the expected size and consistent meta counts", () => {
    expect(compounds.length).toBeGreaterThanOrEqual(150);
    expect(buildings.filter((b) => b.p.compoundId !== null).length).toBeGreaterThanOrEqual(1500);
    expect(city.meta.counts.compounds).toBe(compounds.length);
    expect(city.meta.counts.buildings).toBe(buildings.length);
    expect(city.meta.counts.walkEdges).toBe(city.walkNetwork.edges.length);
    expect(city.walkNetwork.edges.length).toBeGreaterThanOrEqual(20000);
    expect(city.subdistricts.features.length).toBeGreaterThanOrEqual(3);
    expect(city.subdistricts.features.length).toBeLessThanOrEqual(4);
    expect(city.communities.features.length).toBeGreaterThanOrEqual(12);
    expect(city.communities.features.length).toBeLessThanOrEqual(16);
  });

  it("uses unique positive integer ids and the agreed property names", () => {
    const keys: Record<string, string[]> = {
      subdistricts: ["id", "name", "code"],
      communities: ["id", "name", "subdistrictId"],
      compounds: [
        "id",
        "name",
        "address",
        "buildYear",
        "households",
        "buildingCount",
        "floorAreaM2",
        "management",
        "communityId",
        "subdistrictId",
        "tier",
        "status",
        "planYear",
        "startedOn",
        "completedOn",
        "acceptedOn",
        "surveyedHouseholds",
        "satisfiedHouseholds",
      ],
      buildings: ["id", "compoundId", "name", "floors", "units", "hasElevator", "households", "buildYear"],
      gates: ["id", "compoundId", "name", "kind"],
      amenities: ["id", "name", "category", "capacity"],
      renovationItems: ["id", "compoundId", "kind", "quantity", "unit", "costYuan", "status", "tier"],
      streets: ["id", "name", "class", "bridge"],
      water: ["id", "name", "kind"],
    };
    for (const [name, ks] of Object.entries(keys)) {
      const fc = (city as unknown as Record<string, { features: Array<{ properties: Record<string, unknown> }> }>)[name];
      const ids = fc.features.map((f) => f.properties.id as number);
      expect(
        ids.every((i) => Number.isInteger(i) && i > 0),
        name,
      ).toBe(true);
      expect(new Set(ids).size, name).toBe(ids.length);
      for (const f of fc.features) expect(Object.keys(f.properties).sort(), name).toEqual([...ks].sort());
    }
    const names = compounds.map((c) => c.p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("compound footprints are closed, counter-clockwise, simple MultiPolygons", () => {
    for (const c of compounds) {
      const g = c.f.geometry;
      expect(g.type).toBe("MultiPolygon");
      const r = g.coordinates[0][0];
      expect(r[0]).toEqual(r[r.length - 1]);
      expect(signedArea(c.ring)).toBeGreaterThan(500);
      const n = c.ring.length - 1;
      let crossing = false;
      for (let i = 0; i < n; i++) {
        for (let j = i + 2; j < n; j++) {
          if (i === 0 && j === n - 1) continue;
          crossing ||= properCross(c.ring[i], c.ring[i + 1], c.ring[j], c.ring[j + 1]);
        }
      }
      expect(crossing, `compound ${c.p.id} self-intersects`).toBe(false);
    }
  });

  it("no two compound footprints overlap", () => {
    let neighbours = 0;
    let touching = 0;
    const overlapping: string[] = [];
    for (const a of compounds) {
      for (const b of compoundGrid.near(cBox(a))) {
        if (b.p.id <= a.p.id || !boxesMeet(cBox(a), cBox(b))) continue;
        neighbours++;
        let bad = a.ring.slice(0, -1).some((v) => inRing(v, b.ring)) || b.ring.slice(0, -1).some((v) => inRing(v, a.ring));
        for (let i = 0; !bad && i + 1 < a.ring.length; i++) {
          for (let j = 0; !bad && j + 1 < b.ring.length; j++) bad = properCross(a.ring[i], a.ring[i + 1], b.ring[j], b.ring[j + 1]);
        }
        if (bad) overlapping.push(`${a.p.id}×${b.p.id}`);
        if (Math.min(...a.ring.map((v) => ringDist(v, b.ring))) < 1) touching++;
      }
    }
    expect(overlapping).toEqual([]);
    // the check did see many neighbouring pairs
    expect(neighbours).toBeGreaterThan(compounds.length / 5);
    // some compounds share a wall (拆墙并院 candidates)
    expect(touching).toBeGreaterThan(10);
  });

  it("every building lies inside its compound and buildings do not overlap", () => {
    const byCompound = new Map<number, typeof buildings>();
    for (const b of buildings) {
      expect(b.ring.length).toBe(5);
      expect(signedArea(b.ring)).toBeGreaterThan(100);
      if (b.p.compoundId === null) continue;
      const c = compoundById.get(b.p.compoundId)!;
      expect(c, `building ${b.p.id}`).toBeTruthy();
      for (const v of b.ring) expect(inRing(v, c.ring), `building ${b.p.id} outside compound ${c.p.id}`).toBe(true);
      if (!byCompound.has(c.p.id)) byCompound.set(c.p.id, []);
      byCompound.get(c.p.id)!.push(b);
    }
    // separating axis test for convex quadrilaterals
    const separated = (a: Ring, b: Ring) => {
      for (const poly of [a, b]) {
        for (let i = 0; i < 4; i++) {
          const nx = poly[i + 1][1] - poly[i][1];
          const ny = poly[i][0] - poly[i + 1][0];
          const pa = a.slice(0, 4).map((v) => v[0] * nx + v[1] * ny);
          const pb = b.slice(0, 4).map((v) => v[0] * nx + v[1] * ny);
          if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return true;
        }
      }
      return false;
    };
    for (const list of byCompound.values()) {
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          expect(separated(list[i].ring, list[j].ring), `buildings ${list[i].p.id} and ${list[j].p.id} overlap`).toBe(true);
        }
    }
  });

  it("building attributes are plausible and compound households are the sum of its buildings", () => {
    const sum = new Map<number, number>();
    const count = new Map<number, number>();
    for (const b of buildings) {
      expect(b.p.floors).toBeGreaterThanOrEqual(1);
      expect(b.p.units).toBeGreaterThanOrEqual(1);
      if (b.p.compoundId === null) continue;
      expect([2, 3].map((k) => b.p.units * b.p.floors * k)).toContain(b.p.households);
      if (b.p.floors >= 8) expect(b.p.hasElevator).toBe(true);
      sum.set(b.p.compoundId, (sum.get(b.p.compoundId) ?? 0) + b.p.households);
      count.set(b.p.compoundId, (count.get(b.p.compoundId) ?? 0) + 1);
    }
    for (const c of compounds) {
      expect(c.p.households, c.p.name).toBe(sum.get(c.p.id));
      expect(c.p.buildingCount, c.p.name).toBe(count.get(c.p.id));
      expect(c.p.households).toBeGreaterThanOrEqual(50);
      expect(c.p.households).toBeLessThanOrEqual(2000);
    }
  });

  it("build years span 1980–2015 with most compounds from before 2000", () => {
    for (const c of compounds) {
      expect(c.p.buildYear).toBeGreaterThanOrEqual(1980);
      expect(c.p.buildYear).toBeLessThanOrEqual(2015);
    }
    const old = compounds.filter((c) => c.p.buildYear < 2000).length;
    expect(old / compounds.length).toBeGreaterThanOrEqual(0.6);
    // old walk-ups have no elevator unless retrofitted in a finished renovation
    const done = new Set(compounds.filter((c) => c.p.status === "completed" || c.p.status === "accepted").map((c) => c.p.id));
    for (const b of buildings) {
      if (b.p.compoundId !== null && b.p.buildYear < 2000 && b.p.hasElevator) expect(done.has(b.p.compoundId)).toBe(true);
    }
  });

  it("gates lie on their compound's boundary, on a side facing a street or alley", () => {
    const perCompound = new Map<number, number>();
    const edgeGrid = new Grid<[P, P]>(100);
    for (const [, s, t] of city.walkNetwork.edges) {
      const a = nodes.get(s)!;
      const b = nodes.get(t)!;
      edgeGrid.add([a, b], bbox([a, b]));
    }
    for (const f of city.gates.features) {
      const g = toM(f.geometry.coordinates);
      const c = compoundById.get(f.properties.compoundId)!;
      expect(c).toBeTruthy();
      expect(ringDist(g, c.ring), `gate ${f.properties.id}`).toBeLessThan(0.5);
      expect(["main", "pedestrian", "vehicle"]).toContain(f.properties.kind);
      expect(f.properties.name).toMatch(/^[东南西北]/);
      perCompound.set(c.p.id, (perCompound.get(c.p.id) ?? 0) + 1);
      // not on a wall shared with another compound
      for (const o of compoundGrid.near([g[0] - 2, g[1] - 2, g[0] + 2, g[1] + 2])) {
        if (o.p.id !== c.p.id) expect(ringDist(g, o.ring), `gate ${f.properties.id} on a shared wall`).toBeGreaterThan(1);
      }
      // a walk edge (street, alley or sidewalk) within reach
      const near = edgeGrid.near([g[0] - 35, g[1] - 35, g[0] + 35, g[1] + 35]);
      expect(Math.min(...near.map(([a, b]) => segDist(g, a, b))), `gate ${f.properties.id} far from the walk network`).toBeLessThan(35);
    }
    for (const c of compounds) {
      const n = perCompound.get(c.p.id) ?? 0;
      expect(n, c.p.name).toBeGreaterThanOrEqual(1);
      expect(n, c.p.name).toBeLessThanOrEqual(3);
    }
  });

  it("every standards category has at least one amenity", () => {
    const codes = new Set(standards.categories.map((c) => c.code));
    const present = new Set(city.amenities.features.map((f) => f.properties.category));
    for (const c of codes) expect(present.has(c), c).toBe(true);
    for (const p of present) expect(codes.has(p), p).toBe(true);
    // realistic gaps: a clear share of compounds has no kindergarten within 300 m (straight line)
    const kg = city.amenities.features.filter((f) => f.properties.category === "kindergarten").map((f) => toM(f.geometry.coordinates));
    const without = compounds.filter((c) => kg.every((k) => !inRing(k, c.ring) && ringDist(k, c.ring) > 300)).length;
    expect(without / compounds.length).toBeGreaterThan(0.15);
    expect(without / compounds.length).toBeLessThan(0.5);
  });

  it("renovation status, plan years and dates are consistent", () => {
    const limit = "2026-11-01";
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    for (const { p } of compounds) {
      expect(["unlisted", "planned", "started", "completed", "accepted"]).toContain(p.status);
      expect(p.planYear === null, p.name).toBe(p.status === "unlisted");
      expect(p.tier === null, p.name).toBe(p.status === "unlisted");
      for (const d of [p.startedOn, p.completedOn, p.acceptedOn])
        if (d !== null) {
          expect(d).toMatch(iso);
          expect(d <= limit).toBe(true);
          expect(d <= city.meta.statusAsOf).toBe(true);
        }
      const started = p.status === "started" || p.status === "completed" || p.status === "accepted";
      expect(p.startedOn !== null, p.name).toBe(started);
      expect(p.completedOn !== null, p.name).toBe(p.status === "completed" || p.status === "accepted");
      expect(p.acceptedOn !== null, p.name).toBe(p.status === "accepted");
      if (p.startedOn) expect(p.startedOn >= `${p.planYear}-01-01`, p.name).toBe(true);
      if (p.completedOn) expect(p.completedOn > p.startedOn!, p.name).toBe(true);
      if (p.acceptedOn) expect(p.acceptedOn > p.completedOn!, p.name).toBe(true);
      if (p.status === "accepted") {
        expect(p.surveyedHouseholds!).toBeGreaterThanOrEqual(Math.ceil(p.households * costs.acceptance.minSurveyedShare));
        expect(p.satisfiedHouseholds!).toBeGreaterThanOrEqual(Math.ceil(p.surveyedHouseholds! * costs.acceptance.minSatisfiedShare));
      }
      if (p.surveyedHouseholds !== null) {
        expect(p.surveyedHouseholds).toBeLessThanOrEqual(p.households);
        expect(p.satisfiedHouseholds!).toBeLessThanOrEqual(p.surveyedHouseholds);
      }
      if (p.status === "planned" || p.status === "unlisted") expect(p.surveyedHouseholds).toBeNull();
    }
    // rates like 周口's: 2019 batch nearly all finished, 2020 batch ~96% started
    const batch = (y: number) => compounds.filter((c) => c.p.planYear === y);
    const y19 = batch(2019);
    const y20 = batch(2020);
    expect(y19.filter((c) => c.p.status === "completed" || c.p.status === "accepted").length / y19.length).toBeGreaterThan(0.9);
    expect(y20.filter((c) => c.p.status !== "planned").length / y20.length).toBeGreaterThan(0.9);
    const listedOld = compounds.filter((c) => c.p.buildYear < 2000 && c.p.status !== "unlisted").length;
    expect(listedOld / compounds.filter((c) => c.p.buildYear < 2000).length).toBeGreaterThan(0.8);
  });

  it("renovation items follow the menu, unit costs and compound status", () => {
    const kinds = new Map(costs.items.map((i) => [i.kind, i]));
    const rank = { basic: 0, complete: 1, enhanced: 2 } as const;
    const withGeometry = new Set(["parking_space", "charging_pile", "charging_shed", "elevator"]);
    const bRings = new Map<number, Array<(typeof buildings)[number]>>();
    for (const b of buildings)
      if (b.p.compoundId !== null) {
        if (!bRings.has(b.p.compoundId)) bRings.set(b.p.compoundId, []);
        bRings.get(b.p.compoundId)!.push(b);
      }
    const perCompound = new Map<number, number>();
    for (const f of city.renovationItems.features) {
      const it = f.properties;
      const k = kinds.get(it.kind)!;
      expect(k, it.kind).toBeTruthy();
      expect(it.unit).toBe(k.unit);
      expect(it.tier).toBe(k.tier);
      expect(it.quantity).toBeGreaterThan(0);
      expect(it.costYuan).toBe(Math.round(it.quantity * k.unitCostYuan));
      const c = compoundById.get(it.compoundId)!;
      expect(c.p.status).not.toBe("unlisted");
      expect(rank[it.tier as keyof typeof rank]).toBeLessThanOrEqual(rank[c.p.tier as keyof typeof rank]);
      if (c.p.status === "planned") expect(it.status).toBe("planned");
      if (c.p.status === "completed" || c.p.status === "accepted") expect(it.status).toBe("completed");
      perCompound.set(c.p.id, (perCompound.get(c.p.id) ?? 0) + it.costYuan);
      if (!withGeometry.has(it.kind)) {
        expect(f.geometry).toBeNull();
        continue;
      }
      expect(f.geometry?.type).toBe("Point");
      const pt = toM(f.geometry!.coordinates as number[]);
      expect(inRing(pt, c.ring) || ringDist(pt, c.ring) < 0.5, `${it.kind} ${it.id} outside its compound`).toBe(true);
      if (it.kind === "elevator") {
        const d = Math.min(...(bRings.get(c.p.id) ?? []).map((b) => ringDist(pt, b.ring)));
        expect(d, `elevator ${it.id} not on a building edge`).toBeLessThan(0.5);
      }
    }
    // investment per listed compound in a realistic range (万元)
    const wan = [...perCompound.values()].map((y) => y / 10000);
    expect(Math.max(...wan)).toBeLessThan(5000);
    const mean = wan.reduce((a, b) => a + b, 0) / wan.length;
    expect(mean).toBeGreaterThan(50);
    expect(mean).toBeLessThan(1000);
  });

  it("communities and subdistricts tile the district and contain their compounds", () => {
    const comm = new Map(city.communities.features.map((f) => [f.properties.id, { p: f.properties, ring: ringM(f.geometry.coordinates[0][0]) }]));
    const sdArea = city.subdistricts.features.reduce((s, f) => s + signedArea(ringM(f.geometry.coordinates[0][0])), 0);
    const cmArea = [...comm.values()].reduce((s, c) => s + signedArea(c.ring), 0);
    expect(Math.abs(sdArea - cmArea) / sdArea).toBeLessThan(1e-6);
    const [x0, y0] = toM([city.meta.bbox[0], city.meta.bbox[1]]);
    const [x1, y1] = toM([city.meta.bbox[2], city.meta.bbox[3]]);
    expect(cmArea / ((x1 - x0) * (y1 - y0))).toBeGreaterThan(0.95);
    for (const c of compounds) {
      const cm = comm.get(c.p.communityId)!;
      expect(cm).toBeTruthy();
      expect(cm.p.subdistrictId).toBe(c.p.subdistrictId);
      for (const v of c.ring) expect(inRing(v, cm.ring), `compound ${c.p.id} leaves community ${cm.p.id}`).toBe(true);
    }
  });

  it("the walk network is a proper, connected graph", () => {
    const ids = city.walkNetwork.nodes.map((n) => n[0]);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set<string>();
    const parent = new Map<number, number>(ids.map((i) => [i, i]));
    const find = (x: number): number => {
      while (parent.get(x) !== x) {
        parent.set(x, parent.get(parent.get(x)!)!);
        x = parent.get(x)!;
      }
      return x;
    };
    const classes = new Set(["arterial", "branch", "alley", "footway"]);
    const edgeIds = new Set<number>();
    for (const [id, s, t, cls] of city.walkNetwork.edges) {
      expect(classes.has(cls)).toBe(true);
      edgeIds.add(id);
      expect(nodes.has(s) && nodes.has(t)).toBe(true);
      expect(s).not.toBe(t);
      const key = s < t ? `${s}-${t}` : `${t}-${s}`;
      expect(seen.has(key), `duplicate edge ${id}`).toBe(false);
      seen.add(key);
      const a = nodes.get(s)!;
      const b = nodes.get(t)!;
      expect(Math.hypot(b[0] - a[0], b[1] - a[1]), `edge ${id} has zero length`).toBeGreaterThan(0.05);
      parent.set(find(s), find(t));
    }
    expect(edgeIds.size).toBe(city.walkNetwork.edges.length);
    const sizes = new Map<number, number>();
    for (const i of ids) sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1);
    expect(Math.max(...sizes.values()) / ids.length).toBeGreaterThanOrEqual(0.98);
    expect(sizes.size).toBeLessThanOrEqual(3);
  });

  it("no walk edge crosses the river except on a bridge", () => {
    const river = city.water.features.find((f) => f.properties.kind === "river")!;
    const rings = (river.geometry.type === "Polygon" ? [river.geometry.coordinates] : river.geometry.coordinates).map((poly) => ringM(poly[0] as number[][]));
    const bridges = city.streets.features.filter((f) => f.properties.bridge).map((f) => f.geometry.coordinates.map(toM));
    expect(bridges.length).toBeGreaterThanOrEqual(3);
    const onBridge = (p: P) => bridges.some((line) => line.some((v, i) => i > 0 && segDist(p, line[i - 1], v) < 0.05));
    let bridgeEdges = 0;
    for (const ring of rings) {
      const rb = bbox(ring);
      for (const [id, s, t] of city.walkNetwork.edges) {
        const a = nodes.get(s)!;
        const b = nodes.get(t)!;
        if (!boxesMeet(bbox([a, b]), rb)) continue;
        let wet = inRing(a, ring) || inRing(b, ring);
        for (let i = 0; !wet && i + 1 < ring.length; i++) wet = properCross(a, b, ring[i], ring[i + 1]);
        if (!wet) continue;
        bridgeEdges++;
        expect(onBridge(a) && onBridge(b), `walk edge ${id} crosses the river off a bridge`).toBe(true);
      }
    }
    expect(bridgeEdges).toBeGreaterThan(0);
    // streets other than bridges stay dry too
    const wetStreets: number[] = [];
    for (const f of city.streets.features) {
      if (f.properties.bridge) continue;
      const line = f.geometry.coordinates.map(toM);
      for (const ring of rings) {
        if (!boxesMeet(bbox(line), bbox(ring))) continue;
        let wet = false;
        for (let i = 0; !wet && i + 1 < line.length; i++) {
          wet = inRing(line[i], ring);
          for (let j = 0; !wet && j + 1 < ring.length; j++) wet = properCross(line[i], line[i + 1], ring[j], ring[j + 1]);
        }
        if (wet) wetStreets.push(f.properties.id);
      }
    }
    expect(wetStreets).toEqual([]);
  });

  it("no walk edge passes through a compound", () => {
    let minGap = Infinity;
    const bad: string[] = [];
    for (const [id, s, t] of city.walkNetwork.edges) {
      const a = nodes.get(s)!;
      const b = nodes.get(t)!;
      const eb = bbox([a, b]);
      for (const c of compoundGrid.near([eb[0] - 3, eb[1] - 3, eb[2] + 3, eb[3] + 3])) {
        if (!boxesMeet(eb, cBox(c), 3)) continue;
        if (inRing(a, c.ring) || inRing(b, c.ring)) bad.push(`${id} in ${c.p.id}`);
        for (let i = 0; i + 1 < c.ring.length; i++) {
          const d = segSegDist(a, b, c.ring[i], c.ring[i + 1]);
          if (d === 0) bad.push(`${id} × ${c.p.id}`);
          minGap = Math.min(minGap, d);
        }
      }
    }
    expect(bad).toEqual([]);
    // alleys keep ~5 m from compound walls, streets more
    expect(minGap).toBeGreaterThan(3);
  });
});

describe("Chinese numerals for the generated names", () => {
  it("count past 九十九 the way the names are written (一百零五, 一千零一十, 一万二千三百四十五)", () => {
    const want: Array<[number, string]> = [
      [7, "七"],
      [10, "十"],
      [12, "十二"],
      [21, "二十一"],
      [99, "九十九"],
      [100, "一百"],
      [105, "一百零五"],
      [110, "一百一十"],
      [250, "二百五十"],
      [1010, "一千零一十"],
      [3210, "三千二百一十"],
      [10010, "一万零一十"],
      [12345, "一万二千三百四十五"],
    ];
    for (const [n, zh] of want) expect(zhNumber(n), String(n)).toBe(zh);
  });
});
