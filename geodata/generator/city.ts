/**
 * Deterministic demo-city generator: a mid-size Chinese district modelled on 周口市川汇区
 * (centre 114.64°E, 33.62°N), about 4 × 4 km at scale 1, with streets, a river with bridges,
 * subdistricts and communities, gated compounds with buildings and gates, amenities, renovation
 * status and items, and a raw-OSM-like walk network.
 *
 * Pure: no I/O, no clock, no Math.random — the same options always give the same city.
 *
 * @example
 * const city = generateCity({ seed: 20190601, scale: 1 });
 * city.compounds.features.length; // ≥ 150
 */
import { Rng } from "./rng.js";
import { buildPlan, sampledRectRing, type Plan } from "./layout.js";
import { type Network, buildNetwork } from "./network.js";
import { assignLandUse } from "./landuse.js";
import { type BuildingRec, type CompoundRec, type GateRec, STATUS_AS_OF, assignStatus, buildCompounds } from "./compounds.js";
import { buildItems, type Costs, type ItemRec } from "./renovation.js";
import { type AmenityRec, buildAmenities, type Standards } from "./amenities.js";
import { DEMO_PLANE, bboxOf, demoPlaneMetresPerDegree } from "../../web/src/analysis/geo.js";
import { type XY, signedArea } from "./geom.js";
import type { City, CityMeta, Feature, FeatureCollection, Geometry, MultiPolygonGeometry, PolygonGeometry, Position, Ring, StreetClass } from "./types.js";
import costsJson from "../costs.json";
import standardsJson from "../standards.json";

export type { City } from "./types.js";

export const DEFAULT_SEED = 20190601;
export const CENTER: Position = [114.64, 33.62];

