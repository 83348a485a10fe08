import type { Request } from "express";
import { type HandlerDeps, http, idParam, parse, versionParam } from "./http.js";
import { scenarioCreate, scenarioPatch } from "../schemas/bodies.js";
import { createScenario, deleteScenario, listScenarios, readScenario, updateScenario, type ScenarioActor } from "../services/scenarios.js";

// Saved what-if scenarios of the coverage analysis. Every route needs a signed-in user (the
// router puts requireRole in front); changing or deleting one needs its creator or an admin.

const actorOf = (req: Request): ScenarioActor => ({ id: req.user!.id, name: req.user!.name, role: req.user!.role });

export function createScenarioHandlers({ knex, reference }: HandlerDeps) {
  return {
    list: http(async (_req, res) => {
      res.json({ scenarios: await listScenarios(knex) });
    }),
    read: http(async (req, res) => {
      res.json(await readScenario(knex, idParam(req)));
    }),
    create: http(async (req, res) => {
      const body = parse(scenarioCreate, req.body);
      const s = await createScenario(knex, actorOf(req), reference, body);
      res.status(201).location(`/api/scenarios/${s.id}`).json(s);
    }),
    update: http(async (req, res) => {
      const id = idParam(req);
      res.json(await updateScenario(knex, actorOf(req), reference, id, parse(scenarioPatch, req.body)));
    }),
    remove: http(async (req, res) => {
      const id = idParam(req);
      await deleteScenario(knex, actorOf(req), id, versionParam(req));
      res.status(204).end();
    }),
  };
}
