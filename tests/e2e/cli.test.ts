import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../server/config.js";

// The command-line tools as a bureau's admin runs them (a fresh embedded database, or the server).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-cli-"));
const env = { ...process.env, DATA_DIR: dataDir };
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const npm = (args: string[], input?: string) =>
  spawnSync("npm", ["run", "--silent", ...args], { cwd: ROOT, env, encoding: "utf8", input, timeout: 180_000 });

describe("command-line tools", () => {
  it("npm run import names the bad row and writes nothing; --dry-run lists what it would add", () => {
    const broken = npm(["import", "--", "tests/fixtures/inventory/inventory-broken.csv"]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/nothing was written/);
    expect(broken.stderr).toMatch(/row 3, households: "两百四十" is not a whole number/);
    const dry = npm(["import", "--", "tests/fixtures/inventory/inventory-wgs84.csv", "--dry-run"]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Would add 3, would update 0/);
    expect(dry.stdout).toMatch(/\+ row 2: 粮食局二号院/);
    expect(dry.stdout).toMatch(/Dry run: nothing was written/);
    const badCrs = npm(["import", "--", "tests/fixtures/inventory/inventory-wgs84.csv", "--crs", "mercator"]);
    expect(badCrs.status).toBe(2);
    expect(badCrs.stderr).toMatch(/mercator/);
  }, 240_000);

  it("npm run user:add creates a user and refuses a bad role", () => {
    const name = `cli-${Date.now()}`;
    const ok = npm(["user:add", "--", "--name", name, "--role", "planner", "--password-stdin"], "a long enough password\n");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`Created planner "${name}"`));
    const again = npm(["user:add", "--", "--name", name, "--role", "planner"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const bad = npm(["user:add", "--", "--name", "x", "--role", "king"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of admin, planner, staff/);
  }, 240_000);
});
