import type { Knex } from "knex";

// Sign-in sessions (the cookie holds a random token; only its hash is stored) and failed-login
// counters used to slow down password guessing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("sessions", (t) => {
    t.text("token_hash").primary();
    t.integer("user_id").notNullable().references("users.id").onDelete("CASCADE");
    t.text("csrf_token").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("expires_at", { useTz: true }).notNullable();
  });
  await knex.raw("CREATE INDEX sessions_user ON sessions (user_id)");
  await knex.schema.createTable("login_failures", (t) => {
    t.text("key").primary();
    t.integer("failures").notNullable().defaultTo(0);
    t.timestamp("last_failure_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable("users", (t) => {
    t.integer("version").notNullable().defaultTo(1);
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("version");
    t.dropColumn("updated_at");
  });
  await knex.schema.dropTable("login_failures");
  await knex.schema.dropTable("sessions");
}
