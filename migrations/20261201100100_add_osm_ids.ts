import type { Knex } from "knex";

// Rows imported from OpenStreetMap keep the id of the OSM element they came from ("way/123",
// "node/45"; a walk edge "way/123:45-46"; a gate placed where none is mapped "synthetic:way/123"),
// so importing the same extract again updates those rows instead of adding a second copy.
// Rows made in the app or from an inventory have none.
const TABLES = ["compounds", "buildings", "gates", "amenities", "streets", "water", "walk_nodes", "walk_edges"];

export async function up(knex: Knex): Promise<void> {
  for (const t of TABLES) {
    await knex.schema.alterTable(t, (c) => {
      c.text("osm_id");
    });
    // One OSM element may give several facilities (one per category), so amenities key on both.
    const key = t === "amenities" ? "(osm_id, category)" : "(osm_id)";
    await knex.raw(`CREATE UNIQUE INDEX ${t}_osm_id ON ${t} ${key} WHERE osm_id IS NOT NULL`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const t of TABLES) {
    await knex.raw(`DROP INDEX IF EXISTS ${t}_osm_id`);
    await knex.schema.alterTable(t, (c) => {
      c.dropColumn("osm_id");
    });
  }
}
