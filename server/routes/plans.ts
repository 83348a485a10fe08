import { ValidationError } from "../errors.js";
import { planAdopt, planCreate, planInput } from "../schemas/plans.js";
import { adoptPlan, createPlan, exportPlan, listSavedPlans, readPlan, removePlan, solveAnnualPlan, type PlanEnv } from "../services/plans.js";
import { actorOf, type HandlerDeps, http, idParam, parse, versionParam } from "./http.js";

// The annual plan (年度改造计划): solve a plan for a budget, save it, export the bureau's plan
// table, adopt it (its compounds listed as planned in its year). Internal work: planners write,
// every signed-in role reads.

export function createPlanHandlers({ knex, reference, walkGraph }: HandlerDeps) {
  const env: PlanEnv = { reference, walkGraph: async () => (await walkGraph.get()).graph };
  return {
    solve: http(async (req, res) => {
      res.set("Cache-Control", "no-store").json(await solveAnnualPlan(knex, env, parse(planInput, req.body)));
    }),
    list: http(async (_req, res) => {
      res.set("Cache-Control", "no-store").json({ plans: await listSavedPlans(knex) });
    }),
    create: http(async (req, res) => {
      res.status(201).json(await createPlan(knex, actorOf(req), env, parse(planCreate, req.body)));
    }),
    read: http(async (req, res) => {
      res.set("Cache-Control", "no-store").json(await readPlan(knex, idParam(req)));
    }),
    remove: http(async (req, res) => {
      await removePlan(knex, actorOf(req), idParam(req), versionParam(req));
      res.status(204).end();
    }),
    adopt: http(async (req, res) => {
      res.json(await adoptPlan(knex, actorOf(req), idParam(req), parse(planAdopt, req.body).version));
    }),
    export: http(async (req, res) => {
      const format = String(req.params.format);
      if (format !== "csv" && format !== "xlsx")
        throw new ValidationError([{ name: "format", reason: "expected csv or xlsx", code: "invalid_value", params: { values: "csv, xlsx" } }]);
      const file = await exportPlan(knex, idParam(req), format);
      res.set("Cache-Control", "no-store").attachment(file.fileName).type(file.contentType).send(file.body);
    }),
  };
}
