import os from "node:os";
import type { Knex } from "knex";

/** What an audit entry records (the admin panel names each from `admin.auditAction.<action>`). */
export const AUDIT_ACTIONS = ["create", "update", "delete", "import", "login"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a write: a signed-in user, or (id null) a command-line run named after the OS user. */
export interface Actor {
  id: number | null;
  name: string;
}

/** The actor for command-line work (imports, seeding), e.g. `cli:root`. */
export function cliActor(): Actor {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { id: null, name: `cli:${user}` };
}

/** Record one write: who, what, before and after. Call inside the write's transaction. */
export async function writeAudit(
  knex: Knex,
  a: { actor: Actor; action: AuditAction; entity: string; entityId?: string | number | null; before?: unknown; after?: unknown },
): Promise<void> {
  await knex("audit_log").insert({
    user_id: a.actor.id,
    user_name: a.actor.name,
    action: a.action,
    entity: a.entity,
    entity_id: a.entityId == null ? null : String(a.entityId),
    before: a.before === undefined ? null : JSON.stringify(a.before),
    after: a.after === undefined ? null : JSON.stringify(a.after),
  });
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  user?: string;
  action?: AuditAction[];
  since?: string;
  until?: string;
  beforeId?: number;
  limit: number;
}

/** Audit rows, newest first, filtered; keyset-paged by id. */
export async function findAudit(knex: Knex, f: AuditFilter) {
  const q = knex("audit_log")
    .orderBy("id", "desc")
    .limit(f.limit + 1)
    .select(
      knex.raw("id::int AS id"),
      knex.raw(`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`),
      "user_id as userId",
      "user_name as userName",
      "action",
      "entity",
      "entity_id as entityId",
      "before",
      "after",
    );
  if (f.entity) q.where("entity", f.entity);
  if (f.entityId) q.where("entity_id", f.entityId);
  if (f.user) q.where("user_name", f.user);
  if (f.action) q.whereIn("action", f.action);
  if (f.since) q.where("at", ">=", f.since);
  if (f.until) q.where("at", "<", f.until);
  if (f.beforeId !== undefined) q.where("id", "<", f.beforeId);
  const rows = await q;
  const hasMore = rows.length > f.limit;
  return { rows: hasMore ? rows.slice(0, f.limit) : rows, hasMore };
}
