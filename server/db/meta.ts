import type { Knex } from "knex";

/** The PostGIS library version, e.g. "3.3.2". */
export async function postgisVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw("SELECT postgis_lib_version() AS v");
  return rows[0].v;
}
