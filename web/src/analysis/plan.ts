import type { Highs } from "highs";

// The annual batch optimiser (年度改造计划): which candidate compounds go into next year's plan
// under a budget. A mixed-integer programme solved exactly by HiGHS (the solver is passed in: it
// is WebAssembly, loaded once by the caller, in Node or a browser), beside a greedy ratio
// baseline, and a reason for every compound in or out. Knows no database and no screen.
//
//   maximise  Σ_u x_u (w_h · households_u + w_e · elevatorUnits_u) + w_g Σ_t households_t · y_t
//   s.t.      Σ_u cost_u x_u ≤ budget;  Σ_u source_u,s x_u ≤ budget_s for each capped source;
//             min_d ≤ Σ_u count_u,d x_u ≤ max_d for each bounded subdistrict;
//             y_t ≤ Σ_{u covering t} x_u;  x_u ∈ {0, 1} (1 for a must);  0 ≤ y_t ≤ 1
//
// A unit u is one compound, or with `groupsWhole` every member of one 连片 cluster together; a
// target t is a (compound, category) pair lacking the category today that a facility planned in
// some candidate would bring within its walking limit: its households count once, however many
// chosen compounds bring it.

export const FUNDING_SOURCES = ["central", "local", "residents", "social"] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export interface PlanCandidate {
  id: number;
  subdistrictId: number | null;
  households: number;
  /** Elevator candidates served: units of 4+ floor buildings without an elevator. */
  elevatorUnits: number;
  costYuan: number;
  /** The cost split by funding source (sums to costYuan). */
  bySource: Record<FundingSource, number>;
  /** Key of the 连片 cluster the compound belongs to (null: none). */
  group: string | null;
  /** Must go in (e.g. a safety hazard). */
  must: boolean;
}

/** A living-circle gap a planned facility closes: `households` of compound `compoundId` gain `category`. */
export interface PlanTarget {
  compoundId: number;
  category: string;
  households: number;
  /** Candidates whose planned facility brings the category within its limit. */
  by: number[];
}

export interface PlanWeights {
  /** Per household renovated. */
  households: number;
  /** Per elevator candidate (unit) served. */
  elevators: number;
  /** Per household that gains a living-circle category. */
  gaps: number;
}

export interface PlanProblem {
  candidates: PlanCandidate[];
  targets: PlanTarget[];
  budgetYuan: number;
  sourceBudgetsYuan: Partial<Record<FundingSource, number>>;
  subdistrictBounds: Array<{ subdistrictId: number; min?: number; max?: number }>;
  weights: PlanWeights;
  /** 连片: the members of a cluster go in all together or not at all. */
  groupsWhole: boolean;
}

export type PlanReasonCode =
  | "must"
  | "best_value"
  | "subdistrict_min"
  | "over_budget"
  | "over_source_budget"
  | "subdistrict_max"
  | "lower_value"
  | "no_value"
  | "group";

export interface PlanChoice {
  id: number;
  chosen: boolean;
  code: PlanReasonCode;
  /** Its value (objective points, its own share of the gaps it closes counted once) per 万元. */
  valuePerWan: number;
  params: Record<string, number | string>;
}

export interface PlanSelection {
  ids: number[];
  objective: number;
  feasible: boolean;
}

export interface PlanResult extends PlanSelection {
  status: "optimal" | "time_limit" | "infeasible";
  /** The solver's proven upper bound on the objective, and the relative gap (0: proven optimal). */
  bound: number;
  gap: number;
  solveMs: number;
  greedy: PlanSelection & { ms: number };
  choices: PlanChoice[];
  units: number;
  rows: number;
}

interface Unit {
  members: number[];
  cost: number;
  bySource: Record<FundingSource, number>;
  ownValue: number;
  must: boolean;
  bySubdistrict: Map<number, number>;
}

