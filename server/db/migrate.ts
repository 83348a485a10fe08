import type { Knex } from "knex";
import { migrationSource } from "../../migrations/index.js";

const config: Knex.MigratorConfig = { migrationSource, tableName: "knex_migrations" };

/** Apply every pending migration; returns the names applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

/** Undo every migration (all batches); returns the names rolled back. */
export async function rollbackAll(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(config, true)) as [number, string[]];
  return undone;
}

/** Undo the last batch of migrations. */
export async function rollbackLast(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(config)) as [number, string[]];
  return undone;
}

/** Names of migrations applied so far, oldest first. */
export async function appliedMigrations(knex: Knex): Promise<string[]> {
  const [completed] = (await knex.migrate.list(config)) as [Array<{ name: string } | string>, unknown];
  return completed.map((m) => (typeof m === "string" ? m : m.name));
}
