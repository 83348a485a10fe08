import type { Knex } from "knex";

// 配套设施 amenities. Their category must be one of the standards profile's categories, which
// are mirrored from geodata/standards.json into facility_categories on every start.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("facility_categories", (t) => {
    t.text("code").primary();
    t.text("name_zh").notNullable();
    t.text("name_en").notNullable();
    t.text("circle").notNullable();
    t.double("limit_m").notNullable();
  });
  await knex.raw(`
    ALTER TABLE facility_categories
      ADD CONSTRAINT facility_categories_circle_values CHECK (circle IN ('block', '5min', '10min', '15min')),
      ADD CONSTRAINT facility_categories_limit_positive CHECK (limit_m > 0)
  `);
  await knex.schema.createTable("amenities", (t) => {
    t.increments("id");
    t.text("name");
    t.text("category").notNullable().references("facility_categories.code").onUpdate("CASCADE");
    t.integer("capacity");
    t.text("source").notNullable().defaultTo("demo");
    t.integer("version").notNullable().defaultTo(1);
    t.specificType("geom", "geometry(Point, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE amenities
      ADD CONSTRAINT amenities_geom_valid CHECK (ST_IsValid(geom)),
      ADD CONSTRAINT amenities_capacity_nonneg CHECK (capacity >= 0)
  `);
  await knex.raw("CREATE INDEX amenities_geom_gist ON amenities USING gist (geom)");
  await knex.raw("CREATE INDEX amenities_category ON amenities (category)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("amenities");
  await knex.schema.dropTable("facility_categories");
}
