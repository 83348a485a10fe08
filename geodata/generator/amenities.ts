/**
 * Amenities (配套设施): points for every category of the standards profile, placed the way a real
 * district has them — schools, markets and health centres on their own parcels, shops and stations
 * on street frontage, a few kinds inside compounds — with realistic gaps: each category is sited by
 * greedy coverage of compounds and stops at a target uncovered share, so e.g. a clear share of
 * compounds has no kindergarten within 300 m.
 */
import type { Rng } from "./rng.js";
import type { Plan, Side } from "./layout.js";
import type { CompoundRec, OtherParcel } from "./compounds.js";
import { createBoxIndex, createPointIndex } from "../../web/src/analysis/spatial-index.js";
import { bboxOf } from "../../web/src/analysis/geo.js";
import { type XY, centroidOf, distToPolygon, distToRing, pointInRing } from "./geom.js";
import { greedyCover } from "./cover.js";
import { BANKS, CONVENIENCE_BRANDS, DISTRICT, MALLS, NamePool, PARCEL_BRANDS, PHARMACY_BRANDS, PRIVATE_KINDERGARTENS, zhNumber } from "./names.js";

export interface StandardCategory {
  code: string;
  circle: string;
  limitM: number;
  nameZh?: string;
}
export interface Standards {
  categories: StandardCategory[];
}

export interface AmenityRec {
  id: number;
  name: string;
  category: string;
  capacity: number | null;
  xy: XY;
  site: "parcel" | "frontage" | "compound" | "park";
}

interface Candidate {
  xy: XY;
  site: "frontage" | "compound";
  street: string;
  cls: string;
  community: number;
  compound: CompoundRec | null;
  used: boolean;
}

const SIDE_KEYS = ["S", "N", "W", "E"] as const;

/** Plan for one category placed by coverage. */
interface CoverPlan {
  code: string;
  /** Maximum count at scale 1 (× scale). */
  max: number;
  /** Stop when this share of compounds is uncovered. */
  stop: number;
  sites: Array<"frontage" | "compound">;
  /** Only frontage on these street classes (default: any street or alley). */
  classes?: string[];
  /** Extra sites clustered next to existing ones, as a share of the count. */
  cluster?: number;
}

