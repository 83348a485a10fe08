import { z } from "zod";
import { FUNDING_SOURCES, type FundingSource, type PlanChoice } from "../../web/src/analysis/plan.js";
import { compoundStatuses } from "./compounds.js";
import { rowId, safeString, version } from "./primitives.js";
import { tierCodes } from "./reference.js";

// The annual plan (年度改造计划) on the wire: what the planner asks for, what the optimiser
// answers, and a saved plan. The web app imports these as types.

export { FUNDING_SOURCES };

const wan = z.number().min(0).max(100_000_000);
const ids = z.array(rowId("a compound")).max(10_000);

/** POST /api/plans/solve and POST /api/plans: the inputs of one plan. */
export const planInput = z
  .strictObject({
    planYear: z.number().int().min(2000).max(2100),
    budgetWan: wan,
    /** Caps per funding source (万元); absent: no cap. */
    sourceBudgetsWan: z
      .strictObject(Object.fromEntries(FUNDING_SOURCES.map((s) => [s, wan.optional()])) as Record<FundingSource, z.ZodOptional<typeof wan>>)
      .default({}),
    filter: z
      .strictObject({
        builtBy: z.number().int().min(1900).max(2100).optional(),
        statuses: z.array(z.enum(compoundStatuses)).min(1).max(5).default(["unlisted"]),
        tiers: z.array(z.enum(tierCodes)).max(3).optional(),
        subdistrictIds: z.array(rowId("a subdistrict")).max(1000).optional(),
      })
      .default({ statuses: ["unlisted"] }),
    mustInclude: ids.default([]),
    exclude: ids.default([]),
    subdistrictBounds: z
      .array(
        z
          .strictObject({
            subdistrictId: rowId("a subdistrict"),
            min: z.number().int().min(0).max(10_000).optional(),
            max: z.number().int().min(0).max(10_000).optional(),
          })
          .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { message: "min must not exceed max", path: ["min"] }),
      )
      .max(1000)
      .default([]),
    clustersWhole: z.boolean().default(true),
    weights: z.strictObject({ households: z.number().min(0).max(1e6), elevators: z.number().min(0).max(1e6), gaps: z.number().min(0).max(1e6) }).optional(),
  })
  .refine((b) => !b.mustInclude.some((id) => b.exclude.includes(id)), { message: "a compound cannot be both must-include and excluded", path: ["exclude"] });
export type PlanInput = z.infer<typeof planInput>;

/** POST /api/plans: a plan saved under a name (solved again on the server). */
export const planCreate = z.strictObject({ name: safeString().pipe(z.string().trim().min(1).max(200)), input: planInput });
/** POST /api/plans/:id/adopt */
export const planAdopt = z.strictObject({ version });

/** One candidate of a solved plan, with what the bureau's table needs. */
export interface PlanRow {
  id: number;
  name: string;
  address: string | null;
  buildYear: number | null;
  households: number;
  buildings: number;
  subdistrictId: number | null;
  subdistrict: string | null;
  status: string;
  clusterId: number | null;
  clusterName: string | null;
  elevatorUnits: number;
  /** Estimated from the standard package (no items yet) or summed from its items. */
  costSource: "items" | "estimate";
  costYuan: number;
  subsidyYuan: number;
  bySource: Record<FundingSource, number>;
  /** 改造内容: the items with quantities (planned or estimated). */
  works: Array<{ kind: string; nameZh: string; nameEn: string; quantity: number; unit: string; costYuan: number }>;
  /** Living-circle categories its planned facilities bring, and households that gain each. */
  gains: Array<{ category: string; households: number }>;
  must: boolean;
  choice: PlanChoice;
}

export interface PlanTotals {
  compounds: number;
  households: number;
  costYuan: number;
  subsidyYuan: number;
  bySource: Record<FundingSource, number>;
  elevatorUnits: number;
  /** Households × categories gained (each gap counted once), in all and per category. */
  gapsClosed: number;
  gapsByCategory: Record<string, number>;
  objective: number;
}

/** The answer of POST /api/plans/solve (and the result kept with a saved plan). */
export interface PlanSolution {
  input: PlanInput;
  weights: { households: number; elevators: number; gaps: number };
  status: "optimal" | "time_limit" | "infeasible";
  objective: number;
  bound: number;
  gap: number;
  solveMs: number;
  model: { units: number; rows: number; targets: number };
  greedy: { ids: number[]; objective: number; feasible: boolean; ms: number; totals: PlanTotals };
  chosenIds: number[];
  totals: PlanTotals;
  rows: PlanRow[];
  /** Compounds left out before solving, and why (excluded by the planner; not a candidate). */
  excluded: Array<{ id: number; name: string; code: "excluded" | "group_excluded" }>;
}

export interface SavedPlan {
  id: number;
  name: string;
  planYear: number;
  /** 1 for the first plan of its year, then 2, 3 …: the plan's version among the year's. */
  revision: number;
  status: "draft" | "adopted";
  createdBy: { id: number; name: string } | null;
  createdAt: string;
  adoptedAt: string | null;
  version: number;
  solution: PlanSolution;
}
