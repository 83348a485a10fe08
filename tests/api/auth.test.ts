import request from "supertest";
import { describe, expect, it } from "vitest";
import { randomBytes, scrypt as scryptCb } from "node:crypto";
import type { Knex } from "knex";
import { verifyPassword } from "../../server/auth/passwords.js";
import { createApp } from "../../server/app.js";
import { loadReferenceData } from "../../server/db/reference.js";
import { reserveAttempt } from "../../server/db/sessions.js";
import { SIGN_IN_THROTTLE, ensureFirstAdmin } from "../../server/services/auth.js";
import { GEODATA, readCityFile, setUpTestApp } from "../helpers/db.js";
import { expectProblem } from "../helpers/problem.js";
import { PASSWORD, makeUser, signedIn } from "../helpers/auth.js";
import { polygon } from "../helpers/geometry.js";

const city = setUpTestApp();

const someCompound = () => readCityFile("compounds.geojson").features[3].properties;

/** A snapshot of everything a write could touch, to prove a refused write changed nothing. */
async function fingerprint() {
  const { rows } = await city.db.knex.raw(`SELECT
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM compounds t) AS c,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM gates t) AS g,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM buildings t) AS b,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM renovation_items t) AS i,
    (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM users t) AS u`);
  return rows[0];
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: nine sign-in cases on one app and database
describe("sign-in", () => {
  it("hashes passwords with scrypt at OWASP's cost and sets an httpOnly session cookie", async () => {
    const user = await makeUser(city.db.knex, "planner");
    const { password_hash: hash } = await city.db.knex("users").where({ id: user.id }).first("password_hash");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(hash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);

    const res = await request(city.app).post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/renewal_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.body.user.role).toBe("planner");
    expect(res.body.user).not.toHaveProperty("passwordHash");
    expect(res.body.csrfToken).toMatch(/^[\w-]{20,}$/);
  });

  it("verifies only hashes whose scrypt parameters are bounded, and upgrades a weaker one at sign-in", async () => {
    const user = await makeUser(city.db.knex, "staff");
    const { password_hash: hash } = await city.db.knex("users").where({ id: user.id }).first("password_hash");
    const [, , r, p, salt, key] = hash.split("$");
    // A tampered row asking for 2^30 (128 GiB) must be refused at once, not attempted.
    const t0 = Date.now();
    expect(await verifyPassword(PASSWORD, ["scrypt", 2 ** 30, r, p, salt, key].join("$"))).toBe(false);
    expect(await verifyPassword(PASSWORD, ["scrypt", 2 ** 17, 1000, p, salt, key].join("$"))).toBe(false);
    expect(await verifyPassword(PASSWORD, ["scrypt", 3000, r, p, salt, key].join("$"))).toBe(false);
    expect(await verifyPassword(PASSWORD, "scrypt$x$y")).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
    // A hash made at the old cost (N = 2^15) still signs in, and is redone at today's cost.
    const old = await new Promise<string>((resolve, reject) => {
      const s = randomBytes(16);
      scryptCb(PASSWORD.normalize("NFKC"), s, 64, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, k) =>
        err ? reject(err) : resolve(["scrypt", 2 ** 15, 8, 1, s.toString("base64url"), k.toString("base64url")].join("$")),
      );
    });
    await city.db.knex("users").where({ id: user.id }).update({ password_hash: old });
    await request(city.app).post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
    const after = (await city.db.knex("users").where({ id: user.id }).first("password_hash")).password_hash;
    expect(after).toMatch(/^scrypt\$131072\$/);
  });

  it("counts 30 parallel guesses before checking them: only the allowance is checked, the rest wait (429)", async () => {
    const user = await makeUser(city.db.knex, "staff");
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request(city.app)
          .post("/api/session")
          .send({ name: user.name, password: `guess ${i}` }),
      ),
    );
    const checked = guesses.filter((r) => r.status !== 429).length;
    expect(checked).toBeLessThanOrEqual(SIGN_IN_THROTTLE.accountAddress.free);
    expect(checked).toBeGreaterThan(0);
    const refused = guesses.filter((r) => r.status === 429);
    expect(refused.length).toBe(30 - checked);
    for (const r of refused) {
      expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
      expect(r.headers["content-type"]).toMatch(/problem\+json/);
    }
    // Every attempt that was checked, and only those, is on the account+address count.
    const row = await city.db.knex("login_throttle").where("key", "like", `acct+addr:${user.name.toLowerCase()}|%`).first("attempts");
    expect(row.attempts).toBe(checked);
    await clearThrottle();
  });

  it("a guesser slows only themself: the account's owner at another address signs in at once", async () => {
    const user = await makeUser(city.db.knex, "planner");
    const proxied = createApp({ db: city.db, reference: loadReferenceData(GEODATA), trustProxy: true });
    const from = (addr: string) => request(proxied).post("/api/session").set("X-Forwarded-For", addr);
    // The attacker keeps guessing from one address (each refused try is not even counted).
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => from("203.0.113.9").send({ name: user.name, password: `x${round}-${i}` })));
    }
    // The owner, elsewhere, is not held up by any of it…
    expect((await from("198.51.100.7").send({ name: user.name, password: PASSWORD })).status).toBe(200);
    // …because 60 guesses from one address put only a few on the account's own count, far
    // below the account's allowance: the address's own back-off refused the rest uncounted.
    const { attempts } = await city.db
      .knex("login_throttle")
      .where({ key: `acct:${user.name.toLowerCase()}` })
      .first("attempts");
    expect(attempts).toBeLessThan(SIGN_IN_THROTTLE.account.free / 2);
    await clearThrottle();
  });

  it("waits double after the allowance, up to each key's cap, and forgets after the window", async () => {
    const key = `test:${randomBytes(4).toString("hex")}`;
    const rule = { free: 3, capS: 60, windowS: 900 };
    const waitAfter = async (attempts: number) => {
      // Put the key just past its block with `attempts` counted, then count one more.
      await city.db
        .knex("login_throttle")
        .insert({ key, attempts, last_attempt_at: city.db.knex.fn.now(), blocked_until: city.db.knex.raw("now() - interval '1 second'") })
        .onConflict("key")
        .merge();
      expect(await reserveAttempt(city.db.knex, key, rule)).toBe(0);
      const { s } = await city.db
        .knex("login_throttle")
        .where({ key })
        .first(city.db.knex.raw("extract(epoch from blocked_until - last_attempt_at)::float8 AS s"));
      return Math.round(s);
    };
    // n-th attempt (n = attempts + 1): n < free → 0; then 2^(n - free), capped.
    expect(await waitAfter(0)).toBe(0);
    expect(await waitAfter(1)).toBe(0);
    expect(await waitAfter(2)).toBe(1);
    expect(await waitAfter(3)).toBe(2);
    expect(await waitAfter(5)).toBe(8);
    expect(await waitAfter(40)).toBe(60);
    // While blocked an attempt is refused and not counted.
    const before = (await city.db.knex("login_throttle").where({ key }).first("attempts")).attempts;
    expect(await reserveAttempt(city.db.knex, key, rule)).toBeGreaterThan(0);
    expect((await city.db.knex("login_throttle").where({ key }).first("attempts")).attempts).toBe(before);
    // After the window of quiet the count starts again.
    await city.db
      .knex("login_throttle")
      .where({ key })
      .update({ last_attempt_at: city.db.knex.raw("now() - interval '1 hour'"), blocked_until: city.db.knex.raw("now() - interval '1 second'") });
    expect(await reserveAttempt(city.db.knex, key, rule)).toBe(0);
    expect((await city.db.knex("login_throttle").where({ key }).first("attempts")).attempts).toBe(1);
  });

  it("deletes expired sessions when someone signs in", async () => {
    const user = await makeUser(city.db.knex, "staff");
    await city.db
      .knex("sessions")
      .insert({ token_hash: `expired-${Date.now()}`, user_id: user.id, csrf_token: "x", expires_at: city.db.knex.raw("now() - interval '1 minute'") });
    await request(city.app).post("/api/session").send({ name: user.name, password: PASSWORD }).expect(200);
    const { n } = await city.db.knex("sessions").where("expires_at", "<=", city.db.knex.fn.now()).first(city.db.knex.raw("count(*)::int AS n"));
    expect(n).toBe(0);
  });

  it("signs out with the CSRF header like every other write", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    expect((await agent.get("/api/session")).body.user).not.toBeNull();
    expectProblem(await agent.delete("/api/session"), 403);
    expect((await agent.get("/api/session")).body.user).not.toBeNull();
    await agent.delete("/api/session").set("X-CSRF-Token", csrf).expect(204);
    expect((await agent.get("/api/session")).body.user).toBeNull();
    // Without a session there is nothing to end.
    await request(city.app).delete("/api/session").expect(204);
  });

  it("treats a malformed or unknown session cookie as no session, on every route", async () => {
    const cookies = [
      "renewal_session=%E0%A4%A",
      "renewal_session=%",
      "renewal_session=",
      `renewal_session=${"a".repeat(43)}`,
      "renewal_session=%00",
      `renewal_session=${"x".repeat(5000)}`,
      "renewal_session",
      "=; ;;",
      "renewal_session=a; renewal_session=b",
    ];
    for (const cookie of cookies) {
      for (const url of ["/api/health", "/api/session", "/api/compounds?limit=1", "/api/stats/progress"]) {
        const res = await request(city.app).get(url).set("Cookie", cookie);
        expect(res.status, `${cookie} ${url}`).toBe(200);
        if (url === "/api/session") expect(res.body.user).toBeNull();
      }
      expectProblem(await request(city.app).post("/api/compounds").set("Cookie", cookie).send({}), 401);
    }
  });

  it("makes an admin with a one-time password on a first start with no accounts", async () => {
    await withoutUsers(async (knex) => {
      const first = await ensureFirstAdmin(knex);
      expect(first?.name).toBe("admin");
      expect(first!.password.length).toBeGreaterThanOrEqual(16);
      const row = await knex("users").where({ name: "admin" }).first("role", "password_hash");
      expect(row.role).toBe("admin");
      expect(await verifyPassword(first!.password, row.password_hash)).toBe(true);
      expect(await ensureFirstAdmin(knex)).toBeUndefined(); // never a second time
    });
  });
});

