import type { Knex } from "knex";
import type { PlanInput, PlanSolution, SavedPlan } from "../schemas/plans.js";

// SQL of the annual plan: the candidate compounds with what costing them needs, the inputs of the
// coverage engine, and saved plans (annual_plans).

export interface CandidateRow {
  id: number;
  name: string;
  address: string | null;
  buildYear: number | null;
  households: number;
  buildings: number;
  floorAreaM2: number;
  units: number;
  elevatorUnits: number;
  subdistrictId: number | null;
  subdistrict: string | null;
  status: string;
  tier: string | null;
  clusterId: number | null;
  clusterName: string | null;
}

/** Compounds matching the plan's filter (and every must-include), with their buildings' sums. */
export async function candidateRows(knex: Knex, filter: PlanInput["filter"], mustInclude: number[], elevatorMinFloors: number): Promise<CandidateRow[]> {
  const q = knex("compounds as c")
    .leftJoin("subdistricts as s", "s.id", "c.subdistrict_id")
    .leftJoin("cluster_members as m", "m.compound_id", "c.id")
    .leftJoin("clusters as k", "k.id", "m.cluster_id")
    .select(
      "c.id",
      "c.name",
      "c.address",
      "c.build_year as buildYear",
      "c.households",
      "c.building_count as buildings",
      "c.subdistrict_id as subdistrictId",
      "s.name as subdistrict",
      "c.status",
      "c.tier",
      "k.id as clusterId",
      "k.name as clusterName",
      knex.raw('COALESCE(c.floor_area_m2, 0)::float8 AS "floorAreaM2"'),
      knex.raw("(SELECT COALESCE(sum(b.units), 0)::int FROM buildings b WHERE b.compound_id = c.id) AS units"),
      knex.raw(
        '(SELECT COALESCE(sum(b.units), 0)::int FROM buildings b WHERE b.compound_id = c.id AND b.floors >= ? AND NOT b.has_elevator) AS "elevatorUnits"',
        [elevatorMinFloors],
      ),
    )
    .where((w) => {
      w.where((f) => {
        f.whereIn("c.status", filter.statuses);
        if (filter.builtBy !== undefined) f.where("c.build_year", "<=", filter.builtBy);
        if (filter.tiers?.length) f.where((t) => t.whereIn("c.tier", filter.tiers!).orWhereNull("c.tier"));
        if (filter.subdistrictIds?.length) f.whereIn("c.subdistrict_id", filter.subdistrictIds);
      });
      if (mustInclude.length) w.orWhereIn("c.id", mustInclude);
    })
    .orderBy("c.id");
  return (await q) as CandidateRow[];
}

export interface PlanItemRow {
  compoundId: number;
  kind: string;
  quantity: number;
  costYuan: number;
}

/** Items still to do (planned or started) of the compounds `ids`. */
export async function openItems(knex: Knex, ids: number[]): Promise<PlanItemRow[]> {
  if (!ids.length) return [];
  return knex("renovation_items")
    .whereIn("compound_id", ids)
    .whereIn("status", ["planned", "started"])
    .select("compound_id as compoundId", "kind", knex.raw("quantity::float8 AS quantity"), knex.raw('cost_yuan::float8 AS "costYuan"'))
    .orderBy("id");
}

/** Every compound's households and gates, and every amenity: what the coverage engine reads. */
export async function coverageInputs(knex: Knex) {
  const [compounds, gates, amenities] = await Promise.all([
    knex("compounds").select("id", "households").orderBy("id"),
    knex("gates").select("compound_id as compoundId", knex.raw("ST_X(geom) AS lon"), knex.raw("ST_Y(geom) AS lat")).orderBy("id"),
    knex("amenities").select("id", "category", knex.raw("ST_X(geom) AS lon"), knex.raw("ST_Y(geom) AS lat")).orderBy("id"),
  ]);
  return {
    compounds: compounds as Array<{ id: number; households: number }>,
    gates: gates as Array<{ compoundId: number; lon: number; lat: number }>,
    amenities: amenities as Array<{ id: number; category: string; lon: number; lat: number }>,
  };
}

