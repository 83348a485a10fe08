import fs from "node:fs";
import knexLib, { type Knex } from "knex";

export type DatabaseKind = "embedded" | "server";

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** The PGlite instance behind an embedded database (dumps for tests); absent for a server. */
  pglite?: import("@electric-sql/pglite").PGlite;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL URL; when absent an embedded PGlite + PostGIS database is opened. */
  databaseUrl?: string;
  /** Embedded data folder; `memory://` for an in-memory database. */
  dataDir?: string;
  /** Embedded only: a gzipped tarball made by `dumpDataDir()` to start from (tests). */
  loadDataDir?: Blob;
  /** Server only: schemas to put first on the search_path (tests use a scratch schema). */
  searchPath?: string[];
}

/**
 * Open the database: the PostgreSQL server at `databaseUrl`, or else an embedded PGlite with the
 * PostGIS extension kept in `dataDir`. Both are reached through the same knex interface.
 */
export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const knex = knexLib({
      client: "pg",
      connection: opts.databaseUrl,
      pool: { min: 0, max: 10 },
      searchPath: opts.searchPath,
    });
    await knex.raw("select 1");
    return { knex, kind: "server", close: () => knex.destroy() };
  }
  return connectEmbedded(opts);
}

async function connectEmbedded(opts: ConnectOptions): Promise<Database> {
  // Loaded lazily so a server deployment never pays for the WASM bundle.
  const [{ PGlite }, { postgis }, { default: ClientPgLite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-postgis"),
    import("knex-pglite"),
  ]);
  const dataDir = opts.dataDir ?? "memory://";
  if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    extensions: { postgis },
    loadDataDir: opts.loadDataDir,
  });
  // The PGlite instance must be handed over: `connection: {}` would silently open a second,
  // in-memory database without PostGIS.
  const knex = knexLib({
    client: ClientPgLite as unknown as typeof knexLib.Client,
    connection: (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig,
  });
  return {
    knex,
    kind: "embedded",
    pglite,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