/** Compounds go in as units: alone, or with `groupsWhole` one unit per cluster. */
function unitsOf(p: PlanProblem): { units: Unit[]; unitOf: Map<number, number> } {
  const units: Unit[] = [];
  const unitOf = new Map<number, number>();
  const byGroup = new Map<string, number>();
  for (const c of p.candidates) {
    let u = p.groupsWhole && c.group !== null ? byGroup.get(c.group) : undefined;
    if (u === undefined) {
      u = units.length;
      units.push({
        members: [],
        cost: 0,
        bySource: { central: 0, local: 0, residents: 0, social: 0 },
        ownValue: 0,
        must: false,
        bySubdistrict: new Map(),
      });
      if (p.groupsWhole && c.group !== null) byGroup.set(c.group, u);
    }
    const unit = units[u];
    unit.members.push(c.id);
    unit.cost += c.costYuan;
    for (const s of FUNDING_SOURCES) unit.bySource[s] += c.bySource[s];
    unit.ownValue += p.weights.households * c.households + p.weights.elevators * c.elevatorUnits;
    unit.must ||= c.must;
    if (c.subdistrictId !== null) unit.bySubdistrict.set(c.subdistrictId, (unit.bySubdistrict.get(c.subdistrictId) ?? 0) + 1);
    unitOf.set(c.id, u);
  }
  return { units, unitOf };
}

/** Targets by the units that cover them (each unit once). */
function targetUnits(p: PlanProblem, unitOf: Map<number, number>): number[][] {
  return p.targets.map((t) => [...new Set(t.by.map((id) => unitOf.get(id)).filter((u): u is number => u !== undefined))]);
}

/** The objective of a selection of candidate ids, gaps counted once. */
export function planObjective(p: PlanProblem, ids: Iterable<number>): number {
  const chosen = new Set(ids);
  let value = 0;
  for (const c of p.candidates) if (chosen.has(c.id)) value += p.weights.households * c.households + p.weights.elevators * c.elevatorUnits;
  for (const t of p.targets) if (t.by.some((id) => chosen.has(id))) value += p.weights.gaps * t.households;
  return value;
}

/** Whether a selection keeps every rule: budget, source caps, subdistrict bounds, musts, whole groups. */
export function planFeasible(p: PlanProblem, ids: Iterable<number>): boolean {
  const chosen = new Set(ids);
  const eps = 1e-6;
  const picked = p.candidates.filter((c) => chosen.has(c.id));
  if (picked.reduce((s, c) => s + c.costYuan, 0) > p.budgetYuan + eps) return false;
  for (const s of FUNDING_SOURCES) {
    const cap = p.sourceBudgetsYuan[s];
    if (cap !== undefined && picked.reduce((a, c) => a + c.bySource[s], 0) > cap + eps) return false;
  }
  for (const b of p.subdistrictBounds) {
    const n = picked.filter((c) => c.subdistrictId === b.subdistrictId).length;
    if ((b.min !== undefined && n < b.min) || (b.max !== undefined && n > b.max)) return false;
  }
  if (p.candidates.some((c) => c.must && !chosen.has(c.id))) return false;
  if (p.groupsWhole) {
    const groups = new Map<string, boolean[]>();
    for (const c of p.candidates) if (c.group !== null) (groups.get(c.group) ?? groups.set(c.group, []).get(c.group)!).push(chosen.has(c.id));
    for (const g of groups.values()) if (g.some(Boolean) && !g.every(Boolean)) return false;
  }
  return true;
}

/** Room left under every cap after `units` chosen: budget, sources, subdistrict maxima. */
function fits(p: PlanProblem, u: Unit, spent: { cost: number; bySource: Record<FundingSource, number>; bySubdistrict: Map<number, number> }) {
  if (spent.cost + u.cost > p.budgetYuan + 1e-6) return false;
  for (const s of FUNDING_SOURCES) {
    const cap = p.sourceBudgetsYuan[s];
    if (cap !== undefined && spent.bySource[s] + u.bySource[s] > cap + 1e-6) return false;
  }
  for (const b of p.subdistrictBounds)
    if (b.max !== undefined && (spent.bySubdistrict.get(b.subdistrictId) ?? 0) + (u.bySubdistrict.get(b.subdistrictId) ?? 0) > b.max) return false;
  return true;
}

