import type { Knex } from "knex";

// 改造项目 renovation items: entries of the renovation menu (菜单式改造) done or planned in a
// compound. Kinds are mirrored from geodata/costs.json into item_kinds on every start.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("item_kinds", (t) => {
    t.text("kind").primary();
    t.text("name_zh").notNullable();
    t.text("name_en").notNullable();
    t.text("tier").notNullable();
    t.text("unit").notNullable();
    t.decimal("unit_cost_yuan", 14, 2).notNullable();
  });
  await knex.raw(`
    ALTER TABLE item_kinds
      ADD CONSTRAINT item_kinds_tier_values CHECK (tier IN ('basic', 'complete', 'enhanced')),
      ADD CONSTRAINT item_kinds_cost_nonneg CHECK (unit_cost_yuan >= 0)
  `);
  await knex.schema.createTable("renovation_items", (t) => {
    t.increments("id");
    t.integer("compound_id").notNullable().references("compounds.id").onDelete("CASCADE");
    t.text("kind").notNullable().references("item_kinds.kind").onUpdate("CASCADE");
    t.decimal("quantity", 14, 2).notNullable();
    t.text("unit").notNullable();
    t.decimal("cost_yuan", 14, 2).notNullable().defaultTo(0);
    t.text("status").notNullable().defaultTo("planned");
    t.text("notes");
    t.integer("version").notNullable().defaultTo(1);
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.specificType("geom", "geometry(Geometry, 4326)");
  });
  await knex.raw(`
    ALTER TABLE renovation_items
      ADD CONSTRAINT renovation_items_quantity_nonneg CHECK (quantity >= 0),
      ADD CONSTRAINT renovation_items_cost_nonneg CHECK (cost_yuan >= 0),
      ADD CONSTRAINT renovation_items_status_values
        CHECK (status IN ('planned', 'started', 'completed', 'cancelled')),
      ADD CONSTRAINT renovation_items_geom_valid CHECK (geom IS NULL OR (ST_IsValid(geom) AND
        GeometryType(geom) IN ('POINT', 'MULTIPOINT', 'LINESTRING', 'POLYGON', 'MULTIPOLYGON')))
  `);
  await knex.raw("CREATE INDEX renovation_items_geom_gist ON renovation_items USING gist (geom)");
  await knex.raw("CREATE INDEX renovation_items_compound ON renovation_items (compound_id)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("renovation_items");
  await knex.schema.dropTable("item_kinds");
}
