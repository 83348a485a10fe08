import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Express } from "express";
import type { Knex } from "knex";
import { afterAll, beforeAll, inject } from "vitest";
import { ROOT } from "../../server/config.js";
import { connect, type Database } from "../../server/db/connect.js";
import { migrateLatest } from "../../server/db/migrate.js";
import { loadReferenceData, syncReferenceData } from "../../server/db/reference.js";
import { loadCity } from "../../server/db/seed.js";
import { createApp } from "../../server/app.js";
import type { ClientSettings } from "../../server/routes/http.js";
import type { ReferenceData } from "../../server/schemas/reference.js";

export const GEODATA = path.join(ROOT, "geodata");
export const CITY_DIR = path.join(GEODATA, "demo-city");
export const usingServer = Boolean(process.env.DATABASE_URL);

/**
 * A database holding the migrated demo city: against a server, the shared test database;
 * embedded, a private in-memory copy for this test file.
 */
export async function openCityDb(): Promise<Database> {
  if (usingServer) return connect({ databaseUrl: process.env.DATABASE_URL });
  return connect({ loadDataDir: inject("cityDump") });
}

/** An embedded database with only PostGIS created (embedded runs only). */
export async function openBlankEmbeddedDb(): Promise<Database> {
  return connect({ loadDataDir: inject("postgisDump") });
}

/** The Express app over the demo-city database. */
export async function createTestApp(opts: { webDistDir?: string; clientConfig?: ClientSettings } = {}) {
  const db = await openCityDb();
  const reference = loadReferenceData(GEODATA);
  return { db, reference, app: createApp({ db, reference, webDistDir: opts.webDistDir, clientConfig: opts.clientConfig }) };
}

/** Read one of the committed demo-city files (the independent source of expected values). */
export function readCityFile<T = { features: Array<{ geometry: any; properties: Record<string, any> }> }>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(CITY_DIR, name), "utf8")) as T;
}

/**
 * A demo-city database this test file may change at will: embedded, its private in-memory copy;
 * against a server, a scratch schema loaded with the city (dropped by `close`), so the shared
 * database the other files read stays as it was. With `city: false`, migrated but empty.
 */
export async function openScratchCityDb(opts: { city?: boolean } = {}): Promise<Database> {
  const withCity = opts.city ?? true;
  if (!usingServer && withCity) return openCityDb();
  if (!usingServer) {
    const db = await openBlankEmbeddedDb();
    await migrateLatest(db.knex);
    await syncReferenceData(db.knex, loadReferenceData(GEODATA));
    return db;
  }
  const schema = `scratch_${randomBytes(4).toString("hex")}`;
  const admin = await connect({ databaseUrl: process.env.DATABASE_URL });
  await admin.knex.raw(`CREATE SCHEMA ${schema}`);
  const db = await connect({ databaseUrl: process.env.DATABASE_URL, searchPath: [schema, "public"] });
  await migrateLatest(db.knex);
  await syncReferenceData(db.knex, loadReferenceData(GEODATA));
  if (withCity) await loadCity(db.knex, CITY_DIR);
  return {
    ...db,
    async close() {
      await db.close();
      await admin.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

/**
 * Against a server: a database of its own for a test that runs the app and the tools as separate
 * processes and changes the city (imports, resets), so the shared test database stays as it was.
 * Undefined for embedded runs (those tests use a data folder of their own).
 */
export async function privateServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!usingServer) return undefined;
  const name = `renewal_private_${randomBytes(4).toString("hex")}`;
  const admin = await connect({ databaseUrl: process.env.DATABASE_URL });
  await admin.knex.raw(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const own = await connect({ databaseUrl: url.toString() });
  await own.knex.raw("CREATE EXTENSION IF NOT EXISTS postgis");
  await own.close();
  return {
    url: url.toString(),
    async drop() {
      await admin.knex.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** The Express app over a demo-city database this test file may change at will ({@link openScratchCityDb}). */
export async function createScratchApp() {
  const db = await openScratchCityDb();
  const reference = loadReferenceData(GEODATA);
  return { db, reference, app: createApp({ db, reference }) };
}

export interface TestApp {
  app: Express;
  db: Database;
  reference: ReferenceData;
}

/**
 * The app of this test file: made in a beforeAll ({@link createTestApp}; with `scratch`, over a
 * database the file may change at will, {@link createScratchApp}) and its database closed in an
 * afterAll. Call it at the top of the file, before the file's own hooks: vitest runs afterAll
 * hooks in reverse order, so the file's own clean-up still has the database. Read `app`, `db`
 * and `reference` in hooks and tests (before the beforeAll they throw).
 */
export function setUpTestApp(opts: { scratch?: boolean } = {}): Readonly<TestApp> {
  let made: TestApp | undefined;
  beforeAll(async () => {
    made = opts.scratch ? await createScratchApp() : await createTestApp();
  });
  afterAll(async () => {
    await made?.db.close();
  });
  const get = (): TestApp => {
    if (!made) throw new Error("setUpTestApp: the app is made in a beforeAll hook; read it in a hook or a test");
    return made;
  };
  return {
    get app() {
      return get().app;
    },
    get db() {
      return get().db;
    },
    get reference() {
      return get().reference;
    },
  };
}

/** The audit log of one entity, oldest first. */
export function auditRows(knex: Knex, entity: string, entityId: number) {
  return knex("audit_log")
    .where({ entity, entity_id: String(entityId) })
    .orderBy("id")
    .select("action", "user_name", "before", "after");
}
