import type { Knex } from "knex";
import type { User } from "./users.js";

export async function insertSession(knex: Knex, s: { tokenHash: string; userId: number; csrfToken: string; ttlHours: number }) {
  await knex("sessions").insert({
    token_hash: s.tokenHash,
    user_id: s.userId,
    csrf_token: s.csrfToken,
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
    .first("u.id", "u.name", "u.display_name as displayName", "u.role", "u.disabled", "u.version", "u.created_at as createdAt", "s.csrf_token as csrfToken");
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

/** Delete sessions past their expiry; returns how many. */
export async function deleteExpiredSessions(knex: Knex): Promise<number> {
  return knex("sessions").where("expires_at", "<=", knex.fn.now()).del();
}

/** How one throttle key slows attempts: `free` attempts, then waits doubling from 1 s up to `capS`. */
export interface ThrottleRule {
  free: number;
  capS: number;
  /** Attempts older than this (seconds since the key's last attempt) are forgotten. */
  windowS: number;
}

/**
 * Count one sign-in attempt under `key`, atomically, unless the key is blocked. Returns the wait
 * in seconds when blocked (the attempt is not counted), or 0 when the attempt may go ahead. After
 * the n-th counted attempt the key is blocked for `n < free ? 0 : min(capS, 2^(n - free))` s, so
 * parallel attempts cannot pass the allowance: each one's row update sees the one before (the
 * wall clock, not the transaction's start, so a later row never looks older).
 */
export async function reserveAttempt(knex: Knex, key: string, rule: ThrottleRule): Promise<number> {
  const waitFor = (n: string) => `make_interval(secs => CASE WHEN ${n} < ${rule.free} THEN 0 ELSE least(${rule.capS}, power(2, ${n} - ${rule.free})) END)`;
  const fresh = `t.last_attempt_at < clock_timestamp() - make_interval(secs => ${rule.windowS})`;
  const { rows } = await knex.raw(
    `
    INSERT INTO login_throttle AS t (key, attempts, last_attempt_at, blocked_until)
    VALUES (?, 1, clock_timestamp(), clock_timestamp() + ${waitFor("1")})
    ON CONFLICT (key) DO UPDATE SET
      attempts = CASE WHEN ${fresh} THEN 1 ELSE t.attempts + 1 END,
      last_attempt_at = clock_timestamp(),
      blocked_until = clock_timestamp() + ${waitFor(`(CASE WHEN ${fresh} THEN 1 ELSE t.attempts + 1 END)`)}
    WHERE t.blocked_until <= clock_timestamp()
    RETURNING attempts`,
    [key],
  );
  if (rows.length) return 0;
  const blocked = await knex("login_throttle")
    .where({ key })
    .first(knex.raw("greatest(0, extract(epoch from blocked_until - clock_timestamp()))::float8 AS wait"));
  return Math.max(1, Math.ceil(blocked?.wait ?? 1));
}

/** Take back one counted attempt of `key` (it succeeded), or forget the key altogether. */
export async function releaseAttempt(knex: Knex, key: string, opts: { forget?: boolean } = {}) {
  if (opts.forget) await knex("login_throttle").where({ key }).del();
  else
    await knex("login_throttle")
      .where({ key })
      .update({ attempts: knex.raw("greatest(0, attempts - 1)") });
}
