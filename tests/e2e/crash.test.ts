import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../geodata/generator/rng.js";
import { ROOT } from "../../server/config.js";
import { isolatedRun, npmRun, startApp, type AppProcess } from "../helpers/processes.js";

// kill -9 of the app in the middle of writes (scenario saves, cluster saves, inventory and OSM
// imports), again and again at random moments: the folder opens on the next start, every write
// the app acknowledged is there, and nothing is half-written (an import is all of its rows or none).
const KILLS = 10;
const run = isolatedRun("crash");
const PASSWORD = "kill minus nine survives";

beforeAll(async () => {
  const add = await npmRun(["user:add", "--", "--name", "crash-admin", "--role", "admin", "--password-stdin"], run.env, { input: `${PASSWORD}\n` });
  expect(add.status, add.stderr).toBe(0);
}, 300_000);

interface Client {
  url: string;
  cookie: string;
  csrf: string;
}

async function signIn(app: AppProcess): Promise<Client> {
  const res = await fetch(`${app.url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "crash-admin", password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  return { url: app.url, cookie, csrf: (await res.json()).csrfToken };
}

function send(c: Client, method: string, url: string, body: unknown, type = "application/json") {
  return fetch(`${c.url}${url}`, {
    method,
    headers: { Cookie: c.cookie, "X-CSRF-Token": c.csrf, "Content-Type": type },
    body: typeof body === "string" ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
}

/**
 * An inventory of three compounds named after `tag`, inside the demo city. Each row draws its own
 * polygon: a row with only a point would join (or be held back as ambiguous) by place when it falls
 * inside a compound already there, and then an import is rightly neither all of its rows nor none.
 */
function inventory(tag: string): string {
  const square = (x: number, y: number, d = 0.0003) => `"POLYGON((${x} ${y}, ${x + d} ${y}, ${x + d} ${y + d}, ${x} ${y + d}, ${x} ${y}))"`;
  const rows = [0, 1, 2].map((i) => `${tag}-${i},1990,${50 + i},2,${square(114.62 + i * 0.002, 33.605 + i * 0.001)}`);
  return ["name,build_year,households,buildings,wkt", ...rows].join("\n");
}

describe("kill -9 during writes", () => {
  it(`loses no acknowledged write and leaves nothing half-written over ${KILLS} kills`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const random = mulberry32(seed);
    console.log(`crash test seed ${seed} (CRASH_SEED=${seed} replays it)`);
    const osm = fs.readFileSync(path.join(ROOT, "tests/fixtures/osm/small.osm"));
    // A write counts as acknowledged once its whole answer arrived (a 201 cut off by the kill does not).
    const acked = { scenarios: new Set<string>(), clusters: new Set<string>(), inventories: new Set<string>(), osmImports: 0 };
    const tried = { inventories: new Set<string>() };
    let compoundIds: number[] = [];
    let app = await startApp(run.env);
    for (let round = 0; round < KILLS; round++) {
      const c = await signIn(app);
      if (!compoundIds.length) {
        const all = await (await fetch(`${app.url}/api/compounds?limit=5000`)).json();
        compoundIds = all.features.map((f: { id: number }) => f.id);
      }
      let stop = false;
      let firstAck!: () => void;
      const acknowledged = new Promise<void>((r) => {
        firstAck = r;
      });
      const writers: Array<Promise<void>> = [];
      // Scenario saves, as fast as they go.
      writers.push(
        (async () => {
          for (let i = 0; !stop; i++) {
            const name = `r${round}-s${i}`;
            const res = await send(c, "POST", "/api/scenarios", {
              name,
              changes: { facilities: [{ key: "a", action: "add", category: "kindergarten", lonLat: [114.64, 33.62] }] },
            }).catch(() => undefined);
            if (res?.status === 201 && (await res.json().catch(() => ({}))).name === name) {
              acked.scenarios.add(name);
              firstAck();
            }
          }
        })(),
      );
      // Cluster saves: one compound each, never used twice.
      writers.push(
        (async () => {
          for (let i = 0; !stop; i++) {
            const member = compoundIds[(round * 40 + i) % compoundIds.length];
            const name = `r${round}-c${i}`;
            const res = await send(c, "POST", "/api/clusters", { name, memberIds: [member] }).catch(() => undefined);
            if (res?.status === 201 && (await res.json().catch(() => ({}))).name === name) acked.clusters.add(name);
          }
        })(),
      );
      // Imports: an inventory of three compounds, and the OSM fixture (merged by OSM id).
      writers.push(
        (async () => {
          for (let i = 0; !stop; i++) {
            const tag = `导入${round}-${i}`;
            tried.inventories.add(tag);
            const res = await send(c, "POST", `/api/import?filename=${encodeURIComponent(`${tag}.csv`)}`, inventory(tag), "text/csv").catch(() => undefined);
            if (res?.status === 200 && (await res.json().catch(() => undefined))) acked.inventories.add(tag);
            const o = await send(c, "POST", "/api/import?filename=small.osm", osm, "application/octet-stream").catch(() => undefined);
            if (o?.status === 200 && (await o.json().catch(() => undefined))) acked.osmImports++;
          }
        })(),
      );
      // Writes are under way (one acknowledged), then kill at a random moment among them.
      await Promise.race([acknowledged, new Promise((r) => setTimeout(r, 60_000))]);
      await new Promise((r) => setTimeout(r, random() * 2500));
      await app.kill9();
      stop = true;
      await Promise.allSettled(writers);
      app = await startApp(run.env); // opens after a kill, taking the stale lock over
    }

    // Every acknowledged write is there; no import is there in part.
    const c = await signIn(app);
    const get = (url: string) => fetch(`${app.url}${url}`, { headers: { Cookie: c.cookie } }).then((r) => r.json());
    const scenarios = new Set<string>((await get("/api/scenarios")).scenarios.map((s: { name: string }) => s.name));
    for (const name of acked.scenarios) expect(scenarios.has(name), `scenario ${name}`).toBe(true);
    const clusters = new Set<string>((await get("/api/clusters")).clusters.map((s: { name: string }) => s.name));
    for (const name of acked.clusters) expect(clusters.has(name), `cluster ${name}`).toBe(true);
    const names = ((await get("/api/compounds?limit=5000")).features as Array<{ properties: { name: string } }>).map((f) => f.properties.name);
    for (const tag of tried.inventories) {
      const n = names.filter((x) => x.startsWith(`${tag}-`)).length;
      expect(n === 0 || n === 3, `inventory ${tag}: ${n} of 3 rows`).toBe(true);
      if (acked.inventories.has(tag)) expect(n, `acknowledged inventory ${tag}`).toBe(3);
    }
    // The OSM fixture, imported many times and killed in between, is there once or not at all.
    const osmCompounds = names.filter((x) => x === "清华园小区").length;
    expect(osmCompounds).toBe(acked.osmImports > 0 ? 1 : osmCompounds);
    expect(osmCompounds).toBeLessThanOrEqual(1);
    console.log(
      `${KILLS} kills: ${acked.scenarios.size} scenario saves, ${acked.clusters.size} cluster saves, ${acked.inventories.size} inventory and ${acked.osmImports} OSM imports acknowledged, all present; ${tried.inventories.size - acked.inventories.size} unacknowledged imports whole or absent`,
    );
    expect(acked.scenarios.size).toBeGreaterThanOrEqual(KILLS);
    expect(await app.stop()).toBe(0);
  }, 900_000);
});
