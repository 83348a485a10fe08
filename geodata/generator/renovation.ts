/**
 * Renovation items (改造项目, 菜单式改造) for listed compounds: a menu chosen by tier (basic only;
 * basic + complete; all three), quantities from the compound itself (roofs from building
 * footprints, households, buildings, units, perimeter), cost = quantity × unit cost from
 * costs.json. Parking, chargers, sheds and elevators get a point on the map; a completed elevator
 * retrofit sets the building's hasElevator.
 */
import type { Rng } from "./rng.js";
import type { CompoundRec } from "./compounds.js";
import type { ItemStatus, RenovationItemProps, Tier } from "./types.js";
import { type XY, distToRing, pointInRing } from "./geom.js";
import type { Plan } from "./layout.js";

export interface CostItem {
  kind: string;
  tier: Tier;
  unit: string;
  unitCostYuan: number;
  nameZh?: string;
}
export interface Costs {
  items: CostItem[];
}

/** A renovation item as generated: the served properties and where it sits (local metres). */
export interface ItemRec extends RenovationItemProps {
  point: XY | null;
}

const TIER_RANK: Record<Tier, number> = { basic: 0, complete: 1, enhanced: 2 };

/** Items the seed reports name for their compounds: kind → quantity (null = from the compound). */
const SEED_ITEMS: Record<string, Record<string, number | null>> = {
  老冰棍厂小区: {
    parking_space: 40,
    bicycle_shed: 1,
    access_control: 1,
    public_toilet: 29,
    security: 1,
    power_upgrade: null,
    stairwell: null,
    roof_waterproofing: null,
    activity_space: null,
  },
  人行家属院: {
    roof_waterproofing: null,
    cable_tidying: null,
    parking_space: null,
    charging_shed: 1,
    facade: null,
    sewer_separation: null,
    road_repair: null,
    elder_care_room: 180,
    canteen: 120,
  },
  电力小区: { elevator: null, barrier_free: null, roof_waterproofing: null, facade: null, greening: null },
  邮政小区: { greening: null, fitness_equipment: 2, activity_space: 600, road_repair: null, lighting: null },
  网通小区: {
    road_repair: null,
    sewer_separation: null,
    greening: null,
    roof_waterproofing: null,
    facade: null,
    cable_tidying: null,
    parking_space: null,
    charging_pile: null,
    lighting: null,
    water_supply: null,
  },
  万户新村: { fitness_equipment: 3, greening: null, road_repair: null, sewer_separation: null },
  集英花园: { fitness_equipment: 2, parking_space: null, barrier_free: null, road_repair: null },
  碧波水岸小区: { road_repair: null, sewer_separation: null, lighting: null },
};

/** Chance of each menu item, by tier (basic, complete, enhanced); scaled down for seed compounds with reported items. */
const BASIC_P: Record<string, number> = {
  roof_waterproofing: 0.85,
  sewer_separation: 0.6,
  water_supply: 0.45,
  power_upgrade: 0.5,
  gas_pipes: 0.3,
  road_repair: 0.8,
  cable_tidying: 0.75,
  lighting: 0.6,
  security: 0.45,
  fire_access: 0.35,
  facade: 0.45,
  stairwell: 0.4,
};
const COMPLETE_P: Record<string, number> = {
  greening: 0.6,
  parking_space: 0.7,
  bicycle_shed: 0.35,
  charging_pile: 0.6,
  charging_shed: 0.45,
  elevator: 0,
  barrier_free: 0.35,
  property_room: 0.25,
  public_toilet: 0.1,
  parcel_locker: 0.35,
  access_control: 0.45,
};
const ENHANCED_P: Record<string, number> = {
  elder_care_room: 0.4,
  childcare_room: 0.2,
  canteen: 0.25,
  clinic: 0.15,
  activity_space: 0.5,
  fitness_equipment: 0.55,
  convenience_shop: 0.2,
  smart_services: 0.3,
};

