import { QueryReader } from "../schemas/query.js";
import { renovationProgress } from "../services/stats.js";
import { cacheKey, type HandlerDeps, http, json } from "./http.js";

// The city's rules files as the web app reads them, and the progress figures.

export function createReferenceHandlers({ knex, reference, cache }: HandlerDeps) {
  return {
    standards: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json(reference.standards));
    }),
    costs: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json(reference.costs));
    }),
    /** 列入计划, 开工率, 完工率 … per plan year. */
    progress: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => json(await renovationProgress(knex)));
    }),
  };
}
