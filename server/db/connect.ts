import { randomBytes } from "node:crypto";
import path from "node:path";
import knexLib, { type Knex } from "knex";
import { FolderInUseError, acquireLock, liveOwner, type Endpoint, type HeldLock, type LockInfo } from "./embedded/lock.js";
import { startEmbeddedServer, type EmbeddedServer } from "./embedded/owner.js";
import { batchedVersion, snapshotVersion } from "./data-version.js";

export type DatabaseKind = "embedded" | "server";

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /**
   * Embedded only: who serves the data folder. `self` when this process opened it (and holds its
   * lock); otherwise the running process this one reaches it through.
   */
  owner?: { self: boolean; pid: number; command: string; url?: string };
  /** Embedded, when this process owns the folder: record facts in the lock (the app's URL). */
  announce?(facts: { url?: string }): void;
  /** Embedded, when this process owns the folder: a gzipped tarball of the data folder (tests). */
  dump?(): Promise<Buffer>;
  /** The committed data's version (see data-version.ts); cached answers are keyed by it. */
  dataVersion(): Promise<string>;
  /** Called if the embedded database thread fails; the process should stop. */
  onFailure?(cb: (err: Error) => void): void;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL URL; when absent an embedded PGlite + PostGIS database is opened. */
  databaseUrl?: string;
  /** Embedded data folder; `memory://` (the default) for an in-memory database. */
  dataDir?: string;
  /** Embedded only: a gzipped tarball made by `Database.dump()` to start from (tests). */
  loadDataDir?: string;
  /** Server only: schemas to put first on the search_path (tests use a scratch schema). */
  searchPath?: string[];
  /** Embedded only: what this process is, written into the folder's lock (e.g. "npm start"). */
  command?: string;
  /**
   * Embedded only: this process must own the folder (the web app). When another process holds
   * it, throw {@link FolderInUseError} instead of going through that process.
   */
  mustOwn?: boolean;
  /** Cancel any statement running longer than this (ms); 0 or absent: no limit. */
  statementTimeoutMs?: number;
  /** Connections in the pool (default 10). */
  poolMax?: number;
}

export { FolderInUseError };

function pgKnex(connection: Knex.StaticConnectionConfig | string, opts: ConnectOptions): Knex {
  const timeout = opts.statementTimeoutMs ?? 0;
  return knexLib({
    client: "pg",
    connection,
    pool: {
      min: 0,
      max: opts.poolMax ?? 10,
      // Every connection of the pool gets the same limit; cancelled statements answer 57014.
      afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, c: unknown) => void) => {
        conn.query(`SET statement_timeout = ${Math.max(0, Math.floor(timeout))}`, (err) => done(err, conn));
      },
    },
    searchPath: opts.searchPath,
  });
}

function embeddedConnection(endpoint: Endpoint, token: string): Knex.PgConnectionConfig {
  const where = "path" in endpoint ? { host: path.dirname(endpoint.path), port: 5432 } : { host: endpoint.host, port: endpoint.port };
  return { ...where, user: "postgres", password: token, database: "postgres" };
}

/**
 * Open the database: the PostgreSQL server at `databaseUrl`, or else the embedded PGlite +
 * PostGIS in `dataDir`. The embedded database has one owner: the first process to open a folder
 * takes its lock and serves it from a worker thread over a socket in the folder; any other process
 * reaches it through that socket (or refuses, with `mustOwn`). Both kinds are plain `pg` clients.
 */
export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const knex = pgKnex(opts.databaseUrl, opts);
    try {
      await knex.raw("select 1");
    } catch (err) {
      await knex.destroy();
      throw err;
    }
    return { knex, kind: "server", dataVersion: batchedVersion(() => snapshotVersion(knex)), close: () => destroy(knex) };
  }
  const dataDir = opts.dataDir ?? "memory://";
  if (dataDir.startsWith("memory://")) return openEmbedded(dataDir, undefined, opts);

  const running = await ownerServing(dataDir, opts);
  if (running) return throughOwner(dataDir, running, opts);
  let lock: HeldLock;
  try {
    lock = acquireLock(dataDir, opts.command ?? commandName());
  } catch (err) {
    // Lost the race to another process that took the folder just now: go through it.
    if (err instanceof FolderInUseError) return throughOwner(dataDir, (await ownerServing(dataDir, opts)) ?? err.holder, opts);
    throw err;
  }
  try {
    return await openEmbedded(dataDir, lock, opts);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openEmbedded(dataDir: string, lock: HeldLock | undefined, opts: ConnectOptions): Promise<Database> {
  const token = lock?.info.token ?? randomToken();
  const server: EmbeddedServer = await startEmbeddedServer({ dataDir, loadDataDir: opts.loadDataDir, token });
  lock?.update({ endpoint: server.endpoint });
  const knex = pgKnex(embeddedConnection(server.endpoint, token), opts);
  let closed = false;
  return {
    knex,
    kind: "embedded",
    owner: { self: true, pid: process.pid, command: lock?.info.command ?? "this process" },
    announce: (facts) => lock?.update(facts),
    dump: () => server.dump(),
    dataVersion: batchedVersion(() => server.version()),
    onFailure: (cb) => server.onFailure(cb),
    close: async () => {
      if (closed) return;
      closed = true;
      await destroy(knex);
      await server.close(3000);
      lock?.release();
    },
  };
}

/**
 * The live owner of the folder, once it serves (an owner still starting up has no endpoint yet:
 * wait for it, up to a couple of minutes, since a first start takes ~20 s). Undefined when none.
 */
async function ownerServing(dataDir: string, opts: ConnectOptions): Promise<LockInfo | undefined> {
  const deadline = Date.now() + 120_000;
  let told = false;
  for (;;) {
    const holder = liveOwner(dataDir);
    if (!holder || holder.endpoint || opts.mustOwn || Date.now() > deadline) return holder;
    if (!told) process.stderr.write(`Waiting for ${holder.command} (pid ${holder.pid}) to finish opening ${dataDir}…\n`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function throughOwner(dataDir: string, holder: LockInfo, opts: ConnectOptions): Promise<Database> {
  if (opts.mustOwn || !holder.endpoint) throw new FolderInUseError(dataDir, holder);
  const knex = pgKnex(embeddedConnection(holder.endpoint, holder.token), opts);
  try {
    await knex.raw("select 1");
  } catch (err) {
    await knex.destroy();
    throw new Error(`${new FolderInUseError(dataDir, holder).message}\nIt could not be reached either: ${(err as Error).message}`);
  }
  return {
    knex,
    kind: "embedded",
    owner: { self: false, pid: holder.pid, command: holder.command, url: holder.url },
    dataVersion: batchedVersion(() => snapshotVersion(knex)),
    close: () => destroy(knex),
  };
}

/** Close the pool; a statement that will not finish does not hold the process up past a few seconds. */
async function destroy(knex: Knex, timeoutMs = 1000) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    knex.destroy(),
    new Promise((r) => {
      timer = setTimeout(r, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

/** "npm start", "npm run import", … from npm's environment, else the script's file name. */
function commandName(): string {
  const script = process.env.npm_lifecycle_event;
  if (script) return script === "start" ? "npm start" : `npm run ${script}`;
  return path.basename(process.argv[1] ?? "node");
}
