import type { Knex } from "knex";

// Annual renovation plans (年度改造计划): a solved plan saved under a name, numbered per plan year
// (revision 1, 2, …), kept whole (inputs, choices, totals) as it was solved; adopting one lists its
// compounds as planned in that year, once.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE annual_plans (
      id serial PRIMARY KEY,
      name text NOT NULL CHECK (length(trim(name)) > 0),
      plan_year integer NOT NULL CHECK (plan_year BETWEEN 2000 AND 2100),
      revision integer NOT NULL CHECK (revision >= 1),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'adopted')),
      solution jsonb NOT NULL,
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      adopted_by integer REFERENCES users (id) ON DELETE SET NULL,
      adopted_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      UNIQUE (plan_year, revision),
      CHECK ((status = 'adopted') = (adopted_at IS NOT NULL))
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("annual_plans");
}
