import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE, readLock } from "../../server/db/embedded/lock.js";
import { readCityFile, usingServer } from "../helpers/db.js";
import { isolatedRun, npmRun, startApp } from "../helpers/processes.js";

// `npm start` as a user runs it: a fresh data folder, the demo city loaded and an admin made on
// first start, the data reused on the second; one owner per folder; `npm run seed -- --reset`
// reloading the city while the app runs.
const run = isolatedRun("start");
const dataDir = run.dataDir;
const compoundCount = readCityFile("compounds.geojson").features.length;

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: describe body: five npm start cases on one isolated data folder
describe("npm start", () => {
  it("loads the demo city and makes an admin on first start, serves the API and the web build, and reuses the data next time", async () => {
    const first = await startApp(run.env);
    expect(first.output()).toMatch(/Loading the demo city/);
    {
      // No accounts yet: an admin with a password shown once, which signs in.
      const m = /name: +(\S+)\n +password: +(\S+)/.exec(first.output());
      expect(m, first.output()).not.toBeNull();
      const signIn = await fetch(`${first.url}/api/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: m![1], password: m![2] }),
      });
      expect(signIn.status).toBe(200);
      expect((await signIn.json()).user.role).toBe("admin");
    }
    if (!usingServer) {
      // The lock names this process and where it serves the database.
      const lock = readLock(dataDir)!;
      expect(lock.pid).toBe(first.child.pid);
      expect(lock.url).toBe(`${first.url.replace("127.0.0.1", "localhost")}/`);
      expect(lock.endpoint).not.toBeNull();
      expect(fs.statSync(path.join(dataDir, LOCK_FILE)).mode & 0o077).toBe(0);
    }
    const res = await fetch(`${first.url}/api/compounds`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.features.length).toBeGreaterThanOrEqual(150);
    expect(body.numberMatched).toBe(compoundCount);
    const health = await (await fetch(`${first.url}/api/health`)).json();
    expect(health.database).toBe(usingServer ? "server" : "embedded");
    const page = await fetch(`${first.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html lang="zh-CN">/);
    // Security headers on the page and on the API.
    for (const r of [page, res]) {
      expect(r.headers.get("content-security-policy")).toMatch(/default-src 'self'.*frame-ancestors 'self'/);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("same-origin");
    }
    const deepLink = await fetch(`${first.url}/progress?year=2020`);
    expect(deepLink.status).toBe(200);
    expect(await first.stop()).toBe(0);
    if (!usingServer) expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const second = await startApp(run.env);
    expect(second.output()).not.toMatch(/Loading the demo city/);
    expect(second.output()).not.toMatch(/password:/);
    console.log(`first start ${first.seconds.toFixed(1)} s, second start ${second.seconds.toFixed(1)} s`);
    expect((await (await fetch(`${second.url}/api/compounds?limit=1`)).json()).numberMatched).toBe(compoundCount);
    expect(await second.stop()).toBe(0);
  }, 300_000);

  it.skipIf(usingServer)(
    "a second npm start on the same folder refuses at once, naming the running one",
    async () => {
      const app = await startApp(run.env);
      const t0 = Date.now();
      const second = await npmRun(["start"], { ...run.env, PORT: "0" }, { timeoutMs: 120_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`in use by npm start at ${app.url.replace("127.0.0.1", "localhost")}/ \\(pid ${app.child.pid}`));
      expect(second.stderr).toMatch(/Stop that process first/);
      expect(Date.now() - t0).toBeLessThan(60_000);
      // The first one is unharmed.
      expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
      expect(await app.stop()).toBe(0);
    },
    240_000,
  );

  it.skipIf(usingServer)(
    "takes over the lock of an app killed with kill -9",
    async () => {
      const app = await startApp(run.env);
      await app.kill9();
      expect(readLock(dataDir)?.pid).toBe(app.child.pid); // left behind…
      const next = await startApp(run.env); // …and taken over
      expect(readLock(dataDir)?.pid).toBe(next.child.pid);
      expect((await (await fetch(`${next.url}/api/compounds?limit=1`)).json()).numberMatched).toBe(compoundCount);
      expect(await next.stop()).toBe(0);
    },
    240_000,
  );

  it("SIGTERM stops the app within seconds, even with a long statement running", async () => {
    const app = await startApp(run.env);
    // A statement that would run for a minute, sent through the app's own database.
    const { connect } = await import("../../server/db/connect.js");
    const through = await connect({ databaseUrl: run.env.DATABASE_URL, dataDir });
    const long = through.knex.raw("SELECT pg_sleep(60)").catch(() => "interrupted");
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const code = await app.stop(30_000);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`SIGTERM with a long statement running: exited ${code} in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(12);
    if (usingServer) await through.knex.raw("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'");
    await long;
    await through.close();
  }, 240_000);

  it("`npm run seed -- --reset` reloads the demo city, through the running app", async () => {
    const app = await startApp(run.env);
    const { connect } = await import("../../server/db/connect.js");
    const through = await connect({ databaseUrl: run.env.DATABASE_URL, dataDir });
    if (!usingServer) expect(through.owner).toMatchObject({ self: false, pid: app.child.pid });
    await through.knex.raw(`INSERT INTO compounds (name, geom) VALUES ('临时小区',
      ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(114.64, 33.62), 4326), 0.0005)))`);
    expect((await (await fetch(`${app.url}/api/compounds?limit=1`)).json()).numberMatched).toBe(compoundCount + 1);
    const seed = await npmRun(["seed", "--", "--reset"], run.env);
    expect(seed.status, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/Loading the demo city/);
    if (!usingServer) expect(seed.stdout).toMatch(new RegExp(`open in npm start \\(pid ${app.child.pid}\\); working through it`));
    const { rows } = await through.knex.raw("SELECT count(*)::int AS n, count(*) FILTER (WHERE name = '临时小区')::int AS stray FROM compounds");
    expect(rows[0]).toEqual({ n: compoundCount, stray: 0 });
    // The app answers with the reloaded city at once (its cache follows the data version).
    expect((await (await fetch(`${app.url}/api/compounds?limit=1`)).json()).numberMatched).toBe(compoundCount);
    await through.close();
    expect(await app.stop()).toBe(0);
  }, 300_000);
});