/**
 * The greedy ratio baseline: the musts, then for each subdistrict below its minimum its best units
 * by value per yuan, then every unit by marginal value per yuan (gaps counted once: lazily
 * re-evaluated) while it fits.
 */
export function greedyPlan(p: PlanProblem): PlanSelection {
  const { units, unitOf } = unitsOf(p);
  const covering = targetUnits(p, unitOf);
  const targetsOf: number[][] = units.map(() => []);
  covering.forEach((us, t) => {
    for (const u of us) targetsOf[u].push(t);
  });
  const covered = new Uint8Array(p.targets.length);
  const taken = new Uint8Array(units.length);
  const spent = {
    cost: 0,
    bySource: { central: 0, local: 0, residents: 0, social: 0 } as Record<FundingSource, number>,
    bySubdistrict: new Map<number, number>(),
  };
  const marginal = (u: number) => units[u].ownValue + targetsOf[u].reduce((s, t) => s + (covered[t] ? 0 : p.weights.gaps * p.targets[t].households), 0);
  const ratio = (u: number) => marginal(u) / Math.max(units[u].cost, 1);
  const take = (u: number) => {
    taken[u] = 1;
    spent.cost += units[u].cost;
    for (const s of FUNDING_SOURCES) spent.bySource[s] += units[u].bySource[s];
    for (const [d, n] of units[u].bySubdistrict) spent.bySubdistrict.set(d, (spent.bySubdistrict.get(d) ?? 0) + n);
    for (const t of targetsOf[u]) covered[t] = 1;
  };
  let feasible = true;
  for (let u = 0; u < units.length; u++)
    if (units[u].must) {
      if (!fits(p, units[u], spent)) feasible = false;
      take(u);
    }
  for (const b of p.subdistrictBounds) {
    if (b.min === undefined) continue;
    while ((spent.bySubdistrict.get(b.subdistrictId) ?? 0) < b.min) {
      let best = -1;
      for (let u = 0; u < units.length; u++)
        if (!taken[u] && units[u].bySubdistrict.has(b.subdistrictId) && fits(p, units[u], spent) && (best < 0 || ratio(u) > ratio(best))) best = u;
      if (best < 0) {
        feasible = false;
        break;
      }
      take(best);
    }
  }
  // Lazy greedy: a unit's ratio only falls as gaps get covered, so a stale ratio is an upper bound.
  const queue = units.map((_, u) => ({ u, r: ratio(u) })).filter((e) => !taken[e.u]);
  queue.sort((a, b) => b.r - a.r || a.u - b.u);
  while (queue.length) {
    const head = queue.shift()!;
    if (!fits(p, units[head.u], spent)) continue;
    const fresh = ratio(head.u);
    if (queue.length && fresh < queue[0].r - 1e-12) {
      head.r = fresh;
      let i = 0;
      while (i < queue.length && (queue[i].r > fresh || (queue[i].r === fresh && queue[i].u < head.u))) i++;
      queue.splice(i, 0, head);
      continue;
    }
    if (marginal(head.u) <= 0) continue;
    take(head.u);
  }
  const ids = units.flatMap((u, i) => (taken[i] ? u.members : []));
  return { ids: ids.sort((a, b) => a - b), objective: planObjective(p, ids), feasible: feasible && planFeasible(p, ids) };
}

export interface SolveOptions {
  /** Seconds the solver may take (default 30); past it the best plan found is returned with its gap. */
  timeLimitS?: number;
}

