import type { Knex } from "knex";

// Saved what-if scenarios for the walking-coverage analysis: proposed facilities (added, moved,
// removed) and gates, kept as JSON and validated by the API (categories against the standards
// profile, amenities and compounds against their tables, points against the city's bounds).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("scenarios", (t) => {
    t.increments("id");
    t.text("name").notNullable();
    t.text("notes");
    t.jsonb("changes").notNullable();
    t.integer("created_by").references("users.id").onDelete("SET NULL");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer("version").notNullable().defaultTo(1);
  });
  await knex.raw(`
    ALTER TABLE scenarios
      ADD CONSTRAINT scenarios_name_length CHECK (length(trim(name)) BETWEEN 1 AND 100),
      ADD CONSTRAINT scenarios_changes_shape CHECK (
        jsonb_typeof(changes) = 'object'
        AND jsonb_typeof(changes -> 'facilities') = 'array'
        AND jsonb_typeof(changes -> 'gates') = 'array'
        AND jsonb_array_length(changes -> 'facilities') + jsonb_array_length(changes -> 'gates') <= 500)
  `);
  await knex.raw("CREATE INDEX scenarios_updated_at ON scenarios (updated_at DESC, id DESC)");
  await knex.raw("CREATE INDEX scenarios_created_by ON scenarios (created_by)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("scenarios");
}
