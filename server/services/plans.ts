import loader, { type Highs } from "highs";
import type { Knex } from "knex";
import ExcelJS from "exceljs";
import { toCsv } from "../../shared/csv.js";
import { computeCoverage, createCoverageContext } from "../../web/src/analysis/coverage.js";
import { FUNDING_SOURCES, type FundingSource, type PlanProblem, type PlanResult, solvePlan } from "../../web/src/analysis/plan.js";
import type { WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { type Actor, writeAudit } from "../db/audit.js";
import {
  type CandidateRow,
  candidateRows,
  coverageInputs,
  deletePlan as deleteRow,
  existingCompounds,
  findPlan,
  insertPlan,
  listCompoundsAsPlanned,
  listPlans,
  lockPlanCompounds,
  markAdopted,
  openItems,
} from "../db/plans.js";
import { inTransaction } from "../db/transaction.js";
import { ConflictError, NotFoundError, ValidationError, VersionConflictError, type FieldError } from "../errors.js";
import type { PlanInput, PlanRow, PlanSolution, PlanTotals, SavedPlan } from "../schemas/plans.js";
import type { ReferenceData } from "../schemas/reference.js";
import { costCompound, gapTargets, lackedCategories, planCandidate, type Costed } from "./plan-model.js";

// The annual plan (年度改造计划): candidates under the planner's filter, costed, their facilities'
// gap closures from the coverage engine, solved by HiGHS beside the greedy baseline; saved plans
// numbered per year, exported as the bureau's plan table, and adopted in one audited step.

export interface PlanEnv {
  reference: ReferenceData;
  walkGraph: () => Promise<WalkGraph>;
}

let highsLoading: Promise<Highs> | undefined;
/** The HiGHS solver (WebAssembly), loaded once per process. */
export const loadHighs = (): Promise<Highs> => {
  highsLoading ??= loader();
  return highsLoading;
};

/** Must-include and excluded ids must be compounds; a must-include must not be under way already. */
async function checkIds(knex: Knex, input: PlanInput, rows: CandidateRow[]): Promise<void> {
  const known = await existingCompounds(knex, [...input.mustInclude, ...input.exclude]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const errors: FieldError[] = [];
  input.mustInclude.forEach((id, i) => {
    if (!known.has(id)) errors.push({ name: `mustInclude[${i}]`, reason: `compound ${id} does not exist`, code: "unknown_compound", params: { id } });
    else if (!["unlisted", "planned"].includes(byId.get(id)?.status ?? ""))
      errors.push({
        name: `mustInclude[${i}]`,
        reason: `compound ${id} (${known.get(id)}) is ${byId.get(id)?.status}: only unlisted or planned compounds go into a plan`,
        code: "not_candidate",
        params: { id, status: byId.get(id)?.status ?? "" },
      });
  });
  input.exclude.forEach((id, i) => {
    if (!known.has(id)) errors.push({ name: `exclude[${i}]`, reason: `compound ${id} does not exist`, code: "unknown_compound", params: { id } });
  });
  if (errors.length) throw new ValidationError(errors);
}

function totalsOf(rows: PlanRow[], ids: Set<number>, targets: PlanProblem["targets"], objective: number): PlanTotals {
  const chosen = rows.filter((r) => ids.has(r.id));
  const bySource = Object.fromEntries(FUNDING_SOURCES.map((s) => [s, 0])) as Record<FundingSource, number>;
  for (const r of chosen) for (const s of FUNDING_SOURCES) bySource[s] += r.bySource[s];
  const gapsByCategory: Record<string, number> = {};
  for (const t of targets) if (t.by.some((id) => ids.has(id))) gapsByCategory[t.category] = (gapsByCategory[t.category] ?? 0) + t.households;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    compounds: chosen.length,
    households: chosen.reduce((s, r) => s + r.households, 0),
    costYuan: round2(chosen.reduce((s, r) => s + r.costYuan, 0)),
    subsidyYuan: round2(chosen.reduce((s, r) => s + r.subsidyYuan, 0)),
    bySource: Object.fromEntries(FUNDING_SOURCES.map((s) => [s, round2(bySource[s])])) as Record<FundingSource, number>,
    elevatorUnits: chosen.reduce((s, r) => s + r.elevatorUnits, 0),
    gapsClosed: Object.values(gapsByCategory).reduce((a, b) => a + b, 0),
    gapsByCategory,
    objective,
  };
}

/** The coverage engine on the city as it is: its context and run, the limits, and the gates. */
async function coverageToday(knex: Knex, env: PlanEnv) {
  const [graph, inputs] = await Promise.all([env.walkGraph(), coverageInputs(knex)]);
  const gatesBy = new Map<number, Array<[number, number]>>();
  for (const g of inputs.gates) (gatesBy.get(g.compoundId) ?? gatesBy.set(g.compoundId, []).get(g.compoundId)!).push([g.lon, g.lat]);
  const ctx = createCoverageContext(
    graph,
    inputs.compounds.map((c) => ({ id: c.id, households: c.households, gates: gatesBy.get(c.id) ?? [] })),
  );
  const categories = env.reference.standards.categories.map((c) => ({ code: c.code, circle: c.circle, limitM: c.limitM }));
  const run = computeCoverage(
    ctx,
    inputs.amenities.map((a) => ({ id: a.id, category: a.category, lonLat: [a.lon, a.lat] as [number, number] })),
    categories,
  );
  const limits = new Map(categories.map((c) => [c.code, c.limitM]));
  return { ctx, run, limits, gatesBy };
}

/** Candidates after the exclusions: an excluded compound takes its cluster out when clusters go in whole. */
function applyExclusions(input: PlanInput, rows: CandidateRow[]) {
  const excludedIds = new Set(input.exclude);
  const outClusters = new Set(rows.filter((r) => excludedIds.has(r.id) && r.clusterId !== null).map((r) => r.clusterId));
  const excluded: PlanSolution["excluded"] = [];
  const kept = rows.filter((r) => {
    if (excludedIds.has(r.id)) excluded.push({ id: r.id, name: r.name, code: "excluded" });
    else if (input.clustersWhole && r.clusterId !== null && outClusters.has(r.clusterId)) excluded.push({ id: r.id, name: r.name, code: "group_excluded" });
    else return true;
    return false;
  });
  return { kept, excluded };
}

/** Solve one plan: the optimum, the greedy baseline, totals and a reason for every candidate. */
export async function solveAnnualPlan(knex: Knex, env: PlanEnv, input: PlanInput): Promise<PlanSolution> {
  const { reference } = env;
  const rows = await candidateRows(knex, input.filter, input.mustInclude, reference.clusters.elevatorMinFloors);
  await checkIds(knex, input, rows);
  const { kept, excluded } = applyExclusions(input, rows);
  const [items, today, highs] = await Promise.all([
    openItems(
      knex,
      kept.map((r) => r.id),
    ),
    coverageToday(knex, env),
    loadHighs(),
  ]);
  const lacks = lackedCategories(today.ctx, today.run, today.limits);
  const itemsBy = new Map<number, typeof items>();
  for (const i of items) (itemsBy.get(i.compoundId) ?? itemsBy.set(i.compoundId, []).get(i.compoundId)!).push(i);
  const costed = new Map<number, Costed>(kept.map((r) => [r.id, costCompound(reference, r, itemsBy.get(r.id) ?? [], lacks.get(r.id) ?? new Set())]));
  const must = new Set(input.mustInclude);
  const targets = gapTargets(
    today.ctx,
    today.run,
    today.limits,
    kept.map((r) => ({ id: r.id, provides: costed.get(r.id)!.provides, gates: today.gatesBy.get(r.id) ?? [] })),
  );
  const weights = input.weights ?? reference.plans.weights;
  const problem: PlanProblem = {
    candidates: kept.map((r) => planCandidate(r, costed.get(r.id)!, { must: must.has(r.id) })),
    targets,
    budgetYuan: input.budgetWan * 10_000,
    sourceBudgetsYuan: Object.fromEntries(Object.entries(input.sourceBudgetsWan).flatMap(([s, v]) => (v === undefined ? [] : [[s, v * 10_000]]))),
    subdistrictBounds: input.subdistrictBounds,
    weights,
    groupsWhole: input.clustersWhole,
  };
  const result = solvePlan(highs, problem, { timeLimitS: reference.plans.timeLimitS });
  return solutionOf(input, weights, kept, costed, problem, result, excluded, must);
}

function solutionOf(
  input: PlanInput,
  weights: PlanSolution["weights"],
  kept: CandidateRow[],
  costed: Map<number, Costed>,
  problem: PlanProblem,
  result: PlanResult,
  excluded: PlanSolution["excluded"],
  must: Set<number>,
): PlanSolution {
  const choiceBy = new Map(result.choices.map((c) => [c.id, c]));
  const gainsBy = new Map<number, Map<string, number>>();
  for (const t of problem.targets)
    for (const id of t.by) {
      const m = gainsBy.get(id) ?? gainsBy.set(id, new Map()).get(id)!;
      m.set(t.category, (m.get(t.category) ?? 0) + t.households);
    }
  const rows: PlanRow[] = kept.map((r) => {
    const c = costed.get(r.id)!;
    return {
      id: r.id,
      name: r.name,
      address: r.address,
      buildYear: r.buildYear,
      households: r.households,
      buildings: r.buildings,
      subdistrictId: r.subdistrictId,
      subdistrict: r.subdistrict,
      status: r.status,
      clusterId: r.clusterId,
      clusterName: r.clusterName,
      elevatorUnits: r.elevatorUnits,
      costSource: c.costSource,
      costYuan: c.costYuan,
      subsidyYuan: c.subsidyYuan,
      bySource: c.bySource,
      works: c.works,
      gains: [...(gainsBy.get(r.id) ?? new Map<string, number>())].map(([category, households]) => ({ category, households })),
      must: must.has(r.id),
      choice: choiceBy.get(r.id)!,
    };
  });
  return {
    input,
    weights,
    status: result.status,
    objective: result.objective,
    bound: result.bound,
    gap: result.gap,
    solveMs: Math.round(result.solveMs),
    model: { units: result.units, rows: result.rows, targets: problem.targets.length },
    greedy: {
      ids: result.greedy.ids,
      objective: result.greedy.objective,
      feasible: result.greedy.feasible,
      ms: Math.round(result.greedy.ms * 100) / 100,
      totals: totalsOf(rows, new Set(result.greedy.ids), problem.targets, result.greedy.objective),
    },
    chosenIds: result.ids,
    totals: totalsOf(rows, new Set(result.ids), problem.targets, result.objective),
    rows,
    excluded,
  };
}

/** Save a plan under a name: solved again here, numbered within its year, audited. */
export async function createPlan(knex: Knex, actor: Actor, env: PlanEnv, body: { name: string; input: PlanInput }): Promise<SavedPlan> {
  const solution = await solveAnnualPlan(knex, env, body.input);
  if (solution.status === "infeasible")
    throw new ValidationError([
      { name: "input", reason: "no plan keeps every rule (budget, musts, subdistrict bounds): nothing to save", code: "plan_infeasible" },
    ]);
  const id = await inTransaction(knex, async (trx) => {
    const id = await insertPlan(trx, { name: body.name, planYear: body.input.planYear, solution, createdBy: actor.id });
    await writeAudit(trx, {
      actor,
      action: "create",
      entity: "plan",
      entityId: id,
      after: { name: body.name, planYear: body.input.planYear, compounds: solution.chosenIds },
    });
    return id;
  });
  return (await findPlan(knex, id))!;
}

export async function readPlan(knex: Knex, id: number): Promise<SavedPlan> {
  const p = await findPlan(knex, id);
  if (!p) throw new NotFoundError(`Plan ${id}`);
  return p;
}

/** Saved plans without their rows (the list). */
export async function listSavedPlans(knex: Knex) {
  return (await listPlans(knex)).map(({ solution, ...p }) => ({ ...p, totals: solution.totals, status: p.status, solutionStatus: solution.status }));
}

export async function removePlan(knex: Knex, actor: Actor, id: number, version: number): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const p = await findPlan(trx, id);
    if (!p) throw new NotFoundError(`Plan ${id}`);
    if (p.status === "adopted") throw new ConflictError(`Plan ${id} is adopted; an adopted plan is kept`, { code: "plan_adopted", params: { id } });
    if (!(await deleteRow(trx, id, version))) throw new VersionConflictError("plan", id, p.version, version);
    await writeAudit(trx, { actor, action: "delete", entity: "plan", entityId: id, before: { name: p.name, planYear: p.planYear } });
  });
}

