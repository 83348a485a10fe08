import type { Knex } from "knex";
import { findAudit, type AuditFilter } from "../db/audit.js";

/** Audit log entries (who, when, before/after), newest first, filtered and keyset-paged by id. */
export function auditLog(knex: Knex, filter: AuditFilter): ReturnType<typeof findAudit> {
  return findAudit(knex, filter);
}