const COVER: CoverPlan[] = [
  { code: "convenience_store", max: 90, stop: 0.06, sites: ["frontage"] },
  { code: "parcel_point", max: 70, stop: 0.12, sites: ["compound", "frontage"] },
  { code: "pharmacy", max: 40, stop: 0.06, sites: ["frontage"], classes: ["arterial", "branch"] },
  { code: "fresh_market", max: 12, stop: 0.2, sites: ["frontage"], classes: ["arterial", "branch"] },
  { code: "kindergarten", max: 17, stop: 0.3, sites: ["frontage", "compound"], cluster: 0.2 },
  { code: "nursery", max: 10, stop: 0.5, sites: ["frontage", "compound"] },
  { code: "elderly_day_care", max: 12, stop: 0.42, sites: ["compound", "frontage"] },
  { code: "community_canteen", max: 8, stop: 0.62, sites: ["compound", "frontage"] },
  { code: "outdoor_fitness", max: 40, stop: 0.35, sites: ["compound", "frontage"] },
  { code: "bank", max: 3, stop: 0, sites: ["frontage"], classes: ["arterial"] },
  { code: "post_office", max: 3, stop: 0, sites: ["frontage"], classes: ["arterial", "branch"] },
];

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one siting pass whose steps share the name pools, the output list and the candidate sites
export function buildAmenities(
  plan: Plan,
  compounds: CompoundRec[],
  others: OtherParcel[],
  standards: Standards,
  rng: Rng,
  scale: number,
): { amenities: AmenityRec[]; uncovered: Record<string, number> } {
  const limit = new Map(standards.categories.map((c) => [c.code, c.limitM]));
  const out: AmenityRec[] = [];
  const pools = new Map<string, NamePool>();
  const pool = (code: string) => {
    if (!pools.has(code)) pools.set(code, new NamePool(rng.fork(`names:${code}`)));
    return pools.get(code)!;
  };
  const comm = (id: number) => plan.communities[id - 1];
  const sdName = (communityId: number) => plan.subdistricts[comm(communityId).subdistrict - 1].name;
  const add = (category: string, name: string, xy: XY, site: AmenityRec["site"], capacity: number | null = null) => {
    out.push({ id: out.length + 1, name, category, capacity, xy, site });
  };
  const sideName = (s: Side) => (s.kind === "street" ? (s.name ?? "") : s.kind === "alley" ? (s.line?.name ?? "") : "");
  const r = rng.fork("amenities");

  // 1. Facilities on their own parcels: a point just inside the entrance on the best street side.
  let kgPublic = 0;
  let middle = 0;
  const parcelNames = r.fork("parcel-names");
  for (const o of others) {
    if (o.use.kind !== "facility") continue;
    const p = o.parcel;
    const sides = SIDE_KEYS.filter((k) => p[k].kind !== "wall");
    const rank = (k: (typeof SIDE_KEYS)[number]) => (p[k].kind === "street" ? (p[k].cls === "branch" ? 3 : 2) : 1);
    const k = [...sides].sort((a, b) => rank(b) - rank(a))[0] ?? "S";
    const { u0, u1, v0, v1 } = p.inner;
    const mu = (u0 + u1) / 2;
    const mv = (v0 + v1) / 2;
    const uv: XY = k === "S" ? [mu, v0 + 6] : k === "N" ? [mu, v1 - 6] : k === "W" ? [u0 + 6, mv] : [u1 - 6, mv];
    const xy = plan.warp.map(uv[0], uv[1]);
    const street = sideName(p[k]) || "无名路";
    const cat = o.use.category;
    const cm = comm(p.block.community);
    let name: string;
    let capacity: number | null = null;
    switch (cat) {
      case "primary_school":
        name = pool(cat).next([`${DISTRICT}${street}小学`], (_g, a) => (a === 0 ? "周口市实验小学" : `周口市第${zhNumber(a + 1)}实验小学`));
        capacity = 45 * parcelNames.int(24, 48);
        break;
      case "middle_school":
        middle++;
        name = pool(cat).next([], (_g, a) => `周口市第${zhNumber(middle + a + 1)}初级中学`);
        capacity = 50 * parcelNames.int(24, 48);
        break;
      case "kindergarten":
        kgPublic++;
        name = pool(cat).next([], (_g, a) => `${DISTRICT}第${zhNumber(kgPublic + a)}幼儿园`);
        capacity = 30 * parcelNames.int(9, 15);
        break;
      case "fresh_market":
        name = pool(cat).next([`${street}菜市场`], (_g, a) => `${street}农贸市场${a > 0 ? zhNumber(a + 1) : ""}`);
        break;
      case "health_centre":
        name = pool(cat).next(
          [`${sdName(p.block.community)}社区卫生服务中心`],
          (_g, a) => `${cm.name.replace(/社区$/, "")}社区卫生服务中心${a > 0 ? zhNumber(a + 1) : ""}`,
        );
        capacity = parcelNames.int(2, 6) * 10;
        break;
      case "nursing_home":
        name = pool(cat).next(
          [`${DISTRICT}社会福利院`, "颐养园养老院", "夕阳红养老院"],
          (_g, a) => `${cm.name.replace(/社区$/, "")}养老院${a > 0 ? zhNumber(a + 1) : ""}`,
        );
        capacity = parcelNames.int(10, 30) * 10;
        break;
      case "culture_centre":
        name = pool(cat).next([`${DISTRICT}文化馆`], (_g, a) => `${sdName(p.block.community)}文化活动中心${a > 0 ? zhNumber(a + 1) : ""}`);
        break;
      case "sports_hall":
        name = pool(cat).next(
          [`${DISTRICT}体育馆`, "周口市全民健身中心"],
          (_g, a) => `${sdName(p.block.community)}全民健身中心${a > 0 ? zhNumber(a + 1) : ""}`,
        );
        break;
      case "supermarket":
        name = pool(cat).next(MALLS, (g, a) => `${g.pick(MALLS)}(${street}店)${a > 5 ? zhNumber(a) : ""}`);
        break;
      case "sports_ground":
        name = pool(cat).next(
          [`${street}运动场`],
          (g, a) => `${cm.name.replace(/社区$/, "")}${g.pick(["笼式足球场", "篮球场", "多功能运动场"])}${a > 3 ? zhNumber(a) : ""}`,
        );
        break;
      case "subdistrict_service_centre":
        name = pool(cat).next([`${sdName(p.block.community)}便民服务中心`], (_g, a) => `${sdName(p.block.community)}便民服务中心${zhNumber(a + 2)}`);
        break;
      default:
        name = pool(cat).next([], (_g, a) => `${cat}${a}`);
    }
    add(cat, name, xy, "parcel", capacity);
  }
  // Parks: a fitness ground and a sports ground by the pond.
  for (const pk of plan.parks) {
    const { cu, cv, ru, rv } = pk.pond;
    add("outdoor_fitness", pool("outdoor_fitness").take(`${pk.name}健身广场`), plan.warp.map(cu - ru - 26, cv + rv * 0.5), "park");
    add("sports_ground", pool("sports_ground").take(`${pk.name}笼式足球场`), plan.warp.map(cu + ru * 0.3, cv + rv + 30), "park");
  }

  // 2. Candidate sites: frontage (between parcel and street) and inside compounds.
  const cands: Candidate[] = [];
  const allParcels = [...compounds.map((c) => ({ p: c.parcel, c })), ...others.map((o) => ({ p: o.parcel, c: null as CompoundRec | null }))];
  for (const { p, c } of allParcels) {
    const { u0, u1, v0, v1 } = p.inner;
    for (const k of SIDE_KEYS) {
      const s = p[k];
      if (s.kind === "wall") continue;
      const horiz = k === "S" || k === "N";
      const a = horiz ? u0 : v0;
      const b = horiz ? u1 : v1;
      for (let t = a + 14; t <= b - 14; t += 46) {
        const uv: XY = k === "S" ? [t, v0 - 3] : k === "N" ? [t, v1 + 3] : k === "W" ? [u0 - 3, t] : [u1 + 3, t];
        cands.push({
          xy: plan.warp.map(uv[0], uv[1]),
          site: "frontage",
          street: sideName(s),
          cls: s.kind === "alley" ? "alley" : (s.cls ?? "branch"),
          community: p.block.community,
          compound: c,
          used: false,
        });
      }
    }
  }
  for (const c of compounds) {
    for (const g of c.gates) {
      const guv = g.uv;
      const inward: XY = g.side === "S" ? [0, 1] : g.side === "N" ? [0, -1] : g.side === "W" ? [1, 0] : [-1, 0];
      for (const d of [9, 14, 20]) {
        const xy = plan.warp.map(guv[0] + inward[0] * d, guv[1] + inward[1] * d);
        const ok =
          pointInRing(xy, c.ring) && distToRing(xy, c.ring) >= 3 && c.buildings.every((b) => !pointInRing(xy, b.corners) && distToRing(xy, b.corners) >= 3);
        if (ok) {
          cands.push({ xy, site: "compound", street: "", cls: "", community: c.parcel.block.community, compound: c, used: false });
          break;
        }
      }
    }
  }

  // Compound index for coverage (straight-line distance to the footprint).
  const cBox = compounds.map((c) => bboxOf(c.ring));
  const cCentre = compounds.map((c) => centroidOf(c.ring));
  const cRadius = compounds.map((c, k) => Math.max(...c.ring.map((p) => Math.hypot(p[0] - cCentre[k][0], p[1] - cCentre[k][1]))));
  const compoundIndex = createBoxIndex(cBox);
  /** Compounds within `radius` of a point (straight line to the footprint), ascending. */
  const near = (xy: XY, radius: number): number[] => {
    const [x, y] = xy;
    // A metre wider than the radius, then `covers` decides exactly.
    return compoundIndex
      .search(x - radius - 1, y - radius - 1, x + radius + 1, y + radius + 1)
      .filter((k) => covers(k, x, y, radius))
      .sort((p, q) => p - q);
  };
  const covers = (k: number, x: number, y: number, radius: number): boolean => {
    const b = cBox[k];
    const dx = Math.max(b[0] - x, 0, x - b[2]);
    const dy = Math.max(b[1] - y, 0, y - b[3]);
    if (Math.hypot(dx, dy) > radius) return false;
    if (Math.hypot(x - cCentre[k][0], y - cCentre[k][1]) + cRadius[k] <= radius) return true;
    const ring = compounds[k].ring;
    return dx === 0 && dy === 0 ? distToPolygon([x, y], ring) <= radius : distToRing([x, y], ring) <= radius;
  };
  const coverLists = new Map<number, Array<number[] | undefined>>();
  const listFor = (radius: number, k: number): number[] => {
    if (!coverLists.has(radius)) coverLists.set(radius, new Array<number[] | undefined>(cands.length));
    const arr = coverLists.get(radius)!;
    let list = arr[k];
    if (list === undefined) {
      list = near(cands[k].xy, radius);
      arr[k] = list;
    }
    return list;
  };
  const boxes = compounds.map((c) => bboxOf(c.ring));
  const coveredBy = (code: string): boolean[] => {
    const radius = limit.get(code) ?? 300;
    const ofCode = out.filter((a) => a.category === code);
    const g = createPointIndex(ofCode.map((a) => a.xy));
    return compounds.map((c, k) => {
      const b = boxes[k];
      // A metre wider than the radius, then the exact distance decides.
      return g.search(b[0] - radius - 1, b[1] - radius - 1, b[2] + radius + 1, b[3] + radius + 1).some((i) => distToPolygon(ofCode[i].xy, c.ring) <= radius);
    });
  };

  // 3. One service station per community; health stations and culture stations in most.
  const cr = r.fork("community");
  for (const cm of plan.communities) {
    const mine = compounds.filter((c) => c.communityId === cm.id);
    if (mine.length === 0) continue;
    const hh = mine.reduce((s, c) => s + c.households, 0);
    const cx = mine.reduce((s, c) => s + centroidOf(c.ring)[0] * c.households, 0) / hh;
    const cy = mine.reduce((s, c) => s + centroidOf(c.ring)[1] * c.households, 0) / hh;
    const pickNear = (x: number, y: number, site: Candidate["site"] | null, classes: string[] | null) => {
      let best: Candidate | null = null;
      let bestD = Infinity;
      for (const cd of cands) {
        if (cd.used || cd.community !== cm.id || (site && cd.site !== site) || (classes && !classes.includes(cd.cls))) continue;
        const d = Math.hypot(cd.xy[0] - x, cd.xy[1] - y);
        if (d < bestD) {
          bestD = d;
          best = cd;
        }
      }
      if (best) best.used = true;
      return best;
    };
    const short = cm.name.replace(/社区$/, "");
    const s1 = pickNear(cx + cr.float(-80, 80), cy + cr.float(-80, 80), "frontage", ["branch", "alley", "arterial"]);
    if (s1) add("community_service_station", pool("community_service_station").take(`${cm.name}服务站`), s1.xy, "frontage");
    if (cr.chance(0.85)) {
      const s2 = pickNear(cx + cr.float(-250, 250), cy + cr.float(-250, 250), "frontage", ["branch", "arterial"]);
      if (s2)
        add(
          "health_station",
          pool("health_station").next([`${short}社区卫生服务站`], (_g, a) => `${short}社区卫生服务站${zhNumber(a + 2)}`),
          s2.xy,
          "frontage",
        );
    }
    if (cr.chance(0.75)) {
      const s3 = pickNear(cx + cr.float(-300, 300), cy + cr.float(-300, 300), cr.chance(0.5) ? "compound" : "frontage", null);
      if (s3) add("culture_station", pool("culture_station").take(`${cm.name}文化活动站`), s3.xy, s3.site);
    }
  }

  // 4. Coverage-driven categories.
  for (const plan2 of COVER) {
    const code = plan2.code;
    const radius = limit.get(code) ?? 300;
    // thin out candidate sites for the wide-radius categories (they are few; this keeps scale 10 fast)
    const stride = radius >= 1000 ? 6 : radius >= 500 ? 3 : 1;
    const ok = (k: number) => {
      const cd = cands[k];
      if (k % stride !== 0) return false;
      if (cd.used || !plan2.sites.includes(cd.site)) return false;
      if (cd.site === "frontage" && plan2.classes && !plan2.classes.includes(cd.cls)) return false;
      return true;
    };
    const masked = cands.map((_, k) => (ok(k) ? listFor(radius, k) : []));
    const covered = coveredBy(code);
    const already = out.filter((a) => a.category === code).length;
    const maxCount = Math.max(1, Math.round(plan2.max * scale)) - already;
    const cr2 = r.fork(code);
    const picked = greedyCover(
      masked,
      compounds.map(() => 1),
      covered,
      {
        maxCount: Math.max(0, Math.round(maxCount / (1 + (plan2.cluster ?? 0)))),
        stopUncoveredShare: plan2.stop,
        rng: cr2,
        noise: 1.5,
        accept: (k) => ok(k),
      },
    );
    // clustered extras (e.g. private kindergartens near a public one)
    const extra: number[] = [];
    if (plan2.cluster) {
      const n = Math.min(maxCount - picked.length, Math.round(picked.length * plan2.cluster));
      const anchors = [...picked];
      for (let q = 0; q < n && anchors.length > 0; q++) {
        const a = cands[cr2.pick(anchors)].xy;
        const near = cands
          .map((cd, k) => ({ k, d: Math.hypot(cd.xy[0] - a[0], cd.xy[1] - a[1]) }))
          .filter(({ k, d }) => d > 60 && d < 220 && ok(k) && !picked.includes(k) && !extra.includes(k));
        if (near.length > 0) extra.push(cr2.pick(near).k);
      }
    }
    for (const k of [...picked, ...extra]) {
      const cd = cands[k];
      cd.used = true;
      add(code, nameFor(code, cd, pool(code), cr2, comm(cd.community).name), cd.xy, cd.site, capacityFor(code, cr2));
    }
  }

  // Uncovered share per category (straight line from the footprint), for meta.
  const uncovered: Record<string, number> = {};
  for (const cat of standards.categories) {
    const cov = coveredBy(cat.code);
    uncovered[cat.code] = compounds.length ? Math.round((1000 * cov.filter((x) => !x).length) / compounds.length) / 1000 : 0;
  }
  return { amenities: out, uncovered };
}