/**
 * Adopt a plan: in one transaction, every compound it chose is listed as planned in its year
 * (audited one by one), and the plan is marked adopted. A compound that has moved on since the
 * plan was solved (started or further) stops the adoption with a 409 that names it.
 */
export async function adoptPlan(knex: Knex, actor: Actor, id: number, version: number): Promise<SavedPlan> {
  await inTransaction(knex, async (trx) => {
    const p = await findPlan(trx, id);
    if (!p) throw new NotFoundError(`Plan ${id}`);
    if (p.status === "adopted") throw new ConflictError(`Plan ${id} is adopted already`, { code: "plan_adopted", params: { id } });
    if (p.version !== version) throw new VersionConflictError("plan", id, p.version, version);
    const compounds = await lockPlanCompounds(trx, p.solution.chosenIds);
    const moved = compounds.filter((c) => c.status !== "unlisted" && c.status !== "planned");
    if (moved.length)
      throw new ConflictError(`${moved.map((c) => `${c.name} (${c.id}) is ${c.status}`).join("; ")}: solve the plan again without them`, {
        code: "plan_stale",
        params: { ids: moved.map((c) => c.id).join(","), names: moved.map((c) => c.name).join("、") },
      });
    await listCompoundsAsPlanned(
      trx,
      compounds.map((c) => c.id),
      p.planYear,
    );
    for (const c of compounds)
      await writeAudit(trx, {
        actor,
        action: "update",
        entity: "compound",
        entityId: c.id,
        before: { status: c.status, planYear: c.plan_year },
        after: { status: "planned", planYear: p.planYear, plan: id },
      });
    if (!(await markAdopted(trx, id, version, actor.id))) throw new VersionConflictError("plan", id, p.version, version);
    await writeAudit(trx, {
      actor,
      action: "update",
      entity: "plan",
      entityId: id,
      before: { status: "draft" },
      after: { status: "adopted", compounds: compounds.length },
    });
  });
  return readPlan(knex, id);
}