/** How much of an item a compound gets, from its size (quantities in the item's unit). */
function quantityFor(kind: string, c: CompoundRec, m: { footprint: number; facadeArea: number; units: number }, r: Rng): number {
  const { footprint, facadeArea, units } = m;
  const hh = c.households;
  const nb = c.buildings.length;
  switch (kind) {
    case "roof_waterproofing":
      return Math.round(footprint * r.float(0.85, 1));
    case "sewer_separation":
      return Math.round(c.perimeterM * r.float(0.5, 0.9) + nb * r.float(15, 30));
    case "water_supply":
    case "power_upgrade":
    case "gas_pipes":
      return Math.max(1, Math.round(hh * r.float(0.6, 1)));
    case "road_repair":
      return Math.round(c.areaM2 * r.float(0.06, 0.12));
    case "cable_tidying":
      return nb;
    case "lighting":
      return Math.max(4, Math.round(c.perimeterM / r.float(30, 45)));
    case "security":
      return 1 + Math.floor(c.gates.length / 2);
    case "fire_access":
      return r.int(1, 3);
    case "facade":
      return Math.round(facadeArea * r.float(0.25, 0.5));
    case "stairwell":
      return Math.max(1, Math.round(units * r.float(0.6, 1)));
    case "greening":
      return Math.round(c.areaM2 * r.float(0.04, 0.1));
    case "parking_space":
      return Math.max(8, Math.round(hh * r.float(0.04, 0.1)));
    case "bicycle_shed":
      return r.int(1, 2);
    case "charging_pile":
      return Math.max(4, Math.round(hh * r.float(0.02, 0.05)));
    case "charging_shed":
      return 1;
    case "elevator":
      return 1;
    case "barrier_free":
      return r.int(1, 4);
    case "property_room":
      return r.int(30, 80);
    case "public_toilet":
      return r.int(20, 40);
    case "parcel_locker":
      return r.int(1, 3);
    case "access_control":
      return Math.max(1, c.gates.length);
    case "elder_care_room":
      return r.int(80, 260);
    case "childcare_room":
      return r.int(60, 180);
    case "canteen":
      return r.int(80, 200);
    case "clinic":
      return r.int(40, 100);
    case "activity_space":
      return r.int(200, 1000);
    case "fitness_equipment":
      return r.int(1, 3);
    case "convenience_shop":
      return r.int(50, 150);
    case "smart_services":
      return 1;
    default:
      return 1;
  }
}

