import { attachPoint, type Attachment } from "../../web/src/analysis/attach.js";
import { type CoverageContext, type CoverageRun, distancesToFacilities } from "../../web/src/analysis/coverage.js";
import { FUNDING_SOURCES, type FundingSource, type PlanCandidate, type PlanTarget } from "../../web/src/analysis/plan.js";
import type { CandidateRow, PlanItemRow } from "../db/plans.js";
import type { PlanRow } from "../schemas/plans.js";
import type { EstimateBasis, ReferenceData } from "../schemas/reference.js";

// From compounds to the optimiser's problem, with no database: what a compound costs (its open
// items, or the standard package of geodata/plans.json at the unit costs of costs.json), how the
// cost splits by funding source, and which living-circle gaps its planned facilities close (the
// coverage engine). The plan service and `npm run bench` both build their problems here.

export type Works = PlanRow["works"];

export interface Costed {
  costSource: "items" | "estimate";
  works: Works;
  costYuan: number;
  subsidyYuan: number;
  bySource: Record<FundingSource, number>;
  /** Categories its planned facility items provide. */
  provides: string[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Countable units (elevators, piles, sets) come whole; areas and lengths keep two decimals. */
const COUNTED = new Set(["elevator", "pile", "set", "site", "lamp", "space", "unit", "building", "household"]);

function basisOf(row: CandidateRow, per: EstimateBasis): number {
  switch (per) {
    case "household":
      return row.households;
    case "building":
      return row.buildings;
    case "unit":
      return row.units;
    case "floorAreaM2":
      return row.floorAreaM2;
    case "elevatorUnit":
      return row.elevatorUnits;
  }
}

/** The split of a cost by source: the subsidy is central; the rest by the shares of plans.json. */
export function splitBySource(reference: ReferenceData, costYuan: number, subsidyYuan: number): Record<FundingSource, number> {
  const shares = reference.plans.fundingShares;
  const rest = Math.max(0, costYuan - subsidyYuan);
  const out = Object.fromEntries(FUNDING_SOURCES.map((s) => [s, round2(rest * shares[s])])) as Record<FundingSource, number>;
  out.central = round2(out.central + Math.min(subsidyYuan, costYuan));
  // Rounding stays inside the total.
  out.local = round2(out.local + costYuan - FUNDING_SOURCES.reduce((s, k) => s + out[k], 0));
  return out;
}

/**
 * What a candidate costs: its open items when it has some, else the standard package, plus a
 * facility room for each category it lacks (`lacks`) that plans.json's facility rooms provide.
 */
export function costCompound(reference: ReferenceData, row: CandidateRow, items: PlanItemRow[], lacks: ReadonlySet<string>): Costed {
  const menu = new Map(reference.costs.items.map((i) => [i.kind, i]));
  const works: Works = [];
  const add = (kind: string, quantity: number, costYuan?: number) => {
    const m = menu.get(kind);
    if (!m || quantity <= 0) return;
    const existing = works.find((w) => w.kind === kind);
    const cost = costYuan ?? quantity * m.unitCostYuan;
    if (existing) {
      existing.quantity = round2(existing.quantity + quantity);
      existing.costYuan = round2(existing.costYuan + cost);
    } else works.push({ kind, nameZh: m.nameZh, nameEn: m.nameEn, quantity: round2(quantity), unit: m.unitZh, costYuan: round2(cost) });
  };
  const costSource = items.length ? "items" : "estimate";
  if (items.length) for (const i of items) add(i.kind, i.quantity, i.costYuan);
  else {
    for (const e of reference.plans.estimate) {
      const raw = basisOf(row, e.per) * e.quantity;
      add(e.kind, COUNTED.has(menu.get(e.kind)?.unit ?? "") ? Math.round(raw) : raw);
    }
    if (row.households >= reference.plans.facilityRooms.minHouseholds)
      for (const r of reference.plans.facilityRooms.items) if (lacks.has(menu.get(r.kind)!.provides!)) add(r.kind, r.quantity);
  }
  const subsidies = reference.costs.subsidies as Record<string, unknown>;
  let subsidyYuan = 0;
  for (const w of works) {
    const s = menu.get(w.kind)?.subsidy;
    const perUnit = s === undefined ? undefined : subsidies[s];
    if (typeof perUnit === "number") subsidyYuan += perUnit * w.quantity;
  }
  const costYuan = round2(works.reduce((s, w) => s + w.costYuan, 0));
  subsidyYuan = round2(Math.min(subsidyYuan, costYuan));
  const provides = [...new Set(works.flatMap((w) => menu.get(w.kind)?.provides ?? []))];
  return { costSource, works, costYuan, subsidyYuan, bySource: splitBySource(reference, costYuan, subsidyYuan), provides };
}

/** Per compound (by id) the categories it lacks in a coverage run, against each category's limit. */
export function lackedCategories(ctx: CoverageContext, run: CoverageRun, limits: Map<string, number>): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  ctx.compounds.forEach((c, i) => {
    const lacks = new Set<string>();
    for (const [code, d] of run.distances) if (!(d[i] <= limits.get(code)!)) lacks.add(code);
    out.set(c.id, lacks);
  });
  return out;
}

/**
 * The gaps the candidates' planned facilities close: for each candidate and category it provides,
 * one search from its gates bounded by the category's limit; every compound it brings within the
 * limit that lacks the category today is a target (compound, category) covered by the candidate.
 */
export function gapTargets(
  ctx: CoverageContext,
  run: CoverageRun,
  limits: Map<string, number>,
  candidates: Array<{ id: number; provides: string[]; gates: Array<[number, number]> }>,
): PlanTarget[] {
  const targets = new Map<string, PlanTarget>();
  for (const c of candidates) {
    if (!c.provides.length) continue;
    const at = c.gates.map(([lon, lat]) => attachPoint(ctx.graph, ctx.index, lon, lat)).filter((a): a is Attachment => !!a);
    if (!at.length) continue;
    for (const code of c.provides) {
      const limit = limits.get(code);
      const base = run.distances.get(code);
      if (limit === undefined || !base) continue;
      const d = distancesToFacilities(ctx, at, limit);
      ctx.compounds.forEach((j, i) => {
        if (!(d[i] <= limit) || base[i] <= limit || j.households <= 0) return;
        const key = `${j.id}|${code}`;
        const t = targets.get(key) ?? targets.set(key, { compoundId: j.id, category: code, households: j.households, by: [] }).get(key)!;
        t.by.push(c.id);
      });
    }
  }
  return [...targets.values()];
}

/** One candidate of the problem from its row and cost. */
export function planCandidate(row: CandidateRow, costed: Costed, opts: { must: boolean }): PlanCandidate {
  return {
    id: row.id,
    subdistrictId: row.subdistrictId,
    households: row.households,
    elevatorUnits: row.elevatorUnits,
    costYuan: costed.costYuan,
    bySource: costed.bySource,
    group: row.clusterId === null ? null : String(row.clusterId),
    must: opts.must,
  };
}
