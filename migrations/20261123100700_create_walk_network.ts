import type { Knex } from "knex";

// The walk network: street segments with their length in metres. Compound interiors are not in
// it; gates and amenities join it through nodes that point back at them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("walk_nodes", (t) => {
    t.bigInteger("id").primary();
    t.integer("gate_id").references("gates.id").onDelete("SET NULL");
    t.integer("amenity_id").references("amenities.id").onDelete("SET NULL");
    t.specificType("geom", "geometry(Point, 4326)").notNullable();
  });
  await knex.schema.createTable("walk_edges", (t) => {
    t.bigInteger("id").primary();
    t.bigInteger("source").notNullable().references("walk_nodes.id").onDelete("CASCADE");
    t.bigInteger("target").notNullable().references("walk_nodes.id").onDelete("CASCADE");
    t.double("length_m").notNullable();
    t.text("class").notNullable();
    t.specificType("geom", "geometry(LineString, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE walk_edges
      ADD CONSTRAINT walk_edges_length_positive CHECK (length_m > 0),
      ADD CONSTRAINT walk_edges_not_loop CHECK (source <> target),
      ADD CONSTRAINT walk_edges_geom_valid CHECK (ST_IsValid(geom))
  `);
  await knex.raw("CREATE INDEX walk_nodes_geom_gist ON walk_nodes USING gist (geom)");
  await knex.raw("CREATE INDEX walk_edges_geom_gist ON walk_edges USING gist (geom)");
  await knex.raw("CREATE INDEX walk_edges_source ON walk_edges (source)");
  await knex.raw("CREATE INDEX walk_edges_target ON walk_edges (target)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("walk_edges");
  await knex.schema.dropTable("walk_nodes");
}
