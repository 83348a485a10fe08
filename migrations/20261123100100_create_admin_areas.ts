import type { Knex } from "knex";

// 街道 subdistricts and 社区 communities: the administrative units roll-ups are reported by.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("subdistricts", (t) => {
    t.increments("id");
    t.text("name").notNullable().unique();
    t.text("code");
    t.specificType("geom", "geometry(MultiPolygon, 4326)").notNullable();
  });
  await knex.schema.createTable("communities", (t) => {
    t.increments("id");
    t.integer("subdistrict_id").notNullable().references("subdistricts.id").onDelete("RESTRICT");
    t.text("name").notNullable();
    t.specificType("geom", "geometry(MultiPolygon, 4326)").notNullable();
    t.unique(["subdistrict_id", "name"]);
  });
  for (const table of ["subdistricts", "communities"]) {
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_geom_valid CHECK (ST_IsValid(geom))`);
    await knex.raw(`CREATE INDEX ${table}_geom_gist ON ${table} USING gist (geom)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("communities");
  await knex.schema.dropTable("subdistricts");
}