const SOURCE_ZH: Record<FundingSource, string> = { central: "中央补助", local: "地方财政", residents: "居民出资", social: "社会资本" };
/** The bureau's 年度计划表: one row per chosen compound, in the columns the table has. */
export const PLAN_TABLE_COLUMNS = ["序号", "小区名称", "地址", "所属街道", "建成年代", "户数", "楼栋数", "改造内容", "投资估算（万元）", "资金来源"] as const;

function planTableRows(p: SavedPlan): Array<Array<string | number>> {
  const chosen = new Set(p.solution.chosenIds);
  const wan = (yuan: number) => Math.round(yuan / 100) / 100;
  return p.solution.rows
    .filter((r) => chosen.has(r.id))
    .map((r, i) => [
      i + 1,
      r.name,
      r.address ?? "",
      r.subdistrict ?? "",
      r.buildYear ?? "",
      r.households,
      r.buildings,
      r.works.map((w) => `${w.nameZh}${w.quantity}${w.unit}`).join("、") + (r.costSource === "estimate" ? "（估算）" : ""),
      wan(r.costYuan),
      FUNDING_SOURCES.filter((s) => r.bySource[s] > 0)
        .map((s) => `${SOURCE_ZH[s]}${wan(r.bySource[s])}`)
        .join("；"),
    ]);
}

