import { MAX_INT4 } from "../schemas/primitives.js";
import { QueryReader } from "../schemas/query.js";
import { auditLog } from "../services/audit.js";
import { type HandlerDeps, http } from "./http.js";

// The audit log (admins only), newest first, paged by `before_id`.

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

export function createAuditHandlers({ knex }: HandlerDeps) {
  return {
    list: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = {
        entity: q.enumList("entity", ["compound", "gate", "building", "renovation_item", "user", "session", "import", "scenario", "cluster"])?.[0],
        entityId: q.string("entity_id", { maxLength: 40 }),
        user: q.string("user", { maxLength: 100 }),
        action: q.enumList("action", ["create", "update", "delete", "import", "login"] as const),
        since: q.string("since", { maxLength: 40 }),
        until: q.string("until", { maxLength: 40 }),
        beforeId: q.int("before_id", { min: 1, max: MAX_INT4 }),
        limit: q.int("limit", { min: 1, max: 500 }) ?? 100,
      };
      for (const k of ["since", "until"] as const) {
        if (filter[k] && (!ISO_TIME.test(filter[k]!) || Number.isNaN(Date.parse(filter[k]!))))
          q.fail(k, "expected an ISO date or time, e.g. 2025-06-01 or 2025-06-01T08:00Z", "invalid_format", { format: "datetime" });
      }
      q.done();
      const { rows, hasMore } = await auditLog(knex, filter);
      res.json({ entries: rows, nextBeforeId: hasMore ? rows[rows.length - 1].id : null });
    }),
  };
}
