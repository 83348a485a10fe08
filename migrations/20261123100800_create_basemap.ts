import type { Knex } from "knex";

// Basemap layers drawn from our own data (no external tiles): streets by class and water.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("streets", (t) => {
    t.increments("id");
    t.text("name");
    t.text("class").notNullable();
    t.boolean("bridge").notNullable().defaultTo(false);
    t.specificType("geom", "geometry(LineString, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE streets
      ADD CONSTRAINT streets_class_values
        CHECK (class IN ('motorway', 'arterial', 'branch', 'alley', 'footway', 'service', 'steps')),
      ADD CONSTRAINT streets_geom_valid CHECK (ST_IsValid(geom))
  `);
  await knex.schema.createTable("water", (t) => {
    t.increments("id");
    t.text("name");
    t.text("kind").notNullable().defaultTo("river");
    t.specificType("geom", "geometry(MultiPolygon, 4326)").notNullable();
  });
  await knex.raw("ALTER TABLE water ADD CONSTRAINT water_geom_valid CHECK (ST_IsValid(geom))");
  await knex.raw("CREATE INDEX streets_geom_gist ON streets USING gist (geom)");
  await knex.raw("CREATE INDEX water_geom_gist ON water USING gist (geom)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("water");
  await knex.schema.dropTable("streets");
}