function capacityFor(code: string, r: Rng): number | null {
  switch (code) {
    case "kindergarten":
      return 30 * r.int(4, 9);
    case "nursery":
      return 10 * r.int(3, 9);
    case "elderly_day_care":
      return r.int(10, 40);
    case "community_canteen":
      return 10 * r.int(4, 12);
    default:
      return null;
  }
}

function nameFor(code: string, cd: Candidate, pool: NamePool, r: Rng, community: string): string {
  const street = cd.street || cd.compound?.addressStreet || community.replace(/社区$/, "");
  const host = cd.site === "compound" && cd.compound ? cd.compound.name : street;
  const short = community.replace(/社区$/, "");
  // second shop of a brand on one street: 易捷便利店(七一路二店); other names get （二）
  const numbered = (base: string) => (_g: Rng, a: number) =>
    base.endsWith("店)") ? base.replace(/店\)$/, `${zhNumber(a + 2)}店)`) : `${base}(${zhNumber(a + 2)})`;
  switch (code) {
    case "convenience_store": {
      const b = r.pick(CONVENIENCE_BRANDS);
      return pool.next([`${b}(${street}店)`], numbered(`${b}(${street}店)`));
    }
    case "parcel_point": {
      const b = r.pick(PARCEL_BRANDS);
      return pool.next([`${b}(${host}店)`], numbered(`${b}(${host}店)`));
    }
    case "pharmacy": {
      const b = r.pick(PHARMACY_BRANDS);
      return pool.next([`${b}(${street}店)`], numbered(`${b}(${street}店)`));
    }
    case "fresh_market":
      return pool.next([`${street}生鲜超市`, `${street}菜市场`], numbered(`${street}生鲜超市`));
    case "kindergarten":
      return pool.next(
        r.shuffle([...PRIVATE_KINDERGARTENS]),
        (g, a) => `${g.pick(PRIVATE_KINDERGARTENS).replace("幼儿园", "")}${street}幼儿园${a > 3 ? zhNumber(a) : ""}`,
      );
    case "nursery":
      return pool.next([`${short}宝贝家托育园`, `${host}托育中心`], numbered(`${host}托育中心`));
    case "elderly_day_care":
      return pool.next([cd.site === "compound" ? `${host}老年人日间照料站` : `${community}日间照料中心`], numbered(`${community}日间照料中心`));
    case "community_canteen":
      return pool.next([cd.site === "compound" ? `${host}长者食堂` : `${community}幸福食堂`], numbered(`${community}幸福食堂`));
    case "outdoor_fitness":
      return pool.next([cd.site === "compound" ? `${host}健身场地` : `${street}全民健身点`], numbered(`${host}健身场地`));
    case "bank": {
      const b = r.pick(BANKS);
      return pool.next([`${b}周口${street}支行`], numbered(`${b}周口${street}支行`));
    }
    case "post_office":
      return pool.next([`中国邮政${street}营业所`], numbered(`中国邮政${street}营业所`));
    default:
      return pool.next([`${street}${code}`], numbered(`${street}${code}`));
  }
}
