import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE EXTENSION IF NOT EXISTS postgis");
}

// down is a no-op: the extension may be shared with other schemas or created by the DBA, and
// dropping it would take other users' geometry columns with it.
export async function down(): Promise<void> {}
