// The annual plan optimiser on the --scale 10 city (npm run bench, part "plans"): every compound
// built in 2000 or before is a candidate, costed by the standard package of geodata/plans.json,
// its facility rooms' gap closures from the coverage engine; solved by HiGHS at three budgets
// (10%, 25% and 50% of what renovating them all would cost) beside the greedy ratio baseline.
// Printed: time, the objective against the greedy one, and the gap to the solver's bound.

import path from "node:path";
import { performance } from "node:perf_hooks";
import { engineInputs } from "../geodata/generator/engine-inputs.js";
import { loadReferenceData } from "../server/db/reference.js";
import type { CandidateRow } from "../server/db/plans.js";
import { costCompound, gapTargets, lackedCategories, planCandidate } from "../server/services/plan-model.js";
import { loadHighs } from "../server/services/plans.js";
import { computeCoverage, createCoverageContext } from "../web/src/analysis/coverage.js";
import { type PlanProblem, solvePlan } from "../web/src/analysis/plan.js";

const SCALE = 10;
const REFERENCE = loadReferenceData(path.join(import.meta.dirname, "..", "geodata"));

export async function benchPlans(): Promise<void> {
  const t0 = performance.now();
  const { city, graph, compounds, facilities } = engineInputs(SCALE);
  const minFloors = REFERENCE.clusters.elevatorMinFloors;
  const units = new Map<number, { units: number; elevatorUnits: number }>();
  for (const b of city.buildings.features) {
    const id = b.properties.compoundId;
    if (id === null) continue;
    const u = units.get(id) ?? units.set(id, { units: 0, elevatorUnits: 0 }).get(id)!;
    u.units += b.properties.units;
    if (b.properties.floors >= minFloors && !b.properties.hasElevator) u.elevatorUnits += b.properties.units;
  }
  const rows: CandidateRow[] = city.compounds.features
    .filter((c) => c.properties.buildYear <= 2000)
    .map((c) => ({
      id: c.properties.id,
      name: c.properties.name,
      address: null,
      buildYear: c.properties.buildYear,
      households: c.properties.households,
      buildings: c.properties.buildingCount,
      floorAreaM2: c.properties.floorAreaM2,
      units: units.get(c.properties.id)?.units ?? 0,
      elevatorUnits: units.get(c.properties.id)?.elevatorUnits ?? 0,
      subdistrictId: c.properties.subdistrictId,
      subdistrict: null,
      status: "unlisted",
      tier: null,
      clusterId: null,
      clusterName: null,
    }));
  const categories = REFERENCE.standards.categories.map((c) => ({ code: c.code, circle: c.circle, limitM: c.limitM }));
  const ctx = createCoverageContext(graph, compounds);
  const run = computeCoverage(ctx, facilities, categories);
  const limits = new Map(categories.map((c) => [c.code, c.limitM]));
  const lacks = lackedCategories(ctx, run, limits);
  const costed = new Map(rows.map((r) => [r.id, costCompound(REFERENCE, r, [], lacks.get(r.id) ?? new Set())]));
  const gatesBy = new Map(compounds.map((c) => [c.id, c.gates]));
  const targets = gapTargets(
    ctx,
    run,
    limits,
    rows.map((r) => ({ id: r.id, provides: costed.get(r.id)!.provides, gates: gatesBy.get(r.id) ?? [] })),
  );
  const total = rows.reduce((s, r) => s + costed.get(r.id)!.costYuan, 0);
  const tBuild = performance.now() - t0;
  const highs = await loadHighs();
  console.log(
    `Annual plan, scale ${SCALE}: ${rows.length} pre-2000 candidates of ${compounds.length} compounds, ${targets.length} gap targets (compound × category); inputs built in ${(tBuild / 1000).toFixed(1)} s; renovating all would cost ${(total / 1e8).toFixed(2)} 亿元`,
  );
  console.log("| budget | share | HiGHS time | objective | greedy objective | optimum ÷ greedy | gap to bound | chosen |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const share of [0.1, 0.25, 0.5]) {
    const problem: PlanProblem = {
      candidates: rows.map((r) => planCandidate(r, costed.get(r.id)!, { must: false })),
      targets,
      budgetYuan: Math.round(total * share),
      sourceBudgetsYuan: {},
      subdistrictBounds: [],
      weights: REFERENCE.plans.weights,
      groupsWhole: false,
    };
    const res = solvePlan(highs, problem, { timeLimitS: 120 });
    console.log(
      `| ${Math.round((total * share) / 1e4).toLocaleString("en")} 万元 | ${share * 100}% | ${(res.solveMs / 1000).toFixed(2)} s (${res.status}) | ${Math.round(res.objective).toLocaleString("en")} | ${Math.round(res.greedy.objective).toLocaleString("en")} | ${(res.objective / res.greedy.objective).toFixed(4)} | ${(res.gap * 100).toFixed(3)}% | ${res.ids.length} |`,
    );
  }
}
