import type { Knex } from "knex";

// 片区 clusters: named batches of compounds renovated together (连片改造).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("clusters", (t) => {
    t.increments("id");
    t.text("name").notNullable();
    t.integer("plan_year");
    t.text("status").notNullable().defaultTo("draft");
    t.text("notes");
    t.integer("version").notNullable().defaultTo(1);
    t.integer("created_by").references("users.id").onDelete("SET NULL");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    ALTER TABLE clusters
      ADD CONSTRAINT clusters_name_nonblank CHECK (length(trim(name)) > 0),
      ADD CONSTRAINT clusters_plan_year_plausible CHECK (plan_year BETWEEN 2000 AND 2100),
      ADD CONSTRAINT clusters_status_values CHECK (status IN ('draft', 'planned', 'started', 'completed'))
  `);
  await knex.schema.createTable("cluster_members", (t) => {
    t.integer("cluster_id").notNullable().references("clusters.id").onDelete("CASCADE");
    t.integer("compound_id").notNullable().references("compounds.id").onDelete("CASCADE");
    t.primary(["cluster_id", "compound_id"]);
  });
  await knex.raw("CREATE INDEX cluster_members_compound ON cluster_members (compound_id)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("cluster_members");
  await knex.schema.dropTable("clusters");
}
