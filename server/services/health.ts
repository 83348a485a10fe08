import type { Knex } from "knex";
import { postgisVersion } from "../db/meta.js";

/** The PostGIS library version the database runs, e.g. "3.3.2" (for GET /api/health). */
export function databasePostgisVersion(knex: Knex): Promise<string> {
  return postgisVersion(knex);
}
