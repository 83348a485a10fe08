import type { Knex } from "knex";

// A renovation item's own dates: when its work started (施工中) and when it was completed (已完工),
// set by its status moves. Items already started or completed take their compound's dates.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("renovation_items", (t) => {
    t.date("started_on");
    t.date("completed_on");
  });
  await knex.raw(`
    UPDATE renovation_items ri SET
      started_on = CASE WHEN ri.status = 'started' OR c.completed_on IS NULL OR c.started_on <= c.completed_on THEN c.started_on END,
      completed_on = CASE WHEN ri.status = 'completed' THEN c.completed_on END
    FROM compounds c WHERE c.id = ri.compound_id AND ri.status IN ('started', 'completed')`);
  await knex.raw(`
    ALTER TABLE renovation_items
      ADD CONSTRAINT renovation_items_dates_in_order CHECK (started_on IS NULL OR completed_on IS NULL OR completed_on >= started_on)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("renovation_items", (t) => {
    t.dropColumn("completed_on");
    t.dropColumn("started_on");
  });
}
