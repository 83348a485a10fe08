import type { Knex } from "knex";

// 小区 compounds with their 出入口 gates and 楼栋 buildings.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("compounds", (t) => {
    t.increments("id");
    t.text("name").notNullable();
    t.text("address");
    t.integer("build_year");
    t.integer("households").notNullable().defaultTo(0);
    t.integer("building_count").notNullable().defaultTo(0);
    t.double("floor_area_m2");
    t.text("management").notNullable().defaultTo("none");
    t.integer("community_id").references("communities.id").onDelete("SET NULL");
    t.integer("subdistrict_id").references("subdistricts.id").onDelete("SET NULL");
    t.text("tier");
    t.text("status").notNullable().defaultTo("unlisted");
    t.integer("plan_year");
    t.date("started_on");
    t.date("completed_on");
    t.date("accepted_on");
    t.integer("surveyed_households");
    t.integer("satisfied_households");
    t.integer("version").notNullable().defaultTo(1);
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.specificType("geom", "geometry(MultiPolygon, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE compounds
      ADD CONSTRAINT compounds_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
      ADD CONSTRAINT compounds_name_nonblank CHECK (length(trim(name)) > 0),
      ADD CONSTRAINT compounds_build_year_plausible CHECK (build_year BETWEEN 1900 AND 2100),
      ADD CONSTRAINT compounds_households_nonneg CHECK (households >= 0),
      ADD CONSTRAINT compounds_building_count_nonneg CHECK (building_count >= 0),
      ADD CONSTRAINT compounds_floor_area_nonneg CHECK (floor_area_m2 >= 0),
      ADD CONSTRAINT compounds_management_values CHECK (management IN ('professional', 'self', 'none')),
      ADD CONSTRAINT compounds_tier_values CHECK (tier IN ('basic', 'complete', 'enhanced')),
      ADD CONSTRAINT compounds_status_values
        CHECK (status IN ('unlisted', 'planned', 'started', 'completed', 'accepted')),
      ADD CONSTRAINT compounds_plan_year_plausible CHECK (plan_year BETWEEN 2000 AND 2100),
      ADD CONSTRAINT compounds_listed_has_plan_year CHECK ((status = 'unlisted') = (plan_year IS NULL)),
      ADD CONSTRAINT compounds_dates_ordered CHECK (
        (completed_on IS NULL OR started_on IS NULL OR completed_on >= started_on) AND
        (accepted_on IS NULL OR completed_on IS NULL OR accepted_on >= completed_on)),
      ADD CONSTRAINT compounds_survey_counts CHECK (
        surveyed_households >= 0 AND satisfied_households >= 0 AND
        (satisfied_households IS NULL OR surveyed_households IS NULL OR satisfied_households <= surveyed_households))
  `);
  await knex.raw("CREATE INDEX compounds_geom_gist ON compounds USING gist (geom)");
  await knex.raw("CREATE INDEX compounds_plan_year_status ON compounds (plan_year, status)");
  await knex.raw("CREATE INDEX compounds_subdistrict ON compounds (subdistrict_id)");

  await knex.schema.createTable("gates", (t) => {
    t.increments("id");
    t.integer("compound_id").notNullable().references("compounds.id").onDelete("CASCADE");
    t.text("name");
    t.text("kind").notNullable().defaultTo("main");
    t.integer("version").notNullable().defaultTo(1);
    t.specificType("geom", "geometry(Point, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE gates
      ADD CONSTRAINT gates_kind_values CHECK (kind IN ('main', 'pedestrian', 'vehicle')),
      ADD CONSTRAINT gates_geom_valid CHECK (ST_IsValid(geom))
  `);
  await knex.raw("CREATE INDEX gates_geom_gist ON gates USING gist (geom)");
  await knex.raw("CREATE INDEX gates_compound ON gates (compound_id)");

  await knex.schema.createTable("buildings", (t) => {
    t.increments("id");
    t.integer("compound_id").references("compounds.id").onDelete("CASCADE");
    t.text("name");
    t.integer("floors").notNullable();
    t.integer("units").notNullable().defaultTo(1);
    t.boolean("has_elevator").notNullable().defaultTo(false);
    t.integer("households");
    t.integer("build_year");
    t.integer("version").notNullable().defaultTo(1);
    t.specificType("geom", "geometry(Polygon, 4326)").notNullable();
  });
  await knex.raw(`
    ALTER TABLE buildings
      ADD CONSTRAINT buildings_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
      ADD CONSTRAINT buildings_floors_range CHECK (floors BETWEEN 1 AND 150),
      ADD CONSTRAINT buildings_units_positive CHECK (units >= 1),
      ADD CONSTRAINT buildings_households_nonneg CHECK (households >= 0),
      ADD CONSTRAINT buildings_build_year_plausible CHECK (build_year BETWEEN 1900 AND 2100)
  `);
  await knex.raw("CREATE INDEX buildings_geom_gist ON buildings USING gist (geom)");
  await knex.raw("CREATE INDEX buildings_compound ON buildings (compound_id)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("buildings");
  await knex.schema.dropTable("gates");
  await knex.schema.dropTable("compounds");
}
