import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import type { Database } from "../../server/db/connect.js";
import { verifyPassword } from "../../server/auth/passwords.js";
import { createTestApp, readCityFile } from "../helpers/db.js";
import { PASSWORD, makeUser, signedIn } from "../helpers/auth.js";

let app: Express;
let db: Database;
beforeAll(async () => { ({ app, db } = await createTestApp()); });
afterAll(async () => { await db?.close(); });

const someCompound = () => readCityFile("compounds.geojson").features[3].properties;

/** A snapshot of everything a write could touch, to prove a refused write changed nothing. */
async function fingerprint() {
  const { rows } = await db.knex.raw(`SELECT
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM compounds t) AS c,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM gates t) AS g,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM buildings t) AS b,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM renovation_items t) AS i,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM users t) AS u`);
  return rows[0];
}

describe("sign-in", () => {
  it("hashes passwords with scrypt and sets an httpOnly session cookie", async () => {
    const user = await makeUser(db.knex, "planner");
    const { password_hash: hash } = await db.knex("users").where({ id: user.id }).first("password_hash");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);

    const res = await request(app).post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/renewal_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.body.user.role).toBe("planner");
    expect(res.body.user).not.toHaveProperty("passwordHash");
    expect(res.body.csrfToken).toMatch(/^[\w-]{20,}$/);
  });

  it("refuses a wrong password, and slows down repeated failures with 429", async () => {
    const user = await makeUser(db.knex, "staff");
    for (let i = 0; i < 4; i++) {
      const r = await request(app).post("/api/session").send({ name: user.name, password: "nope" });
      expect(r.status).toBe(401);
    }
    // After four failures the next attempt must wait, even with the right password.
    const blocked = await request(app).post("/api/session").send({ name: user.name, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.headers["content-type"]).toMatch(/problem\+json/);
    await db.knex("login_failures").del();
    await request(app).post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
  });

  it("signs out", async () => {
    const { agent } = await signedIn(app, db.knex, "planner");
    expect((await agent.get("/api/session")).body.user).not.toBeNull();
    await agent.delete("/api/session").expect(204);
    expect((await agent.get("/api/session")).body.user).toBeNull();
  });
});

describe("permissions", () => {
  const id = () => someCompound().id;
  const writes = (): Array<[string, string, unknown]> => [
    ["post", "/api/compounds", { name: "新小区", geometry: { type: "Polygon", coordinates: [[[114.64, 33.62], [114.641, 33.62], [114.641, 33.621], [114.64, 33.62]]] } }],
    ["patch", `/api/compounds/${id()}`, { name: "改名", version: 1 }],
    ["delete", `/api/compounds/${id()}?version=1`, undefined],
    ["post", `/api/compounds/${id()}/status`, { to: "started", version: 1 }],
    ["post", `/api/compounds/${id()}/gates`, { geometry: { type: "Point", coordinates: [114.64, 33.62] } }],
    ["patch", "/api/gates/1", { name: "北门", version: 1 }],
    ["delete", "/api/gates/1?version=1", undefined],
    ["post", `/api/compounds/${id()}/buildings`, { floors: 6 }],
    ["patch", "/api/buildings/1", { floors: 7, version: 1 }],
    ["delete", "/api/buildings/1?version=1", undefined],
    ["post", `/api/compounds/${id()}/items`, { kind: "charging_pile", quantity: 3 }],
    ["patch", "/api/items/1", { quantity: 9, version: 1 }],
    ["delete", "/api/items/1?version=1", undefined],
    ["post", "/api/users", { name: "x", role: "admin", password: "long enough password" }],
    ["patch", "/api/users/1", { role: "admin", version: 1 }],
  ];

  it("anonymous writes answer 401 and change nothing", async () => {
    const before = await fingerprint();
    for (const [method, url, body] of writes()) {
      const res = await (request(app) as any)[method](url).send(body);
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("staff writes answer 403 and change nothing", async () => {
    const { agent, csrf } = await signedIn(app, db.knex, "staff");
    const before = await fingerprint();
    for (const [method, url, body] of writes()) {
      const res = await (agent as any)[method](url).set("X-CSRF-Token", csrf).send(body);
      expect(res.status, `${method} ${url}`).toBe(403);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("planners cannot manage users or read the audit log", async () => {
    const { agent, csrf } = await signedIn(app, db.knex, "planner");
    await agent.get("/api/users").expect(403);
    await agent.get("/api/audit").expect(403);
    await agent.post("/api/users").set("X-CSRF-Token", csrf).send({ name: "someone", role: "planner", password: "long enough password" }).expect(403);
  });

  it("writes without the CSRF header are refused even when signed in", async () => {
    const { agent } = await signedIn(app, db.knex, "planner");
    const before = await fingerprint();
    const res = await agent.patch(`/api/compounds/${id()}`).send({ name: "跨站改名", version: 1 });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/CSRF/);
    const wrong = await agent.patch(`/api/compounds/${id()}`).set("X-CSRF-Token", "x".repeat(32)).send({ name: "跨站改名", version: 1 });
    expect(wrong.status).toBe(403);
    expect(await fingerprint()).toEqual(before);
  });

  it("the public sees published fields only", async () => {
    const res = await request(app).get(`/api/compounds/${id()}`).expect(200);
    expect(res.body.properties).not.toHaveProperty("version");
    for (const item of res.body.renovationItems) expect(item.properties).not.toHaveProperty("notes");
    const { agent } = await signedIn(app, db.knex, "planner");
    const inside = await agent.get(`/api/compounds/${id()}`).expect(200);
    expect(inside.body.properties.version).toBeGreaterThanOrEqual(1);
  });

  it("admins manage users; the last admin cannot be demoted", async () => {
    const { agent, csrf, user: me } = await signedIn(app, db.knex, "admin");
    const created = await agent.post("/api/users").set("X-CSRF-Token", csrf)
      .send({ name: `p-${Date.now()}`, role: "planner", password: "long enough password" }).expect(201);
    expect(created.body.role).toBe("planner");
    const short = await agent.post("/api/users").set("X-CSRF-Token", csrf).send({ name: "shorty", role: "planner", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].name).toBe("password");
    const promoted = await agent.patch(`/api/users/${created.body.id}`).set("X-CSRF-Token", csrf).send({ role: "staff", version: 1 }).expect(200);
    expect(promoted.body.role).toBe("staff");
    const stale = await agent.patch(`/api/users/${created.body.id}`).set("X-CSRF-Token", csrf).send({ role: "admin", version: 1 });
    expect(stale.status).toBe(409);
    const list = await agent.get("/api/users").expect(200);
    expect(list.body.users.map((u: any) => u.name)).toContain(me.name);
    // Demoting every other admin first makes `me` the last one.
    const { rows } = await db.knex.raw("SELECT id, version FROM users WHERE role = 'admin' AND id <> ? AND NOT disabled", [me.id]);
    for (const r of rows) await agent.patch(`/api/users/${r.id}`).set("X-CSRF-Token", csrf).send({ disabled: true, version: r.version }).expect(200);
    const last = await agent.patch(`/api/users/${me.id}`).set("X-CSRF-Token", csrf).send({ role: "planner", version: me.version });
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/last admin/);
  });
});