export interface GenerateOptions {
  /** PRNG seed (integer); default 20190601. */
  seed?: number;
  /** Area multiplier: the district side grows by √scale; default 1 (≈ 4 × 4 km). */
  scale?: number;
  /** Renovation menu and unit costs (default: geodata/costs.json). */
  costs?: Costs;
  /** Standards profile (default: geodata/standards.json). */
  standards?: Standards;
  /** Progress lines (the CLI prints them). */
  onProgress?: (message: string) => void;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** Local metres (x east, y north) → [lon, lat] rounded to 7 decimals (~1 cm). */
export function makeProjection(center: Position = CENTER): (p: XY) => Position {
  const [lon0, lat0] = center;
  const plane = demoPlaneMetresPerDegree(lat0);
  const kx = 1 / plane.lon;
  const ky = 1 / plane.lat;
  return ([x, y]) => [round7(lon0 + x * kx), round7(lat0 + y * ky)];
}

function feature<G extends Geometry | null, P extends { id: number }>(properties: P, geometry: G): Feature<G, P> {
  return { type: "Feature", id: properties.id, properties, geometry };
}

function collection<G extends Geometry | null, P extends { id: number }>(features: Array<Feature<G, P>>): FeatureCollection<G, P> {
  return { type: "FeatureCollection", features };
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the generator's pipeline: each stage takes the previous stages' output, in a fixed random-number order
export function generateCity(options: GenerateOptions = {}): City {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 400) throw new RangeError(`scale must be in (0, 400], got ${scale}`);
  const costs = options.costs ?? (costsJson as unknown as Costs);
  const standards = options.standards ?? (standardsJson as unknown as Standards);
  const log = options.onProgress ?? (() => {});
  const rng = new Rng(seed);
  const proj = makeProjection();

  log(`plan: lattice, river, communities, blocks (scale ${scale})`);
  const plan = buildPlan(rng.fork("plan"), scale);
  log(`walk network: ${plan.lines.length} lines`);
  const net = buildNetwork(plan, rng.fork("network"));
  log(`land use: ${plan.parcels.length} parcels`);
  const uses = assignLandUse(plan, rng.fork("landuse"), scale);
  log("compounds, buildings, gates");
  const { compounds, others, buildings, gates } = buildCompounds(plan, uses, rng.fork("compounds"));
  assignStatus(compounds, rng.fork("status"));
  log("renovation items");
  const items = buildItems(plan, compounds, costs, rng.fork("items"));
  log("amenities");
  const { amenities, uncovered } = buildAmenities(plan, compounds, others, standards, rng.fork("amenities"), scale);

  const ring = (pts: XY[]): Ring => {
    const ccw = signedArea(pts) > 0 ? pts : [...pts].reverse();
    const r = ccw.map(proj);
    r.push(r[0]);
    return r;
  };
  const hole = (pts: XY[]): Ring => {
    const cw = signedArea(pts) < 0 ? pts : [...pts].reverse();
    const r = cw.map(proj);
    r.push(r[0]);
    return r;
  };
  const multi = (pts: XY[]): MultiPolygonGeometry => ({ type: "MultiPolygon", coordinates: [[ring(pts)]] });
  const uvRing = (r: { u0: number; u1: number; v0: number; v1: number }) => sampledRectRing(plan, r).map(([u, v]) => plan.warp.map(u, v));

  log("features");
  const subdistricts = collection(
    plan.subdistricts.map((sd) =>
      feature({ id: sd.id, name: sd.name, code: sd.code }, multi(uvRing({ u0: plan.U[sd.i0], u1: plan.U[sd.i1], v0: plan.V[sd.j0], v1: plan.V[sd.j1] }))),
    ),
  );
  const communities = collection(plan.communities.map((cm) => feature({ id: cm.id, name: cm.name, subdistrictId: cm.subdistrict }, multi(uvRing(cm.cells)))));
  const compoundsFc = collection(
    compounds.map((c) =>
      feature(
        {
          id: c.id,
          name: c.name,
          address: c.address,
          buildYear: c.buildYear,
          households: c.households,
          buildingCount: c.buildings.length,
          floorAreaM2: c.floorAreaM2,
          management: c.management,
          communityId: c.communityId,
          subdistrictId: c.subdistrictId,
          tier: c.tier,
          status: c.status,
          planYear: c.planYear,
          startedOn: c.startedOn,
          completedOn: c.completedOn,
          acceptedOn: c.acceptedOn,
          surveyedHouseholds: c.surveyedHouseholds,
          satisfiedHouseholds: c.satisfiedHouseholds,
        },
        multi(c.ring),
      ),
    ),
  );
  const buildingsFc = collection(
    buildings.map((b) =>
      feature(
        {
          id: b.id,
          compoundId: b.compoundId,
          name: b.name,
          floors: b.floors,
          units: b.units,
          hasElevator: b.hasElevator,
          households: b.households,
          buildYear: b.buildYear,
        },
        { type: "Polygon", coordinates: [ring(b.corners)] } as PolygonGeometry,
      ),
    ),
  );
  const gatesFc = collection(
    gates.map((g) => feature({ id: g.id, compoundId: g.compoundId, name: g.name, kind: g.kind }, { type: "Point" as const, coordinates: proj(g.xy) })),
  );
  const amenitiesFc = collection(
    amenities.map((a) => feature({ id: a.id, name: a.name, category: a.category, capacity: a.capacity }, { type: "Point" as const, coordinates: proj(a.xy) })),
  );
  const itemsFc = collection(
    items.map((it) =>
      feature(
        { id: it.id, compoundId: it.compoundId, kind: it.kind, quantity: it.quantity, unit: it.unit, costYuan: it.costYuan, status: it.status, tier: it.tier },
        it.point ? { type: "Point" as const, coordinates: proj(it.point) } : null,
      ),
    ),
  );
  const streetsFc = collection(
    net.streets.map((s, k) =>
      feature({ id: k + 1, name: s.name, class: s.cls, bridge: s.bridge }, { type: "LineString" as const, coordinates: s.xy.map(proj) }),
    ),
  );
  const waterFc = collection(
    waterPolygons(plan).map((w, k) =>
      feature({ id: k + 1, name: w.name, kind: w.kind }, { type: "Polygon" as const, coordinates: [ring(w.outer), ...w.holes.map(hole)] }),
    ),
  );
  const walkNetwork = {
    nodes: net.nodeX.map((x, k) => {
      const [lon, lat] = proj([x, net.nodeY[k]]);
      return [k + 1, lon, lat] as [number, number, number];
    }),
    edges: net.edgeS.map((s, k) => [k + 1, s, net.edgeT[k], net.edgeCls[k]] as [number, number, number, StreetClass]),
  };

  const layers = {
    subdistricts,
    communities,
    compounds: compoundsFc,
    buildings: buildingsFc,
    gates: gatesFc,
    amenities: amenitiesFc,
    renovationItems: itemsFc,
    streets: streetsFc,
    water: waterFc,
    walkNetwork,
  };
  const meta = buildMeta(seed, scale, { plan, net, compounds, buildings, gates, amenities, items, uncovered }, layers);
  return { meta, ...layers };
}

/** meta.json: counts, status by plan year, investment and notes, from the stages' records and the built layers. */
function buildMeta(
  seed: number,
  scale: number,
  stages: {
    plan: Plan;
    net: Network;
    compounds: CompoundRec[];
    buildings: BuildingRec[];
    gates: GateRec[];
    amenities: AmenityRec[];
    items: ItemRec[];
    uncovered: Record<string, number>;
  },
  layers: Omit<City, "meta">,
): CityMeta {
  const { plan, net, compounds, buildings, gates, amenities, items, uncovered } = stages;
  const { subdistricts, communities, streets: streetsFc, water: waterFc, walkNetwork } = layers;
  // The subdistricts' outer rings hold the whole district.
  const bbox = bboxOf(subdistricts.features.map((f) => f.geometry.coordinates[0][0]));
  const countBy = <T>(xs: T[], key: (x: T) => string) => {
    const m: Record<string, number> = {};
    for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(m).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  };
  const byYear: Record<string, Record<string, number>> = {};
  const statusOrder = ["planned", "started", "completed", "accepted", "unlisted"];
  const years = [...new Set(compounds.map((c) => (c.planYear === null ? "unlisted" : String(c.planYear))))].sort();
  for (const y of years) {
    const group = compounds.filter((c) => (c.planYear === null ? "unlisted" : String(c.planYear)) === y);
    byYear[y] = {};
    for (const st of statusOrder) {
      const n = group.filter((c) => c.status === st).length;
      if (n > 0) byYear[y][st] = n;
    }
  }
  const investment = items.reduce((s, i) => s + i.costYuan, 0);
  const listed = compounds.filter((c) => c.planYear !== null).length;
  return {
    seed,
    scale,
    center: CENTER,
    bbox,
    statusAsOf: STATUS_AS_OF,
    counts: {
      subdistricts: subdistricts.features.length,
      communities: communities.features.length,
      compounds: compounds.length,
      buildings: buildings.length,
      buildingsInCompounds: buildings.filter((b) => b.compoundId !== null).length,
      households: compounds.reduce((s, c) => s + c.households, 0),
      gates: gates.length,
      amenities: amenities.length,
      amenitiesByCategory: countBy(amenities, (a) => a.category),
      renovationItems: items.length,
      elevatorsRetrofitted: items.filter((i) => i.kind === "elevator" && i.status === "completed").length,
      streets: streetsFc.features.length,
      bridges: plan.bridges.length,
      water: waterFc.features.length,
      walkNodes: walkNetwork.nodes.length,
      walkEdges: walkNetwork.edges.length,
      walkComponents: net.components.length,
      walkLargestComponentNodes: net.components[0] ?? 0,
      walkDeadEnds: net.deadEnds,
      alleys: net.alleyCount,
      deadEndAlleys: net.deadEndAlleys,
      droppedBranchSegments: plan.droppedSegments,
      builtBefore2000: compounds.filter((c) => c.buildYear < 2000).length,
      statusByPlanYear: byYear,
      investmentWanYuan: Math.round(investment / 10000),
      investmentPerListedCompoundWanYuan: listed ? Math.round(investment / 10000 / listed) : 0,
      uncoveredShareStraightLine: uncovered,
    } as unknown as CityMeta["counts"],
    notes: [
      "Synthetic demo district modelled on 周口市川汇区; names of compounds from the seed reports (电力小区, 人行家属院, 老冰棍厂小区 …) are reused for flavour, everything else is generated.",
      `Local metres: lon = 114.64 + x/(${DEMO_PLANE.lonMPerDegAtEquator}·cos 33.62°), lat = 33.62 + y/${DEMO_PLANE.latMPerDeg}; coordinates rounded to 7 decimals. Generated by geodata/generator (seed ${seed}, scale ${scale}); do not edit by hand.`,
      `Status snapshot as of ${STATUS_AS_OF}: plan years 2019–2025 follow the 周口 rates (2019: ~97% completed; 2020: ~96.5% started).`,
      "Compounds separated by a wall are ~0.5 m apart (a wall line, no overlap; 拆墙并院 candidates); compound walls stand ≥ 6 m from alley (巷) centrelines, ≥ 10 m from branch roads and ≥ 22 m from arterials.",
      "Walk network: streets, alleys, footways and arterial sidewalks (人行道, class footway), split at every junction and densified to ~10 m edges. Compound interiors are not in it; gates lie on compound boundaries 6–20 m from the nearest walk edge (street, alley or sidewalk), so snap them to the network.",
      "The 湖心岛步道 path on the island in the first park's pond is deliberately disconnected from the rest of the walk network (reached by boat).",
      "The river (沙颍河) is crossed only on bridges (streets with bridge=true); no other street or walk edge crosses water.",
      "uncoveredShareStraightLine: share of compounds with no facility of the category within its standards limit, straight line from the footprint (network distances are longer).",
    ],
  };
}

function waterPolygons(plan: Plan): Array<{ name: string; kind: "river" | "pond"; outer: XY[]; holes: XY[][] }> {
  const out: Array<{ name: string; kind: "river" | "pond"; outer: XY[]; holes: XY[][] }> = [];
  const u0 = plan.U[0];
  const u1 = plan.U[plan.U.length - 1];
  const us: number[] = [];
  const n = Math.ceil((u1 - u0) / 20);
  for (let k = 0; k <= n; k++) us.push(u0 + ((u1 - u0) * k) / n);
  const south = us.map((u) => plan.warp.map(u, plan.riverSouth(u)));
  const north = [...us].reverse().map((u) => plan.warp.map(u, plan.riverNorth(u)));
  out.push({ name: "沙颍河", kind: "river", outer: [...south, ...north], holes: [] });
  for (const p of plan.parks) {
    const ell = (e: { cu: number; cv: number; ru: number; rv: number }, k: number) => {
      const pts: XY[] = [];
      for (let q = 0; q < k; q++) {
        const t = (2 * Math.PI * q) / k;
        // a slightly irregular shore
        const w = 1 + 0.06 * Math.sin(3 * t + e.cu) + 0.04 * Math.cos(5 * t + e.cv);
        pts.push(plan.warp.map(e.cu + e.ru * w * Math.cos(t), e.cv + e.rv * w * Math.sin(t)));
      }
      return pts;
    };
    out.push({ name: `${p.name}湖`, kind: "pond", outer: ell(p.pond, 64), holes: p.island ? [ell(p.island, 24)] : [] });
  }
  return out;
}
