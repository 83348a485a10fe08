/**
 * Land use of parcels before compounds are built: schools, markets, health centres and other
 * facilities that need their own parcel are sited by greedy coverage of the parcels around them
 * (as a stand-in for where people will live); a few parcels become offices, factories or shops;
 * the rest are residential compounds.
 */
import type { Rng } from "./rng.js";
import type { Parcel, Plan } from "./layout.js";
import { createPointIndex } from "../../web/src/analysis/spatial-index.js";
import { greedyCover } from "./cover.js";

/** vacant: cleared for redevelopment (待建/拆迁地块); green: a street garden (街头绿地). */
export type OtherUse = "office" | "factory" | "commercial" | "vacant" | "green";

export type ParcelUse = { kind: "residential" } | { kind: "facility"; category: string } | { kind: "other"; sub: OtherUse };

interface Spec {
  category: string;
  perScale: number;
  radius: number;
  minArea?: number;
  maxArea?: number;
  arterial?: boolean;
  share?: number;
}

/** Facilities on their own parcel (count at scale 1; multiplied by scale). */
const OWN_PARCEL: Spec[] = [
  { category: "middle_school", perScale: 3, radius: 1000, minArea: 14000 },
  { category: "primary_school", perScale: 8, radius: 500, minArea: 8000 },
  { category: "health_centre", perScale: 3, radius: 1000, minArea: 5000 },
  { category: "nursing_home", perScale: 3, radius: 1000, minArea: 5000 },
  { category: "sports_hall", perScale: 3, radius: 1000, minArea: 8000 },
  { category: "culture_centre", perScale: 3, radius: 1000, minArea: 4000 },
  { category: "supermarket", perScale: 3, radius: 1000, minArea: 5000, arterial: true },
  { category: "sports_ground", perScale: 3, radius: 500, minArea: 6000 },
  { category: "fresh_market", perScale: 5, radius: 500, maxArea: 16000 },
  { category: "kindergarten", perScale: 6, radius: 300, minArea: 3300, maxArea: 13000 },
];

export const parcelArea = (p: Parcel) => (p.inner.u1 - p.inner.u0) * (p.inner.v1 - p.inner.v0);
const centre = (p: Parcel) => [(p.inner.u0 + p.inner.u1) / 2, (p.inner.v0 + p.inner.v1) / 2] as const;
const onArterial = (p: Parcel) => [p.S, p.N, p.W, p.E].some((s) => s.kind === "street" && s.cls === "arterial");

export function assignLandUse(plan: Plan, rng: Rng, scale: number): Map<number, ParcelUse> {
  const parcels = plan.parcels;
  const use = new Map<number, ParcelUse>();
  // Parcels by centre in a k-d tree. `within` lists them as the grid of 250 m cells this replaced
  // did (cell by cell, west to east, then south to north): the greedy cover adds weights in that
  // order, and floating-point sums in another order could pick other parcels.
  const cell = 250;
  const centres = parcels.map(centre);
  const index = createPointIndex(centres);
  const gridOrder = (a: number, b: number) =>
    Math.floor(centres[a][0] / cell) - Math.floor(centres[b][0] / cell) || Math.floor(centres[a][1] / cell) - Math.floor(centres[b][1] / cell) || a - b;
  const within = (k: number, r: number) => {
    const [x, y] = centres[k];
    // A metre wider than r, then the exact distance decides.
    return index
      .search(x - r - 1, y - r - 1, x + r + 1, y + r + 1)
      .filter((q) => Math.hypot(centres[q][0] - x, centres[q][1] - y) <= r)
      .sort(gridOrder);
  };
  const weight = parcels.map((p) => Math.sqrt(parcelArea(p)));

  // Subdistrict service centres (街道服务中心): one per subdistrict, near its middle.
  for (const sd of plan.subdistricts) {
    const cu = (plan.U[sd.i0] + plan.U[sd.i1]) / 2;
    const cv = (plan.V[sd.j0] + plan.V[sd.j1]) / 2;
    let best = -1;
    let bestD = Infinity;
    parcels.forEach((p, k) => {
      if (use.has(p.id) || plan.communities[p.block.community - 1].subdistrict !== sd.id || parcelArea(p) < 3500) return;
      const [x, y] = centre(p);
      const d = Math.hypot(x - cu, y - cv);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    });
    if (best >= 0) use.set(parcels[best].id, { kind: "facility", category: "subdistrict_service_centre" });
  }

  for (const spec of OWN_PARCEL) {
    const r = rng.fork(spec.category);
    const eligible = (k: number) => {
      const p = parcels[k];
      const a = parcelArea(p);
      if (use.has(p.id)) return false;
      if (spec.minArea && a < spec.minArea) return false;
      if (spec.maxArea && a > spec.maxArea) return false;
      if (spec.arterial && !onArterial(p)) return false;
      return true;
    };
    const lists = parcels.map((_, k) => (eligible(k) ? within(k, spec.radius * 0.9) : []));
    const covered = parcels.map(() => false);
    const picked = greedyCover(lists, weight, covered, {
      maxCount: Math.max(1, Math.round(spec.perScale * scale)),
      stopUncoveredShare: 0,
      rng: r,
      noise: 3,
      accept: (k) => eligible(k),
    });
    for (const k of picked) use.set(parcels[k].id, { kind: "facility", category: spec.category });
  }

  // Offices, factories, shops, vacant lots and street gardens: ~20% of the rest, more on arterials
  // and away from the old core.
  const o = rng.fork("other");
  for (const p of parcels) {
    if (use.has(p.id)) continue;
    const prob = 0.13 + (onArterial(p) ? 0.1 : 0) + 0.08 * (1 - p.block.oldness);
    if (o.chance(prob)) {
      use.set(p.id, {
        kind: "other",
        sub: o.weighted<OtherUse>([
          ["office", 0.25],
          ["factory", 0.2],
          ["commercial", 0.25],
          ["vacant", 0.15],
          ["green", 0.15],
        ]),
      });
    } else use.set(p.id, { kind: "residential" });
  }
  return use;
}
