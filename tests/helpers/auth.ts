import { randomBytes } from "node:crypto";
import type { Express } from "express";
import type { Knex } from "knex";
import request from "supertest";
import type { Role } from "../../server/schemas/users.js";
import { createUser } from "../../server/services/auth.js";

export const PASSWORD = "correct horse battery 电池";

/** A new user with a unique name, created directly in the database. */
export async function makeUser(knex: Knex, role: Role) {
  const name = `${role}-${randomBytes(4).toString("hex")}`;
  return createUser(knex, null, { name, role, password: PASSWORD });
}

/** A signed-in supertest agent (cookie kept) and its CSRF token. */
export async function signedIn(app: Express, knex: Knex, role: Role) {
  const user = await makeUser(knex, role);
  const agent = request.agent(app);
  const res = await agent.post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
  const csrf = res.body.csrfToken as string;
  return { user, agent, csrf };
}

export type Agent = Awaited<ReturnType<typeof signedIn>>;

/** A write as `who`: the request with its CSRF token and the JSON body (a supertest Test, to `.expect()` or await). */
export const send = (who: Agent, method: "post" | "patch" | "delete", url: string, body?: unknown): request.Test =>
  who.agent[method](url)
    .set("X-CSRF-Token", who.csrf)
    .send(body as object);
