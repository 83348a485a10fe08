import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT } from "../../server/config.js";
import { connect, type Database } from "../../server/db/connect.js";
import { migrateLatest, rollbackAll } from "../../server/db/migrate.js";
import { loadReferenceData, syncReferenceData } from "../../server/db/reference.js";
import { loadCity } from "../../server/db/seed.js";
import { ensureWebBuild } from "../../server/web-build.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Embedded only: gzipped data dir with PostGIS created and nothing else. */
    postgisDump: string;
    /** Embedded only: gzipped data dir with migrations applied and the demo city loaded. */
    cityDump: string;
  }
}

const CACHE = path.join(ROOT, ".tmp", "test-db");

/** Hash of everything that shapes the seeded test database, so a stale cache is never used. */
function fingerprint(): string {
  const h = createHash("sha256");
  const add = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) add(path.join(p, e));
    else h.update(p.slice(ROOT.length)).update(fs.readFileSync(p));
  };
  for (const p of [
    "migrations",
    "geodata/demo-city",
    "geodata/standards.json",
    "geodata/costs.json",
    "server/db/seed.ts",
    "server/db/reference.ts",
    "package-lock.json",
  ]) {
    add(path.join(ROOT, p));
  }
  return h.digest("hex").slice(0, 16);
}

async function writeDump(db: Database, file: string) {
  fs.writeFileSync(file, await db.dump!());
}

interface Prepared {
  postgisDump: string;
  cityDump: string;
}

/**
 * The api and e2e projects each name this file as their global setup; Vitest runs it once per
 * project, in one process. The work is done once (the promise is kept on globalThis, which the
 * projects' module runners share) and each project is given the same answer.
 */
const ONCE = Symbol.for("renewal-map.test-global-setup");

export default async function setup(project: TestProject) {
  const g = globalThis as typeof globalThis & { [ONCE]?: Promise<Prepared> };
  let once = g[ONCE];
  if (once === undefined) {
    once = prepare();
    g[ONCE] = once;
  }
  const { postgisDump, cityDump } = await once;
  project.provide("postgisDump", postgisDump);
  project.provide("cityDump", cityDump);
}

async function prepare(): Promise<Prepared> {
  // Browser tests load the built app; build it once here when its sources changed.
  await ensureWebBuild();
  const reference = loadReferenceData(path.join(ROOT, "geodata"));
  const cityDir = path.join(ROOT, "geodata", "demo-city");

  if (process.env.DATABASE_URL) {
    // One shared server database: rebuild it from scratch so every run starts the same.
    const db = await connect({ databaseUrl: process.env.DATABASE_URL });
    await rollbackAll(db.knex);
    await migrateLatest(db.knex);
    await syncReferenceData(db.knex, reference);
    await loadCity(db.knex, cityDir);
    await db.close();
    return { postgisDump: "", cityDump: "" };
  }

  fs.mkdirSync(CACHE, { recursive: true });
  const key = fingerprint();
  const postgisDump = path.join(CACHE, "postgis.tar.gz");
  const cityDump = path.join(CACHE, `city-${key}.tar.gz`);
  if (!fs.existsSync(postgisDump)) {
    const db = await connect({ dataDir: "memory://" });
    await db.knex.raw("CREATE EXTENSION IF NOT EXISTS postgis");
    await writeDump(db, postgisDump);
    await db.close();
  }
  if (!fs.existsSync(cityDump)) {
    for (const old of fs.readdirSync(CACHE)) if (old.startsWith("city-")) fs.rmSync(path.join(CACHE, old));
    const db = await connect({ loadDataDir: postgisDump });
    await migrateLatest(db.knex);
    await syncReferenceData(db.knex, reference);
    await loadCity(db.knex, cityDir);
    await writeDump(db, cityDump);
    await db.close();
  }
  return { postgisDump, cityDump };
}
