import type { Knex } from "knex";
import type { User } from "./users.js";

export async function insertSession(knex: Knex, s: { tokenHash: string; userId: number; csrfToken: string; ttlHours: number }) {
  await knex("sessions").insert({
    token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken,
    expires_at: knex.raw(`now() + (? || ' hours')::interval`, [String(s.ttlHours)]),
  });
}

/** The live session with this token hash and its (enabled) user. */
export async function findSession(knex: Knex, tokenHash: string): Promise<{ user: User; csrfToken: string } | undefined> {
  const row = await knex("sessions as s")
    .join("users as u", "u.id", "s.user_id")
    .where("s.token_hash", tokenHash)
    .andWhere("s.expires_at", ">", knex.fn.now())
    .andWhere("u.disabled", false)
    .first(
      "u.id", "u.name", "u.display_name as displayName", "u.role", "u.disabled", "u.version",
      "u.created_at as createdAt", "s.csrf_token as csrfToken",
    );
  if (!row) return undefined;
  const { csrfToken, ...user } = row;
  return { user, csrfToken };
}

export async function deleteSession(knex: Knex, tokenHash: string) {
  await knex("sessions").where({ token_hash: tokenHash }).del();
}

export async function deleteUserSessions(knex: Knex, userId: number) {
  await knex("sessions").where({ user_id: userId }).del();
}

/** Failed sign-ins recorded under `key` (a user name or an address) and when the last was. */
export async function getFailures(knex: Knex, key: string): Promise<{ failures: number; secondsSinceLast: number }> {
  const row = await knex("login_failures").where({ key })
    .first("failures", knex.raw("extract(epoch from now() - last_failure_at)::float8 AS since"));
  return row ? { failures: row.failures, secondsSinceLast: row.since } : { failures: 0, secondsSinceLast: Infinity };
}

export async function recordFailure(knex: Knex, key: string) {
  await knex("login_failures").insert({ key, failures: 1 })
    .onConflict("key").merge({ failures: knex.raw("login_failures.failures + 1"), last_failure_at: knex.fn.now() });
}

export async function clearFailures(knex: Knex, key: string) {
  await knex("login_failures").where({ key }).del();
}