/** Build the programme in HiGHS's column form: unit columns x_u (binary), then target columns y_t. */
function modelOf(p: PlanProblem, units: Unit[], covering: number[][], highs: Highs) {
  const nU = units.length;
  const nT = p.targets.length;
  const rows: Array<{ lower: number; upper: number; entries: Array<[number, number]> }> = [];
  rows.push({ lower: -Infinity, upper: p.budgetYuan, entries: units.map((u, i) => [i, u.cost] as [number, number]) });
  for (const s of FUNDING_SOURCES) {
    const cap = p.sourceBudgetsYuan[s];
    if (cap !== undefined) rows.push({ lower: -Infinity, upper: cap, entries: units.map((u, i) => [i, u.bySource[s]] as [number, number]) });
  }
  for (const b of p.subdistrictBounds) {
    const entries = units.flatMap((u, i) => (u.bySubdistrict.has(b.subdistrictId) ? [[i, u.bySubdistrict.get(b.subdistrictId)!] as [number, number]] : []));
    rows.push({ lower: b.min ?? -Infinity, upper: b.max ?? Infinity, entries });
  }
  covering.forEach((us, t) => {
    rows.push({ lower: -Infinity, upper: 0, entries: [[nU + t, 1], ...us.map((u) => [u, -1] as [number, number])] });
  });
  // Row-wise (CSR): one packed row after another.
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of rows) {
    for (const [j, v] of r.entries) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
  }
  const inf = highs.infinity;
  const clamp = (x: number) => (x === Infinity ? inf : x === -Infinity ? -inf : x);
  return {
    numCols: nU + nT,
    numRows: rows.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: [...units.map((u) => u.ownValue), ...p.targets.map((t) => p.weights.gaps * t.households)],
    colLower: [...units.map((u) => (u.must ? 1 : 0)), ...p.targets.map(() => 0)],
    colUpper: [...units.map(() => 1), ...p.targets.map(() => 1)],
    rowLower: rows.map((r) => clamp(r.lower)),
    rowUpper: rows.map((r) => clamp(r.upper)),
    matrix: { format: "csr" as const, numRows: rows.length, numCols: nU + nT, starts, indices, values },
    integrality: [...units.map(() => highs.constants.variableType.integer), ...p.targets.map(() => highs.constants.variableType.continuous)],
  };
}

/**
 * The optimal plan (HiGHS branch and bound to a relative gap of 0 within the time limit), the
 * greedy baseline, and a reason for every candidate.
 */
export function solvePlan(highs: Highs, p: PlanProblem, opts: SolveOptions = {}): PlanResult {
  const t0 = performance.now();
  const greedy = greedyPlan(p);
  const greedyMs = performance.now() - t0;
  const { units, unitOf } = unitsOf(p);
  const covering = targetUnits(p, unitOf);
  const model = modelOf(p, units, covering, highs);
  const t1 = performance.now();
  const solved = highs.withModel(model, (m) => {
    m.options.set({ output_flag: false, mip_rel_gap: 0, time_limit: opts.timeLimitS ?? 30 });
    m.run();
    const status = m.getModelStatus();
    const S = highs.constants.modelStatus;
    if (status === S.infeasible || status === S.unboundedOrInfeasible) return { status: "infeasible" as const, x: [] as number[], bound: 0 };
    const x = Array.from(m.getSolution().colValue.slice(0, units.length));
    const bound = Number(m.info.get("mip_dual_bound"));
    return { status: status === S.optimal ? ("optimal" as const) : ("time_limit" as const), x, bound };
  });
  const solveMs = performance.now() - t1;
  const ids = units.flatMap((u, i) => ((solved.x[i] ?? 0) > 0.5 ? u.members : [])).sort((a, b) => a - b);
  const objective = solved.status === "infeasible" ? 0 : planObjective(p, ids);
  const bound = solved.status === "infeasible" ? 0 : Math.max(objective, solved.bound);
  return {
    status: solved.status,
    ids,
    objective,
    feasible: solved.status !== "infeasible" && planFeasible(p, ids),
    bound,
    gap: bound > 0 ? (bound - objective) / bound : 0,
    solveMs,
    greedy: { ...greedy, ms: greedyMs },
    choices: explainPlan(p, ids),
    units: units.length,
    rows: model.numRows,
  };
}