export function buildItems(plan: Plan, compounds: CompoundRec[], costs: Costs, rng: Rng): ItemRec[] {
  const byKind = new Map(costs.items.map((i) => [i.kind, i]));
  const items: ItemRec[] = [];
  for (const c of compounds) {
    if (c.planYear === null || !c.tier) continue;
    const r = rng.fork(c.id);
    const tier = c.tier;
    const allowed = costs.items.filter((i) => TIER_RANK[i.tier] <= TIER_RANK[tier]);
    const footprint = c.buildings.reduce((s, b) => s + b.lengthM * b.depthM, 0);
    const facadeArea = c.buildings.reduce((s, b) => s + 2 * (b.lengthM + b.depthM) * b.floors * 3, 0);
    const units = c.buildings.reduce((s, b) => s + b.units, 0);
    const hh = c.households;
    // choose the menu
    const chosen = new Map<string, number | null>();
    const seedItems = c.seed ? SEED_ITEMS[c.seed] : undefined;
    if (seedItems) for (const [k, q] of Object.entries(seedItems)) if (allowed.some((i) => i.kind === k)) chosen.set(k, q);
    const shrink = seedItems ? 0.3 : 1;
    for (const it of allowed) {
      if (chosen.has(it.kind)) continue;
      const p = (BASIC_P[it.kind] ?? COMPLETE_P[it.kind] ?? ENHANCED_P[it.kind] ?? 0) * shrink;
      if (r.chance(p)) chosen.set(it.kind, null);
    }
    if (chosen.size === 0) chosen.set("roof_waterproofing", null);
    // elevator retrofits (加装电梯): some complete/enhanced compounds, 5+ floor walk-ups
    const wantsElevators = (TIER_RANK[tier] >= 1 && r.chance(tier === "enhanced" ? 0.4 : 0.14)) || chosen.has("elevator");
    chosen.delete("elevator");

    const itemStatus = (kind: string): ItemStatus => {
      if (c.status === "planned") return "planned";
      if (c.status === "completed" || c.status === "accepted") return "completed";
      if (kind === "elevator") return r.chance(0.6) ? "started" : "planned";
      return r.weighted<ItemStatus>([
        ["completed", 0.3],
        ["started", 0.5],
        ["planned", 0.2],
      ]);
    };
    const push = (kind: string, quantity: number, point: XY | null) => {
      const ci = byKind.get(kind)!;
      items.push({
        id: items.length + 1,
        compoundId: c.id,
        kind,
        quantity,
        unit: ci.unit,
        costYuan: Math.round(quantity * ci.unitCostYuan),
        status: itemStatus(kind),
        tier: ci.tier,
        point,
      });
    };
    const kinds = costs.items.map((i) => i.kind).filter((k) => chosen.has(k));
    for (const kind of kinds) {
      const q = chosen.get(kind) ?? quantityFor(kind, c, { footprint, facadeArea, units }, r);
      if (kind === "parking_space" && q >= 30 && r.chance(0.5)) {
        const a = Math.round(q * r.float(0.4, 0.6));
        push(kind, a, openSpot(plan, c, r));
        push(kind, q - a, openSpot(plan, c, r));
      } else if (kind === "charging_shed" && r.chance(0.3) && hh > 300) {
        push(kind, 1, openSpot(plan, c, r));
        push(kind, 1, openSpot(plan, c, r));
      } else if (kind === "parking_space" || kind === "charging_pile" || kind === "charging_shed") {
        push(kind, q, openSpot(plan, c, r));
      } else {
        push(kind, q, null);
      }
    }
    if (wantsElevators && byKind.has("elevator")) {
      const cands = c.buildings.filter((b) => b.floors >= 5 && !b.hasElevator);
      r.shuffle(cands);
      const nBuild = c.seed === "电力小区" ? Math.min(cands.length, 3) : Math.min(cands.length, r.int(1, 2));
      for (const b of cands.slice(0, nBuild)) {
        const nUnits = c.seed === "电力小区" ? b.units : Math.max(1, Math.round(b.units * r.float(0.3, 1)));
        const unitIdx = r
          .shuffle([...Array(b.units).keys()])
          .slice(0, nUnits)
          .sort((x, y) => x - y);
        let done = false;
        for (const k of unitIdx) {
          // on the north wall (楼梯间 side) at the unit's stair: corners[3] = NW, corners[2] = NE
          const t = (k + 0.5) / b.units;
          const nw = b.corners[3];
          const ne = b.corners[2];
          const pt: XY = [nw[0] + (ne[0] - nw[0]) * t, nw[1] + (ne[1] - nw[1]) * t];
          push("elevator", 1, pt);
          if (items[items.length - 1].status === "completed") done = true;
        }
        if (done) b.hasElevator = true;
      }
    }
  }
  return items;
}

/** A point inside the compound, clear of buildings (for parking, chargers, sheds). */
function openSpot(plan: Plan, c: CompoundRec, r: Rng): XY {
  const { u0, u1, v0, v1 } = c.parcel.inner;
  const clear = (p: XY) =>
    pointInRing(p, c.ring) && distToRing(p, c.ring) >= 3 && c.buildings.every((b) => !pointInRing(p, b.corners) && distToRing(p, b.corners) >= 2.5);
  for (let t = 0; t < 80; t++) {
    const p = plan.warp.map(r.float(u0 + 5, u1 - 5), r.float(v0 + 5, v1 - 5));
    if (clear(p)) return p;
  }
  // fall back: just inside the main gate
  const g = c.gates[0];
  let best: XY = g.xy;
  let bestD = -1;
  for (let t = 0; t < 200; t++) {
    const p = plan.warp.map(r.float(u0 + 3, u1 - 3), r.float(v0 + 3, v1 - 3));
    if (!pointInRing(p, c.ring)) continue;
    const d = Math.min(distToRing(p, c.ring), ...c.buildings.map((b) => (pointInRing(p, b.corners) ? 0 : distToRing(p, b.corners))));
    if (d > bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}