/** The plan table as CSV (UTF-8 with BOM, formulas defused) or XLSX (the table and a totals sheet). */
export async function exportPlan(knex: Knex, id: number, format: "csv" | "xlsx") {
  const p = await readPlan(knex, id);
  const rows = planTableRows(p);
  const fileName = `${p.planYear}年度老旧小区改造计划-${p.revision}.${format}`;
  if (format === "csv") return { body: Buffer.from(toCsv([...PLAN_TABLE_COLUMNS], rows)), contentType: "text/csv; charset=utf-8", fileName };
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("年度计划表");
  sheet.addRow([`${p.planYear}年度老旧小区改造计划（${p.name}，第${p.revision}版${p.status === "adopted" ? "，已采纳" : ""}）`]);
  sheet.addRow([...PLAN_TABLE_COLUMNS]);
  for (const r of rows) sheet.addRow(r);
  const t = p.solution.totals;
  sheet.addRow(["合计", "", "", "", "", t.households, "", "", Math.round(t.costYuan / 100) / 100, ""]);
  const totals = book.addWorksheet("汇总");
  totals.addRow(["项目", "数值"]);
  totals.addRow(["小区数", t.compounds]);
  totals.addRow(["户数", t.households]);
  totals.addRow(["投资估算（万元）", Math.round(t.costYuan / 100) / 100]);
  for (const s of FUNDING_SOURCES) totals.addRow([`${SOURCE_ZH[s]}（万元）`, Math.round(t.bySource[s] / 100) / 100]);
  totals.addRow(["加装电梯候选单元", t.elevatorUnits]);
  totals.addRow(["补齐生活圈短板（户·类）", t.gapsClosed]);
  return { body: Buffer.from(await book.xlsx.writeBuffer()), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName };
}