/**
 * Why each candidate is in or out of a plan: in as a must, to meet a subdistrict's minimum, or for
 * its value per 万元; out because it costs more than is left (overall or of a source), its
 * subdistrict is full, its cluster stays out, it adds nothing, or its value per 万元 is lower
 * than the plan's lowest.
 */
export function explainPlan(p: PlanProblem, ids: number[]): PlanChoice[] {
  const chosen = new Set(ids);
  const { units, unitOf } = unitsOf(p);
  const covering = targetUnits(p, unitOf);
  const value = units.map((u) => u.ownValue);
  covering.forEach((us, t) => {
    for (const u of us) value[u] += (p.weights.gaps * p.targets[t].households) / us.length;
  });
  const perWan = (u: number) => (value[u] / Math.max(units[u].cost, 1)) * 10_000;
  const inUnits = units.map((u) => chosen.has(u.members[0]));
  const spent = {
    cost: 0,
    bySource: { central: 0, local: 0, residents: 0, social: 0 } as Record<FundingSource, number>,
    bySubdistrict: new Map<number, number>(),
  };
  units.forEach((u, i) => {
    if (!inUnits[i]) return;
    spent.cost += u.cost;
    for (const s of FUNDING_SOURCES) spent.bySource[s] += u.bySource[s];
    for (const [d, n] of u.bySubdistrict) spent.bySubdistrict.set(d, (spent.bySubdistrict.get(d) ?? 0) + n);
  });
  const lowestIn = Math.min(...units.flatMap((u, i) => (inUnits[i] && !u.must ? [perWan(i)] : [])));
  const round = (x: number) => Math.round(x * 100) / 100;
  const wan = (yuan: number) => round(yuan / 10_000);
  const minBound = new Map(p.subdistrictBounds.filter((b) => b.min !== undefined).map((b) => [b.subdistrictId, b.min!]));
  return p.candidates.map((c): PlanChoice => {
    const u = unitOf.get(c.id)!;
    const unit = units[u];
    const base = { id: c.id, chosen: inUnits[u], valuePerWan: round(perWan(u)) };
    const group: Record<string, number> = unit.members.length > 1 ? { members: unit.members.length } : {};
    if (inUnits[u]) {
      if (unit.must) return { ...base, code: "must" as const, params: group };
      const d = c.subdistrictId;
      if (d !== null && minBound.has(d) && perWan(u) < lowestIn + 1e-9 && (spent.bySubdistrict.get(d) ?? 0) <= minBound.get(d)!)
        return { ...base, code: "subdistrict_min" as const, params: { min: minBound.get(d)!, ...group } };
      return { ...base, code: "best_value" as const, params: { costWan: wan(unit.cost), ...group } };
    }
    if (value[u] <= 0) return { ...base, code: "no_value" as const, params: group };
    const left = p.budgetYuan - spent.cost;
    if (unit.cost > left + 1e-6)
      return { ...base, code: "over_budget" as const, params: { costWan: wan(unit.cost), leftWan: wan(Math.max(0, left)), ...group } };
    for (const s of FUNDING_SOURCES) {
      const cap = p.sourceBudgetsYuan[s];
      if (cap !== undefined && spent.bySource[s] + unit.bySource[s] > cap + 1e-6)
        return {
          ...base,
          code: "over_source_budget" as const,
          params: { source: s, needWan: wan(unit.bySource[s]), leftWan: wan(Math.max(0, cap - spent.bySource[s])) },
        };
    }
    for (const b of p.subdistrictBounds)
      if (
        b.max !== undefined &&
        unit.bySubdistrict.has(b.subdistrictId) &&
        (spent.bySubdistrict.get(b.subdistrictId) ?? 0) + unit.bySubdistrict.get(b.subdistrictId)! > b.max
      )
        return { ...base, code: "subdistrict_max" as const, params: { max: b.max } };
    return { ...base, code: unit.members.length > 1 ? ("group" as const) : ("lower_value" as const), params: { lowestInPerWan: round(lowestIn), ...group } };
  });
}
