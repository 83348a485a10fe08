import type { Knex } from "knex";

// Where a compound's figures come from, and how its residents reach the street:
// - compounds.households_source: inventory (a bureau's list, the demo city), osm (a households or
//   dwellings tag, or building:flats), estimated (from its buildings' floor area), manual (typed in
//   the app), unknown (no figure at all);
// - compounds.access: gates (its mapped or drawn gates), assumed (walled, but no gate mapped:
//   residents are assumed to leave where the walk network meets its wall), open (no gate and no
//   wall: a neighbourhood whose streets are public), none (no walk network near it at all);
// - gates.source: osm, assumed (one of those access points), manual (drawn or from a survey).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("compounds", (t) => {
    t.text("households_source").notNullable().defaultTo("manual");
    t.text("access").notNullable().defaultTo("gates");
  });
  await knex.raw(`
    ALTER TABLE compounds
      ADD CONSTRAINT compounds_households_source_values CHECK (households_source IN ('inventory', 'osm', 'estimated', 'manual', 'unknown')),
      ADD CONSTRAINT compounds_access_values CHECK (access IN ('gates', 'assumed', 'open', 'none'))`);
  await knex.raw("UPDATE compounds SET households_source = 'inventory'");
  await knex.schema.alterTable("gates", (t) => {
    t.text("source").notNullable().defaultTo("manual");
  });
  await knex.raw("ALTER TABLE gates ADD CONSTRAINT gates_source_values CHECK (source IN ('osm', 'assumed', 'manual'))");
  await knex.raw("UPDATE gates SET source = 'osm' WHERE osm_id LIKE 'node/%'");
  await knex.raw("UPDATE gates SET source = 'assumed' WHERE osm_id LIKE 'synthetic:%'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("gates", (t) => {
    t.dropColumn("source");
  });
  await knex.schema.alterTable("compounds", (t) => {
    t.dropColumn("access");
    t.dropColumn("households_source");
  });
}
