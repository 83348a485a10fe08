import { createHash, randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/passwords.js";
import { writeAudit, type Actor } from "../db/audit.js";
import {
  clearFailures, deleteSession, deleteUserSessions, findSession, getFailures, insertSession, recordFailure,
} from "../db/sessions.js";
import {
  countAdmins, findUserByName, getUser, insertUser, listUsers, updateUser, type Role, type User,
} from "../db/users.js";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../errors.js";

export const SESSION_TTL_HOURS = 12;
/**
 * Failed sign-ins allowed before each further attempt has to wait (doubling, capped): few per
 * account, more per address (an office shares one address).
 */
const FREE_FAILURES = { user: 4, ip: 20 };
const MAX_WAIT_S = 300;

const sha256 = (s: string) => createHash("sha256").update(s).digest("base64url");

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterS: number) {
    super(429, "/problems/too-many-attempts", "Too many failed sign-ins",
      `Wait ${Math.ceil(retryAfterS)} s before trying again.`);
  }
}

/** Seconds to wait before the next attempt after `failures` failures (0 while under the free allowance). */
export function waitAfterFailures(failures: number, free: number = FREE_FAILURES.user): number {
  return failures < free ? 0 : Math.min(MAX_WAIT_S, 2 ** (failures - free));
}

/**
 * Check a name and password. Failures are counted per account and per client address; past a few,
 * each attempt must wait a doubling delay (answered 429 without checking the password).
 */
export async function signIn(knex: Knex, name: string, password: string, address: string) {
  const limits: Array<[string, number]> = [[`user:${name.toLowerCase()}`, FREE_FAILURES.user], [`ip:${address}`, FREE_FAILURES.ip]];
  const keys = limits.map(([key]) => key);
  for (const [key, free] of limits) {
    const { failures, secondsSinceLast } = await getFailures(knex, key);
    const wait = waitAfterFailures(failures, free) - secondsSinceLast;
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }
  const user = await findUserByName(knex, name);
  // Hash even for an unknown name so timing does not tell which names exist.
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await hashPassword(password), false);
  if (!ok || !user || user.disabled) {
    for (const key of keys) await recordFailure(knex, key);
    throw new AppError(401, "/problems/sign-in-failed", "Sign-in failed", "Wrong name or password.");
  }
  for (const key of keys) await clearFailures(knex, key);
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  await insertSession(knex, { tokenHash: sha256(token), userId: user.id, csrfToken, ttlHours: SESSION_TTL_HOURS });
  const { passwordHash: _, ...publicUser } = user;
  await writeAudit(knex, { actor: publicUser, action: "login", entity: "session", entityId: user.id });
  return { token, csrfToken, user: publicUser as User };
}

export async function sessionFor(knex: Knex, token: string | undefined) {
  return token ? findSession(knex, sha256(token)) : undefined;
}

export async function signOut(knex: Knex, token: string) {
  await deleteSession(knex, sha256(token));
}

/** Create a user (admin UI and `npm run user:add`). */
export async function createUser(
  knex: Knex, actor: Actor | null, u: { name: string; displayName?: string | null; role: Role; password: string },
): Promise<User> {
  const problem = passwordProblem(u.password);
  if (problem) throw new ValidationError([{ name: "password", reason: problem }]);
  return knex.transaction(async (trx) => {
    if (await findUserByName(trx, u.name)) throw new ConflictError(`A user named "${u.name}" already exists`);
    const user = await insertUser(trx, { ...u, passwordHash: await hashPassword(u.password) });
    if (actor) await writeAudit(trx, { actor, action: "create", entity: "user", entityId: user.id, after: user });
    return user;
  });
}

/** Change a user's role, name, password or disabled flag (optimistic: `version` must match). */
export async function changeUser(
  knex: Knex, actor: Actor, id: number, version: number,
  patch: { displayName?: string | null; role?: Role; disabled?: boolean; password?: string },
): Promise<User> {
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password);
    if (problem) throw new ValidationError([{ name: "password", reason: problem }]);
  }
  return knex.transaction(async (trx) => {
    const before = await getUser(trx, id);
    if (!before) throw new NotFoundError(`User ${id}`);
    const demotes = before.role === "admin" && ((patch.role && patch.role !== "admin") || patch.disabled);
    if (demotes && (await countAdmins(trx)) <= 1) throw new ConflictError("The last admin cannot be demoted or disabled");
    const { password, ...rest } = patch;
    const after = await updateUser(trx, id, version, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
    if (!after) throw new ConflictError(`User ${id} was changed by someone else (version ${before.version}, you sent ${version}); reload and try again`);
    if (patch.disabled || password) await deleteUserSessions(trx, id);
    await writeAudit(trx, { actor, action: "update", entity: "user", entityId: id, before, after: { ...after, ...(password ? { passwordChanged: true } : {}) } });
    return after;
  });
}

export { listUsers };
