import type { Knex } from "knex";

/**
 * Run `work` in one transaction: it commits when `work` resolves and rolls back when it throws.
 * Inside a transaction already, this is a savepoint of it (knex's nesting). Services and imports
 * use this rather than calling knex themselves: knex calls stay in server/db.
 */
export function inTransaction<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(work);
}
