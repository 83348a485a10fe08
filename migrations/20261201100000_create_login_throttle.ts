import type { Knex } from "knex";

// Sign-in throttling by attempts, not failures: each attempt is counted (atomically, before the
// password is checked) under its account+address, its address and its account; a success takes
// its own count back. Replaces login_failures, which counted after the check (parallel guesses
// all got through).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTable("login_failures");
  await knex.schema.createTable("login_throttle", (t) => {
    t.text("key").primary();
    t.integer("attempts").notNullable();
    t.timestamp("last_attempt_at", { useTz: true }).notNullable();
    t.timestamp("blocked_until", { useTz: true }).notNullable();
  });
  // Expired sessions are deleted on sign-in; this index finds them.
  await knex.raw("CREATE INDEX sessions_expires ON sessions (expires_at)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX IF EXISTS sessions_expires");
  await knex.schema.dropTable("login_throttle");
  await knex.schema.createTable("login_failures", (t) => {
    t.text("key").primary();
    t.integer("failures").notNullable().defaultTo(0);
    t.timestamp("last_failure_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
