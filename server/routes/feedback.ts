import { FEEDBACK_STATUSES } from "../../shared/feedback.js";
import { ValidationError } from "../errors.js";
import { feedbackCreate, feedbackModeration } from "../schemas/feedback.js";
import { QueryReader } from "../schemas/query.js";
import { createChallenges, TooManyMessagesError, feedbackCounts, feedbackExport, feedbackList, moderate, submitFeedback } from "../services/feedback.js";
import { actorOf, cacheKey, type HandlerDeps, http, idParam, json, parse } from "./http.js";

// Residents' feedback (意见征集): anyone may ask for a challenge and send a message; the public
// reads published counts only; signed-in staff read the queue, moderate and export.

export function createFeedbackHandlers({ knex, cache }: HandlerDeps) {
  const challenges = createChallenges();
  const compoundList = (q: QueryReader) => q.intList("compound", { min: 1, max: 2_147_483_647 });
  return {
    challenge: http(async (_req, res) => {
      res.set("Cache-Control", "no-store").json(challenges.issue());
    }),
    submit: http(async (req, res) => {
      const body = parse(feedbackCreate, req.body);
      try {
        res.status(201).json(await submitFeedback(knex, challenges, body, req.ip ?? "unknown"));
      } catch (err) {
        if (err instanceof TooManyMessagesError) res.set("Retry-After", String(Math.ceil(err.retryAfterS)));
        throw err;
      }
    }),
    /** Published counts per compound and topic (`compound=1,2` for some only): public. */
    counts: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const compoundIds = compoundList(q);
      q.done();
      await cache.send(req, res, cacheKey(req, { compoundIds }), async () => json(await feedbackCounts(knex, compoundIds)));
    }),
    list: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = {
        status: q.enumList("status", FEEDBACK_STATUSES),
        compoundIds: compoundList(q),
        limit: q.int("limit", { min: 1, max: 1000 }) ?? 100,
        offset: q.int("offset", { min: 0, max: 2_147_483_647 }) ?? 0,
      };
      q.done();
      res.set("Cache-Control", "no-store").json(await feedbackList(knex, filter));
    }),
    export: http(async (req, res) => {
      const format = String(req.params.format);
      if (format !== "csv" && format !== "xlsx")
        throw new ValidationError([{ name: "format", reason: "expected csv or xlsx", code: "invalid_value", params: { values: "csv, xlsx" } }]);
      const q = new QueryReader(req.query as Record<string, unknown>);
      const status = q.enumList("status", FEEDBACK_STATUSES);
      q.done();
      const file = await feedbackExport(knex, format, status);
      res.set("Cache-Control", "no-store").attachment(file.fileName).type(file.contentType).send(file.body);
    }),
    moderate: http(async (req, res) => {
      const id = idParam(req);
      res.json(await moderate(knex, actorOf(req), id, parse(feedbackModeration, req.body)));
    }),
  };
}
