import type { Knex } from "knex";
import type { FeedbackStatus, FeedbackTopic } from "../../shared/feedback.js";
import type { FeedbackMessage } from "../schemas/feedback.js";

// The `feedback` table: residents' messages, their moderation, and the published counts. The
// sender's key (a hash of the address) is read only to count a client's recent messages.

export type FeedbackRow = FeedbackMessage;

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

const ROW = `f.id, f.compound_id AS "compoundId", c.name AS "compoundName",
  json_build_array(round(ST_X(f.geom)::numeric, 7)::float8, round(ST_Y(f.geom)::numeric, 7)::float8) AS "lonLat",
  f.topic, f.message, f.status, f.merged_into AS "mergedInto", ${iso("f.created_at")} AS "createdAt",
  ${iso("f.moderated_at")} AS "moderatedAt", f.version`;

/** Messages sent by `clientKey` since `sinceS` seconds ago. */
export async function recentFromClient(knex: Knex, clientKey: string, sinceS: number): Promise<{ n: number; oldest: Date | null }> {
  const { rows } = await knex.raw(
    "SELECT count(*)::int AS n, min(created_at) AS oldest FROM feedback WHERE client_key = ? AND created_at > now() - make_interval(secs => ?)",
    [clientKey, sinceS],
  );
  return { n: rows[0].n, oldest: rows[0].oldest ? new Date(rows[0].oldest) : null };
}

/** The compound whose footprint holds the point, if any. */
export async function compoundAt(knex: Knex, [lon, lat]: [number, number]): Promise<number | undefined> {
  const { rows } = await knex.raw("SELECT id FROM compounds WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) ORDER BY id LIMIT 1", [lon, lat]);
  return rows[0]?.id;
}

export async function insertFeedback(
  knex: Knex,
  f: { compoundId: number | null; lonLat: [number, number]; topic: FeedbackTopic; message: string; clientKey: string; challenge: string },
): Promise<number> {
  const { rows } = await knex.raw(
    `INSERT INTO feedback (compound_id, geom, topic, message, client_key, challenge)
     VALUES (?, ST_SetSRID(ST_MakePoint(?, ?), 4326), ?, ?, ?, ?)
     ON CONFLICT (challenge) DO NOTHING RETURNING id`,
    [f.compoundId, f.lonLat[0], f.lonLat[1], f.topic, f.message, f.clientKey, f.challenge],
  );
  return rows[0]?.id ?? 0;
}

export async function findFeedback(knex: Knex, id: number): Promise<FeedbackRow | undefined> {
  const { rows } = await knex.raw(`SELECT ${ROW} FROM feedback f LEFT JOIN compounds c ON c.id = f.compound_id WHERE f.id = ?`, [id]);
  return rows[0];
}

export interface FeedbackFilter {
  status?: FeedbackStatus[];
  compoundIds?: number[];
  limit: number;
  offset: number;
}

/** Messages by id (newest first), with how many match. */
export async function listFeedback(knex: Knex, f: FeedbackFilter): Promise<{ items: FeedbackRow[]; numberMatched: number }> {
  const where: string[] = [];
  const bind: unknown[] = [];
  if (f.status) {
    where.push(`f.status IN (${f.status.map(() => "?").join(", ")})`);
    bind.push(...f.status);
  }
  if (f.compoundIds) {
    where.push(f.compoundIds.length ? `f.compound_id IN (${f.compoundIds.map(() => "?").join(", ")})` : "false");
    bind.push(...f.compoundIds);
  }
  const w = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const [{ rows }, count] = await Promise.all([
    knex.raw(`SELECT ${ROW} FROM feedback f LEFT JOIN compounds c ON c.id = f.compound_id ${w} ORDER BY f.id DESC LIMIT ? OFFSET ?`, [
      ...bind,
      f.limit,
      f.offset,
    ] as Knex.RawBinding[]),
    knex.raw(`SELECT count(*)::int AS n FROM feedback f ${w}`, bind as Knex.RawBinding[]),
  ]);
  return { items: rows, numberMatched: count.rows[0].n };
}

/** Set a message's status (and merge target) if its version still matches; false when it does not. */
export async function moderateFeedback(
  knex: Knex,
  id: number,
  version: number,
  to: { status: FeedbackStatus; mergedInto: number | null; by: number | null },
): Promise<boolean> {
  const n = await knex("feedback")
    .where({ id, version })
    .update({ status: to.status, merged_into: to.mergedInto, moderated_by: to.by, moderated_at: knex.fn.now(), version: knex.raw("version + 1") });
  return n === 1;
}

export interface TopicCount {
  compoundId: number;
  topic: FeedbackTopic;
  count: number;
}

/**
 * Published counts per compound and topic: a published message counts once, and each message
 * merged into it (a resident raising the same point) once more, under the published one's
 * compound and topic. Never the text or who sent it.
 */
export async function publishedCounts(knex: Knex, compoundIds?: number[]): Promise<TopicCount[]> {
  const only = compoundIds ? `AND p.compound_id IN (${compoundIds.map(() => "?").join(", ") || "NULL"})` : "";
  const { rows } = await knex.raw(
    `SELECT p.compound_id AS "compoundId", p.topic, count(*)::int AS count
     FROM feedback f JOIN feedback p ON p.id = CASE WHEN f.status = 'merged' THEN f.merged_into ELSE f.id END
     WHERE (f.status = 'published' OR f.status = 'merged') AND p.status = 'published' AND p.compound_id IS NOT NULL ${only}
     GROUP BY p.compound_id, p.topic ORDER BY p.compound_id, p.topic`,
    (compoundIds ?? []) as Knex.RawBinding[],
  );
  return rows;
}
