import type { Knex } from "knex";

// An elevator retrofit (加装电梯) goes on one unit (单元) of one building: renovation items may name
// the building and the unit they belong to.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("renovation_items", (t) => {
    t.integer("building_id").references("buildings.id").onDelete("SET NULL");
    t.integer("building_unit");
  });
  await knex.raw(`
    ALTER TABLE renovation_items
      ADD CONSTRAINT renovation_items_unit_positive CHECK (building_unit IS NULL OR building_unit >= 1),
      ADD CONSTRAINT renovation_items_unit_needs_building CHECK (building_unit IS NULL OR building_id IS NOT NULL)
  `);
  await knex.raw("CREATE INDEX renovation_items_building ON renovation_items (building_id)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX IF EXISTS renovation_items_building");
  await knex.schema.alterTable("renovation_items", (t) => {
    t.dropColumn("building_unit");
    t.dropColumn("building_id");
  });
}
