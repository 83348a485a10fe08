import type { Knex } from "knex";

// Accounts (admin / planner / staff; the public is anonymous) and the audit log of every write.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("users", (t) => {
    t.increments("id");
    t.text("name").notNullable().unique();
    t.text("display_name");
    t.text("role").notNullable();
    t.text("password_hash").notNullable();
    t.boolean("disabled").notNullable().defaultTo(false);
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    ALTER TABLE users
      ADD CONSTRAINT users_role_values CHECK (role IN ('admin', 'planner', 'staff')),
      ADD CONSTRAINT users_name_nonblank CHECK (length(trim(name)) > 0)
  `);
  await knex.schema.createTable("audit_log", (t) => {
    t.bigIncrements("id");
    t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer("user_id").references("users.id").onDelete("SET NULL");
    t.text("user_name");
    t.text("action").notNullable();
    t.text("entity").notNullable();
    t.text("entity_id");
    t.jsonb("before");
    t.jsonb("after");
  });
  await knex.raw(`
    ALTER TABLE audit_log
      ADD CONSTRAINT audit_log_action_values CHECK (action IN ('create', 'update', 'delete', 'import', 'login'))
  `);
  await knex.raw("CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)");
  await knex.raw("CREATE INDEX audit_log_at ON audit_log (at)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("audit_log");
  await knex.schema.dropTable("users");
}
