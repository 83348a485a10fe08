import { connect, type Database } from "./db/connect.js";
import { migrateLatest } from "./db/migrate.js";
import { loadReferenceData, syncReferenceData } from "./db/reference.js";
import type { ReferenceData } from "./schemas/reference.js";
import { clearCity, isEmpty, loadCity, type Progress } from "./db/seed.js";
import type { Config } from "./config.js";
import path from "node:path";

export interface Ready {
  db: Database;
  reference: ReferenceData;
}

/** Human-readable progress for long steps, on one line per step. */
export const logProgress: Progress = (step, done, total) => {
  if (done === total) console.log(`  ${step}: ${total} rows`);
};

export interface PrepareOptions {
  reset?: boolean;
  seed?: boolean;
  /** Progress of loading the city (default: one line per table when it is done). */
  progress?: Progress;
  /** The city to load instead of the demo city (a folder `npm run generate -- --out DIR` wrote). */
  cityDir?: string;
  log?: (s: string) => void;
  /** What this process is, for the embedded folder's lock ("npm start", "npm run import"). */
  command?: string;
  /** The web app must own the embedded folder; tools go through whoever owns it. */
  mustOwn?: boolean;
  /** Limit on any one statement, in ms (the app sets one; tools and imports do not). */
  statementTimeoutMs?: number;
}

/**
 * Open the configured database. For the embedded one: own its folder when no other process does,
 * else go through the process that does (and say so), or, with `mustOwn`, refuse.
 */
export async function openDatabase(config: Config, opts: PrepareOptions = {}): Promise<Database> {
  const log = opts.log ?? ((s: string) => console.log(s));
  log(config.databaseUrl ? "Connecting to PostgreSQL…" : `Opening the embedded PostGIS database in ${config.dataDir} (the first start takes ~20 s)…`);
  const db = await connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    command: opts.command,
    mustOwn: opts.mustOwn,
    statementTimeoutMs: opts.statementTimeoutMs,
  });
  if (db.owner && !db.owner.self) log(`The data folder is open in ${db.owner.command} (pid ${db.owner.pid}); working through it.`);
  return db;
}

/**
 * Open the database, apply migrations, mirror the standards profile and cost table, and load the
 * demo city when the database holds no compounds (or always, with `reset`).
 */
export async function prepareDatabase(config: Config, opts: PrepareOptions = {}): Promise<Ready> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const t0 = Date.now();
  const db = await openDatabase(config, { ...opts, log });
  try {
    const applied = await migrateLatest(db.knex);
    if (applied.length) log(`Applied ${applied.length} migration(s).`);
    const reference = loadReferenceData(config.geodataDir);
    await syncReferenceData(db.knex, reference);
    if (opts.seed !== false) {
      if (opts.reset) {
        log("Removing the city data (users and the audit log are kept)…");
        await clearCity(db.knex);
      }
      if (opts.reset || (await isEmpty(db.knex))) {
        const dir = opts.cityDir ?? path.join(config.geodataDir, "demo-city");
        log(`Loading the ${opts.cityDir ? "city" : "demo city"} from ${path.relative(process.cwd(), dir) || dir}…`);
        await loadCity(db.knex, dir, opts.progress ?? logProgress);
      } else {
        log(
          `The database already holds a city; keeping it (npm run seed -- --reset${opts.cityDir ? ` --city ${opts.cityDir}` : ""} reloads ${opts.cityDir ? "that city" : "the demo city"}).`,
        );
      }
    }
    log(`Database ready in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    return { db, reference };
  } catch (err) {
    await db.close();
    throw err;
  }
}