/** Forget every sign-in attempt (the tests share 127.0.0.1 with every other test's sign-ins). */
async function clearThrottle() {
  await city.db.knex("login_throttle").del();
}

/** Run `fn` in a transaction that sees no users, rolled back afterwards (no other test sees it). */
async function withoutUsers(fn: (knex: Knex.Transaction) => Promise<void>) {
  await city.db.knex
    .transaction(async (trx) => {
      await trx.raw("SET LOCAL session_replication_role = replica"); // no FK checks on the delete
      await trx("users").del();
      await trx.raw("SET LOCAL session_replication_role = DEFAULT");
      await fn(trx);
      throw new Rollback();
    })
    .catch((err) => {
      if (!(err instanceof Rollback)) throw err;
    });
}
class Rollback extends Error {}

/** Every write the API has, with a body it would accept from the right role. */
function writes(): Array<[string, string, unknown]> {
  const id = () => someCompound().id;
  return [
    [
      "post",
      "/api/compounds",
      {
        name: "新小区",
        geometry: polygon([114.64, 33.62], [114.641, 33.62], [114.641, 33.621]),
      },
    ],
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
    ["post", "/api/items/1/status", { to: "started", version: 1 }],
    ["post", `/api/compounds/${id()}/items/status`, { to: "completed", items: [{ id: 1, version: 1 }] }],
    ["post", "/api/users", { name: "x", role: "admin", password: "long enough password" }],
    ["patch", "/api/users/1", { role: "admin", version: 1 }],
  ];
}

