import { describe, expect, it } from "vitest";
import { usingServer } from "../helpers/db.js";
import { isolatedRun, npmRun, startApp, type AppProcess } from "../helpers/processes.js";

// The command-line tools as a bureau's admin runs them: on a folder no app holds (the tool opens
// it itself, under the lock), and beside a running app (the tool goes through the app that owns
// the folder; nothing opens it twice).
const run = isolatedRun("cli");

const signIn = (app: AppProcess, name: string, password: string) =>
  fetch(`${app.url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, password }),
  });

describe("command-line tools", () => {
  it("npm run import names the bad row and writes nothing; --dry-run lists what it would add", async () => {
    const broken = await npmRun(["import", "--", "tests/fixtures/inventory/inventory-broken.csv"], run.env);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/nothing was written/);
    expect(broken.stderr).toMatch(/row 3, households: "两百四十" is not a whole number/);
    const dry = await npmRun(["import", "--", "tests/fixtures/inventory/inventory-wgs84.csv", "--dry-run"], run.env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Would add 3, would update 0/);
    expect(dry.stdout).toMatch(/\+ row 2: 粮食局二号院/);
    expect(dry.stdout).toMatch(/Dry run: nothing was written/);
    const badCrs = await npmRun(["import", "--", "tests/fixtures/inventory/inventory-wgs84.csv", "--crs", "mercator"], run.env);
    expect(badCrs.status).toBe(2);
    expect(badCrs.stderr).toMatch(/mercator/);
  }, 300_000);

  it("npm run user:add creates a user and refuses a bad role", async () => {
    const name = `cli-${Date.now()}`;
    const ok = await npmRun(["user:add", "--", "--name", name, "--role", "planner", "--password-stdin"], run.env, { input: "a long enough password\n" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`Created planner "${name}"`));
    const again = await npmRun(["user:add", "--", "--name", name, "--role", "planner"], run.env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const bad = await npmRun(["user:add", "--", "--name", "x", "--role", "king"], run.env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of admin, planner, staff/);
  }, 300_000);

  it("while the app runs: user:add signs in at once, an OSM import shows on the map without a restart, migrate goes through it", async () => {
    const app = await startApp(run.env);
    try {
      const name = `wang-${Date.now()}`;
      const add = await npmRun(["user:add", "--", "--name", name, "--role", "staff", "--password-stdin"], run.env, { input: "王工的密码很长很长很长\n" });
      expect(add.status, add.stderr).toBe(0);
      expect(add.stdout).toMatch(/Created staff/);
      if (!usingServer) expect(add.stderr).toMatch(new RegExp(`open in npm start \\(pid ${app.child.pid}\\); working through it`));
      expect((await signIn(app, name, "王工的密码很长很长很长")).status).toBe(200);

      const before = (await (await fetch(`${app.url}/api/compounds?limit=1`)).json()).numberMatched as number;
      const imported = await npmRun(["import", "--", "tests/fixtures/osm/small.osm"], run.env);
      expect(imported.status, imported.stderr).toBe(0);
      const report = JSON.parse(imported.stdout);
      expect(report.counts.compounds).toBeGreaterThan(0);
      const after = await (await fetch(`${app.url}/api/compounds?limit=1`)).json();
      expect(after.numberMatched).toBe(before + report.counts.compounds);

      const migrate = await npmRun(["migrate"], run.env);
      expect(migrate.status, migrate.stderr).toBe(0);
      expect(migrate.stdout).toMatch(/Already up to date/);
      // The app kept serving through all of it.
      expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 400_000);
});
