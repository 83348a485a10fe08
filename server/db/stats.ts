import type { Knex } from "knex";
import type { ProgressRow } from "../schemas/features.js";

/** Renovation progress per plan year plus a totals row, computed in SQL. */
export async function progressByYear(knex: Knex): Promise<{ years: ProgressRow[]; total: ProgressRow }> {
  const { rows } = await knex.raw(`
    WITH listed AS (
      SELECT c.id, c.plan_year, c.status, c.households,
             COALESCE((SELECT sum(ri.cost_yuan) FROM renovation_items ri
                       WHERE ri.compound_id = c.id AND ri.status <> 'cancelled'), 0) AS cost_yuan
      FROM compounds c
      WHERE c.status <> 'unlisted'
    )
    SELECT s.*,
           CASE WHEN planned > 0 THEN started::float8 / planned ELSE 0 END AS "startRate",
           CASE WHEN planned > 0 THEN completed::float8 / planned ELSE 0 END AS "completionRate"
    FROM (
    SELECT plan_year AS "planYear",
           count(*)::int AS planned,
           count(*) FILTER (WHERE status IN ('started', 'completed', 'accepted'))::int AS started,
           count(*) FILTER (WHERE status IN ('completed', 'accepted'))::int AS completed,
           count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
           COALESCE(sum(households), 0)::int AS households,
           COALESCE(sum(households) FILTER (WHERE status IN ('completed', 'accepted')), 0)::int AS "householdsBenefited",
           round(COALESCE(sum(cost_yuan), 0) / 10000, 2)::float8 AS "investmentWan",
           GROUPING(plan_year) = 1 AS is_total
    FROM listed
    GROUP BY GROUPING SETS ((plan_year), ())
    ) s
    ORDER BY is_total, "planYear"`);
  type Row = ProgressRow & { is_total: boolean };
  const strip = ({ is_total: _, ...row }: Row): ProgressRow => row;
  const years = (rows as Row[]).filter((r) => !r.is_total).map(strip);
  const totalRow = (rows as Row[]).find((r) => r.is_total);
  const total: ProgressRow = totalRow
    ? { ...strip(totalRow), planYear: null }
    : {
        planYear: null,
        planned: 0,
        started: 0,
        completed: 0,
        accepted: 0,
        startRate: 0,
        completionRate: 0,
        households: 0,
        householdsBenefited: 0,
        investmentWan: 0,
      };
  return { years, total };
}
