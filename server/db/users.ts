import type { Knex } from "knex";
import type { Role } from "../schemas/users.js";

export interface User {
  id: number;
  name: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  version: number;
  createdAt: string;
}

const COLUMNS = ["id", "name", "display_name as displayName", "role", "disabled", "version", "created_at as createdAt"];

export async function findUserByName(knex: Knex, name: string): Promise<(User & { passwordHash: string }) | undefined> {
  return knex("users")
    .whereRaw("lower(name) = lower(?)", [name])
    .first([...COLUMNS, "password_hash as passwordHash"]);
}

export async function getUser(knex: Knex, id: number): Promise<User | undefined> {
  return knex("users").where({ id }).first(COLUMNS);
}

export async function listUsers(knex: Knex): Promise<User[]> {
  return knex("users").orderBy("id").select(COLUMNS);
}

export async function insertUser(knex: Knex, u: { name: string; displayName?: string | null; role: Role; passwordHash: string }): Promise<User> {
  const [row] = await knex("users")
    .insert({ name: u.name, display_name: u.displayName ?? null, role: u.role, password_hash: u.passwordHash })
    .returning(COLUMNS);
  return row;
}

/** Update a user if `version` still matches; undefined when it does not (or the user is gone). */
export async function updateUser(
  knex: Knex,
  id: number,
  version: number,
  patch: Partial<{ displayName: string | null; role: Role; disabled: boolean; passwordHash: string }>,
): Promise<User | undefined> {
  const cols: Record<string, unknown> = {};
  if (patch.displayName !== undefined) cols.display_name = patch.displayName;
  if (patch.role !== undefined) cols.role = patch.role;
  if (patch.disabled !== undefined) cols.disabled = patch.disabled;
  if (patch.passwordHash !== undefined) cols.password_hash = patch.passwordHash;
  const [row] = await knex("users")
    .where({ id, version })
    .update({ ...cols, version: knex.raw("version + 1"), updated_at: knex.fn.now() })
    .returning(COLUMNS);
  return row;
}

export async function countAdmins(knex: Knex): Promise<number> {
  const [{ n }] = await knex("users").where({ role: "admin", disabled: false }).count({ n: "*" });
  return Number(n);
}

export async function countUsers(knex: Knex): Promise<number> {
  const [{ n }] = await knex("users").count({ n: "*" });
  return Number(n);
}

/** Replace a password hash without touching the row version (a rehash at sign-in is not an edit). */
export async function setPasswordHash(knex: Knex, id: number, passwordHash: string): Promise<void> {
  await knex("users").where({ id }).update({ password_hash: passwordHash });
}
