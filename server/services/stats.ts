import type { Knex } from "knex";
import { progressByYear } from "../db/stats.js";
import type { ProgressRow } from "../schemas/features.js";

/** Renovation progress per plan year plus a totals row (counts, rates 0–1, households, 万元). */
export function renovationProgress(knex: Knex): Promise<{ years: ProgressRow[]; total: ProgressRow }> {
  return progressByYear(knex);
}
