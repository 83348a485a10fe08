import type { Knex } from "knex";
import { FEEDBACK_MAX_CHARS, FEEDBACK_STATUSES, FEEDBACK_TOPICS } from "../shared/feedback.js";

// Residents' feedback (意见征集): anonymous messages about a compound or a place, held for
// moderation. `client_key` is a keyed hash of the sender's address (rate limits; never shown);
// `challenge` is the proof-of-work challenge it was sent with (each answers one message only).
export async function up(knex: Knex): Promise<void> {
  const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(", ");
  await knex.raw(`
    CREATE TABLE feedback (
      id serial PRIMARY KEY,
      compound_id integer REFERENCES compounds (id) ON DELETE SET NULL,
      geom geometry(Point, 4326) NOT NULL,
      topic text NOT NULL CHECK (topic IN (${list(FEEDBACK_TOPICS)})),
      message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND ${FEEDBACK_MAX_CHARS}),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN (${list(FEEDBACK_STATUSES)})),
      merged_into integer REFERENCES feedback (id) ON DELETE SET NULL,
      client_key text NOT NULL,
      challenge text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      moderated_by integer REFERENCES users (id) ON DELETE SET NULL,
      moderated_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      CHECK (status <> 'merged' OR merged_into IS NOT NULL)
    )`);
  await knex.raw("CREATE INDEX feedback_client ON feedback (client_key, created_at)");
  await knex.raw("CREATE INDEX feedback_status ON feedback (status, id)");
  await knex.raw("CREATE INDEX feedback_compound ON feedback (compound_id)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("feedback");
}