/** Compound ids that exist among `ids`. */
export async function existingCompounds(knex: Knex, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await knex("compounds").whereIn("id", ids).select("id", "name");
  return new Map(rows.map((r: { id: number; name: string }) => [r.id, r.name]));
}

interface PlanRecord {
  id: number;
  name: string;
  plan_year: number;
  revision: number;
  status: "draft" | "adopted";
  solution: PlanSolution | string;
  created_by: number | null;
  created_by_name: string | null;
  created_at: Date | string;
  adopted_at: Date | string | null;
  version: number;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toPlan(r: PlanRecord): SavedPlan {
  return {
    id: r.id,
    name: r.name,
    planYear: r.plan_year,
    revision: r.revision,
    status: r.status,
    createdBy: r.created_by === null ? null : { id: r.created_by, name: r.created_by_name ?? "" },
    createdAt: iso(r.created_at)!,
    adoptedAt: iso(r.adopted_at),
    version: r.version,
    solution: typeof r.solution === "string" ? JSON.parse(r.solution) : r.solution,
  };
}

const planColumns = (knex: Knex) => [
  "p.id",
  "p.name",
  "p.plan_year",
  "p.revision",
  "p.status",
  "p.solution",
  "p.created_by",
  "u.name as created_by_name",
  "p.created_at",
  "p.adopted_at",
  "p.version",
  knex.raw("1 AS one"),
];

export async function insertPlan(knex: Knex, p: { name: string; planYear: number; solution: PlanSolution; createdBy: number | null }): Promise<number> {
  // The year's plans are numbered one after another: lock the year while counting.
  await knex.raw("SELECT pg_advisory_xact_lock(hashtext('annual_plans'), ?)", [p.planYear]);
  const [{ n }] = await knex("annual_plans").where({ plan_year: p.planYear }).count({ n: "*" });
  const [row] = await knex("annual_plans")
    .insert({ name: p.name, plan_year: p.planYear, revision: Number(n) + 1, solution: JSON.stringify(p.solution), created_by: p.createdBy })
    .returning("id");
  return row.id;
}

export async function findPlan(knex: Knex, id: number): Promise<SavedPlan | undefined> {
  const r = await knex("annual_plans as p").leftJoin("users as u", "u.id", "p.created_by").where("p.id", id).first(planColumns(knex));
  return r ? toPlan(r) : undefined;
}

/** Saved plans, newest first, without their solutions' rows. */
export async function listPlans(knex: Knex): Promise<SavedPlan[]> {
  const rows = await knex("annual_plans as p").leftJoin("users as u", "u.id", "p.created_by").select(planColumns(knex)).orderBy("p.id", "desc").limit(500);
  return rows.map(toPlan);
}

/** Mark a plan adopted (at `version`); false when the version is stale or it is adopted already. */
export async function markAdopted(knex: Knex, id: number, version: number, by: number | null): Promise<boolean> {
  const n = await knex("annual_plans")
    .where({ id, version, status: "draft" })
    .update({ status: "adopted", adopted_at: knex.fn.now(), adopted_by: by, version: version + 1 });
  return n === 1;
}

export async function deletePlan(knex: Knex, id: number, version: number): Promise<boolean> {
  return (await knex("annual_plans").where({ id, version, status: "draft" }).del()) === 1;
}

/** Lock the compounds a plan lists, with their status and plan year (to list them in one step). */
export async function lockPlanCompounds(knex: Knex, ids: number[]) {
  if (!ids.length) return [];
  return (await knex("compounds").whereIn("id", ids).forUpdate().select("id", "name", "status", "plan_year", "version").orderBy("id")) as Array<{
    id: number;
    name: string;
    status: string;
    plan_year: number | null;
    version: number;
  }>;
}

/** List compounds as planned in `year` (one statement; the caller audits each). */
export async function listCompoundsAsPlanned(knex: Knex, ids: number[], year: number): Promise<void> {
  if (!ids.length) return;
  await knex("compounds")
    .whereIn("id", ids)
    .update({ status: "planned", plan_year: year, version: knex.raw("version + 1"), updated_at: knex.fn.now() });
}
