import { createHash, randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from "../auth/passwords.js";
import { writeAudit, type Actor } from "../db/audit.js";
import { inTransaction } from "../db/transaction.js";
import {
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  findSession,
  insertSession,
  releaseAttempt,
  reserveAttempt,
  type ThrottleRule,
} from "../db/sessions.js";
import { countAdmins, countUsers, findUserByName, getUser, insertUser, listUsers, setPasswordHash, updateUser, type User } from "../db/users.js";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { Role } from "../schemas/users.js";

export const SESSION_TTL_HOURS = 12;

/**
 * Sign-in throttling. Every attempt is counted before its password is checked, under three keys,
 * each allowing a few attempts and then doubling waits (1 s, 2 s, 4 s … up to a cap):
 * - `acct+addr`: one account from one address, 5 attempts, waits up to 15 min: a guesser slows
 *   only themself, never the account's owner at another address;
 * - `addr`: one address over all accounts, 20 attempts (an office shares one address), up to 5 min;
 * - `acct`: one account over all addresses, 50 attempts, at most 1 min: many addresses guessing
 *   one account are slowed, yet its owner waits a minute at worst.
 * A success takes its own count back; attempts older than 15 minutes are forgotten.
 */
export const SIGN_IN_THROTTLE = {
  accountAddress: { free: 5, capS: 900, windowS: 900 },
  address: { free: 20, capS: 300, windowS: 900 },
  account: { free: 50, capS: 60, windowS: 900 },
} as const satisfies Record<string, ThrottleRule>;

const sha256 = (s: string) => createHash("sha256").update(s).digest("base64url");

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterS: number) {
    super(
      429,
      "/problems/too-many-attempts",
      "Too many sign-in attempts",
      `Wait ${Math.ceil(retryAfterS)} s before trying again.`,
      [],
      {},
      {
        code: "too_many_attempts",
        params: { seconds: Math.ceil(retryAfterS) },
      },
    );
  }
}

/**
 * Check a name and password. The attempt is counted under its throttle keys first (refused with
 * 429 and no password check when a key is blocked); a success takes the count back and starts a
 * session; expired sessions are deleted on the way.
 */
export async function signIn(knex: Knex, name: string, password: string, address: string) {
  const account = name.normalize("NFKC").toLowerCase();
  const keys: Array<[string, ThrottleRule]> = [
    [`acct+addr:${account}|${address}`, SIGN_IN_THROTTLE.accountAddress],
    [`addr:${address}`, SIGN_IN_THROTTLE.address],
    [`acct:${account}`, SIGN_IN_THROTTLE.account],
  ];
  for (const [key, rule] of keys) {
    const wait = await reserveAttempt(knex, key, rule);
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }
  const user = await findUserByName(knex, name);
  // Hash even for an unknown name so timing does not tell which names exist.
  let ok = false;
  if (user) ok = await verifyPassword(password, user.passwordHash);
  else await hashPassword(password);
  if (!ok || !user || user.disabled) {
    throw new AppError(401, "/problems/sign-in-failed", "Sign-in failed", "Wrong name or password.");
  }
  await releaseAttempt(knex, keys[0][0], { forget: true });
  for (const [key] of keys.slice(1)) await releaseAttempt(knex, key);
  if (needsRehash(user.passwordHash)) await setPasswordHash(knex, user.id, await hashPassword(password));
  await deleteExpiredSessions(knex);
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  await insertSession(knex, { tokenHash: sha256(token), userId: user.id, csrfToken, ttlHours: SESSION_TTL_HOURS });
  const { passwordHash: _, ...publicUser } = user;
  await writeAudit(knex, { actor: publicUser, action: "login", entity: "session", entityId: user.id });
  return { token, csrfToken, user: publicUser as User };
}

/**
 * On a first start with no accounts at all: make an admin named "admin" with a random password
 * and return it (to be shown once). Undefined when any account exists.
 */
export async function ensureFirstAdmin(knex: Knex): Promise<{ name: string; password: string } | undefined> {
  if ((await countUsers(knex)) > 0) return undefined;
  const password = randomBytes(12).toString("base64url");
  try {
    await createUser(knex, null, { name: "admin", role: "admin", displayName: "管理员", password });
  } catch (err) {
    if (err instanceof ConflictError) return undefined; // another process made one just now
    throw err;
  }
  return { name: "admin", password };
}

export async function sessionFor(knex: Knex, token: string | undefined) {
  return token ? findSession(knex, sha256(token)) : undefined;
}

export async function signOut(knex: Knex, token: string) {
  await deleteSession(knex, sha256(token));
}

/** The 400 of a refused password (its `passwordProblem` reason in English, a code for the UI). */
function passwordError(password: string, reason: string): ValidationError {
  const short = password.length < 10;
  return new ValidationError([
    short
      ? { name: "password", reason, code: "password_too_short", params: { minimum: 10 } }
      : { name: "password", reason, code: "password_too_long", params: { maximum: 200 } },
  ]);
}

/** Create a user (admin UI and `npm run user:add`). */
export async function createUser(
  knex: Knex,
  actor: Actor | null,
  u: { name: string; displayName?: string | null; role: Role; password: string },
): Promise<User> {
  const problem = passwordProblem(u.password);
  if (problem) throw passwordError(u.password, problem);
  return inTransaction(knex, async (trx) => {
    if (await findUserByName(trx, u.name)) throw new ConflictError(`A user named "${u.name}" already exists`, { code: "name_taken", params: { name: u.name } });
    const user = await insertUser(trx, { ...u, passwordHash: await hashPassword(u.password) });
    if (actor) await writeAudit(trx, { actor, action: "create", entity: "user", entityId: user.id, after: user });
    return user;
  });
}

/** Change a user's role, name, password or disabled flag (optimistic: `version` must match). */
export async function changeUser(
  knex: Knex,
  actor: Actor,
  id: number,
  version: number,
  patch: { displayName?: string | null; role?: Role; disabled?: boolean; password?: string },
): Promise<User> {
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password);
    if (problem) throw passwordError(patch.password, problem);
  }
  return inTransaction(knex, async (trx) => {
    const before = await getUser(trx, id);
    if (!before) throw new NotFoundError(`User ${id}`);
    const demotes = before.role === "admin" && ((patch.role && patch.role !== "admin") || patch.disabled);
    if (demotes && (await countAdmins(trx)) <= 1) throw new ConflictError("The last admin cannot be demoted or disabled", { code: "last_admin" });
    const { password, ...rest } = patch;
    const after = await updateUser(trx, id, version, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
    if (!after) {
      throw new ConflictError(`User ${id} was changed by someone else (version ${before.version}, you sent ${version}); reload and try again`, {
        code: "version_conflict",
        params: { entity: "user", id, version: before.version, sent: version },
      });
    }
    if (patch.disabled || password) await deleteUserSessions(trx, id);
    await writeAudit(trx, {
      actor,
      action: "update",
      entity: "user",
      entityId: id,
      before,
      after: { ...after, ...(password ? { passwordChanged: true } : {}) },
    });
    return after;
  });
}

export { listUsers };