describe("permissions", () => {
  const id = () => someCompound().id;

  it("anonymous writes answer 401 and change nothing", async () => {
    const before = await fingerprint();
    for (const [method, url, body] of writes()) {
      const res = await (request(city.app) as any)[method](url).send(body);
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("staff writes answer 403 and change nothing", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "staff");
    const before = await fingerprint();
    for (const [method, url, body] of writes()) {
      const res = await (agent as any)[method](url).set("X-CSRF-Token", csrf).send(body);
      expect(res.status, `${method} ${url}`).toBe(403);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("planners cannot manage users or read the audit log", async () => {
    const { agent, csrf } = await signedIn(city.app, city.db.knex, "planner");
    await agent.get("/api/users").expect(403);
    await agent.get("/api/audit").expect(403);
    await agent.post("/api/users").set("X-CSRF-Token", csrf).send({ name: "someone", role: "planner", password: "long enough password" }).expect(403);
  });

  it("writes without the CSRF header are refused even when signed in", async () => {
    const { agent } = await signedIn(city.app, city.db.knex, "planner");
    const before = await fingerprint();
    const res = await agent.patch(`/api/compounds/${id()}`).send({ name: "跨站改名", version: 1 });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/CSRF/);
    const wrong = await agent.patch(`/api/compounds/${id()}`).set("X-CSRF-Token", "x".repeat(32)).send({ name: "跨站改名", version: 1 });
    expect(wrong.status).toBe(403);
    expect(await fingerprint()).toEqual(before);
  });

  it("the public sees published fields only", async () => {
    const res = await request(city.app).get(`/api/compounds/${id()}`).expect(200);
    expect(res.body.properties).not.toHaveProperty("version");
    for (const item of res.body.renovationItems) expect(item.properties).not.toHaveProperty("notes");
    const { agent } = await signedIn(city.app, city.db.knex, "planner");
    const inside = await agent.get(`/api/compounds/${id()}`).expect(200);
    expect(inside.body.properties.version).toBeGreaterThanOrEqual(1);
  });

  it("admins manage users; the last admin cannot be demoted", async () => {
    const { agent, csrf, user: me } = await signedIn(city.app, city.db.knex, "admin");
    const created = await agent
      .post("/api/users")
      .set("X-CSRF-Token", csrf)
      .send({ name: `p-${Date.now()}`, role: "planner", password: "long enough password" })
      .expect(201);
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
    const { rows } = await city.db.knex.raw("SELECT id, version FROM users WHERE role = 'admin' AND id <> ? AND NOT disabled", [me.id]);
    for (const r of rows) await agent.patch(`/api/users/${r.id}`).set("X-CSRF-Token", csrf).send({ disabled: true, version: r.version }).expect(200);
    const last = await agent.patch(`/api/users/${me.id}`).set("X-CSRF-Token", csrf).send({ role: "planner", version: me.version });
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/last admin/);
  });
});
