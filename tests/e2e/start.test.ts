import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";
import { readCityFile, usingServer } from "../helpers/db.js";

// `npm start` as a user runs it: a fresh data folder, the demo city loaded on first start, reused
// on the second; and `npm run seed -- --reset` reloading it.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-start-"));
const env = { ...process.env, DATA_DIR: dataDir, PORT: "0" };
const children: ChildProcess[] = [];
const compoundCount = readCityFile("compounds.geojson").features.length;

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Start the server with PORT=0 and resolve with its URL and console output once it listens. */
function start(): Promise<{ url: string; output: () => string; child: ChildProcess; seconds: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "server/cli/start.ts"], { cwd: ROOT, env });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /is up: http:\/\/localhost:(\d+)\//.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, output: () => out, child, seconds: (Date.now() - t0) / 1000 });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

describe("npm start", () => {
  it("loads the demo city on first start, serves the API and the web build, and reuses the data on the next start", async () => {
    const first = await start();
    if (!usingServer) expect(first.output()).toMatch(/Loading the demo city/);
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
    const deepLink = await fetch(`${first.url}/progress?year=2020`);
    expect(deepLink.status).toBe(200);
    await stop(first.child);

    const second = await start();
    expect(second.output()).not.toMatch(/Loading the demo city/);
    console.log(`first start ${first.seconds.toFixed(1)} s, second start ${second.seconds.toFixed(1)} s`);
    expect((await (await fetch(`${second.url}/api/compounds?limit=1`)).json()).numberMatched).toBe(compoundCount);
    await stop(second.child);
  }, 240_000);

  it("`npm run seed -- --reset` reloads the demo city", async () => {
    // Add a stray compound, then reset: it must be gone and the demo city whole again.
    const { connect } = await import("../../server/db/connect.js");
    const target = { databaseUrl: process.env.DATABASE_URL, dataDir };
    let db = await connect(target);
    await db.knex.raw(`INSERT INTO compounds (name, geom) VALUES ('临时小区',
      ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(114.64, 33.62), 4326), 0.0005)))`);
    await db.close();
    const run = spawnSync("npm", ["run", "seed", "--", "--reset"], { cwd: ROOT, env, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Loading the demo city/);
    db = await connect(target);
    const { rows } = await db.knex.raw("SELECT count(*)::int AS n, count(*) FILTER (WHERE name = '临时小区')::int AS stray FROM compounds");
    await db.close();
    expect(rows[0]).toEqual({ n: compoundCount, stray: 0 });
  }, 240_000);
});
