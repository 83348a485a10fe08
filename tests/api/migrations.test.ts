import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Database } from "../../server/db/connect.js";
import { appliedMigrations, migrateLatest, rollbackAll } from "../../server/db/migrate.js";
import { migrationSource } from "../../migrations/index.js";
import { openBlankEmbeddedDb, usingServer } from "../helpers/db.js";
import { polygon, rectangle } from "../helpers/geometry.js";

// Against a server the migrations run in a scratch schema so the shared test database is untouched.
const schema = `mig_${randomBytes(4).toString("hex")}`;
let db: Database;
let admin: Database | undefined;

beforeAll(async () => {
  if (usingServer) {
    admin = await connect({ databaseUrl: process.env.DATABASE_URL });
    await admin.knex.raw(`CREATE SCHEMA ${schema}`);
    db = await connect({ databaseUrl: process.env.DATABASE_URL, searchPath: [schema, "public"] });
  } else {
    db = await openBlankEmbeddedDb();
  }
});

afterAll(async () => {
  await db?.close();
  if (admin) {
    await admin.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  }
});

const tableSchema = () => (usingServer ? schema : "public");

async function tables(): Promise<string[]> {
  const { rows } = await db.knex.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1", [
    tableSchema(),
  ]);
  return rows.map((r: { table_name: string }) => r.table_name).filter((t: string) => !["spatial_ref_sys"].includes(t));
}

const productTables = [
  "amenities",
  "annual_plans",
  "audit_log",
  "buildings",
  "cluster_members",
  "clusters",
  "communities",
  "compounds",
  "facility_categories",
  "feedback",
  "gates",
  "item_kinds",
  "login_throttle",
  "renovation_items",
  "scenarios",
  "sessions",
  "streets",
  "subdistricts",
  "users",
  "walk_edges",
  "walk_nodes",
  "water",
];

describe("migrations", () => {
  it("go up, roll back completely, and go up again", async () => {
    const all = await migrationSource.getMigrations([]);
    expect(await migrateLatest(db.knex)).toEqual(all);
    expect(await appliedMigrations(db.knex)).toEqual(all);
    expect(await tables()).toEqual(expect.arrayContaining(productTables));

    // Geometry columns are typed and indexed with GiST.
    const { rows: geoms } = await db.knex.raw("SELECT f_table_name AS t, type, srid FROM geometry_columns WHERE f_table_schema = ? ORDER BY 1", [
      tableSchema(),
    ]);
    expect(geoms).toEqual(
      expect.arrayContaining([
        { t: "compounds", type: "MULTIPOLYGON", srid: 4326 },
        { t: "gates", type: "POINT", srid: 4326 },
        { t: "buildings", type: "POLYGON", srid: 4326 },
        { t: "walk_edges", type: "LINESTRING", srid: 4326 },
      ]),
    );
    const { rows: gist } = await db.knex.raw("SELECT tablename FROM pg_indexes WHERE schemaname = ? AND indexdef ILIKE '%USING gist%'", [tableSchema()]);
    for (const t of ["compounds", "gates", "buildings", "amenities", "walk_edges", "walk_nodes", "renovation_items", "streets", "water"]) {
      expect(gist.map((r: { tablename: string }) => r.tablename)).toContain(t);
    }

    await rollbackAll(db.knex);
    expect((await tables()).filter((t) => productTables.includes(t))).toEqual([]);
    expect(await appliedMigrations(db.knex)).toEqual([]);

    expect(await migrateLatest(db.knex)).toEqual(all);
    expect(await migrateLatest(db.knex)).toEqual([]);
  });
});

describe("constraints", () => {
  const square = (x: number, y: number, d = 0.001) => JSON.stringify({ type: "MultiPolygon", coordinates: [rectangle(x, y, x + d, y + d).coordinates] });
  const bowtie = JSON.stringify({ type: "MultiPolygon", coordinates: [polygon([0, 0], [1, 1], [1, 0], [0, 1]).coordinates] });

  function insertCompound(overrides: Record<string, unknown>, geom = square(114.64, 33.62)) {
    const row = { name: "测试小区", households: 100, build_year: 1995, status: "unlisted", plan_year: null, ...overrides };
    return db.knex("compounds").insert({ ...row, geom: db.knex.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)", [geom]) });
  }

  beforeAll(async () => {
    await migrateLatest(db.knex);
  });

  it("accept a plausible compound", async () => {
    await insertCompound({ name: "合法小区", status: "planned", plan_year: 2021, tier: "basic" });
  });

  it.each([
    ["an invalid (self-intersecting) footprint", {}, bowtie, /compounds_geom_valid/],
    ["negative households", { households: -1 }, undefined, /compounds_households_nonneg/],
    ["an implausible build year", { build_year: 1200 }, undefined, /compounds_build_year_plausible/],
    ["an unknown status", { status: "finished", plan_year: 2020 }, undefined, /compounds_status_values/],
    ["a listed compound without a plan year", { status: "planned" }, undefined, /compounds_listed_has_plan_year/],
    ["an unknown tier", { tier: "gold" }, undefined, /compounds_tier_values/],
    [
      "completion before start",
      { status: "completed", plan_year: 2020, started_on: "2020-05-01", completed_on: "2020-03-01" },
      undefined,
      /compounds_dates_ordered/,
    ],
  ])("reject %s", async (_what, overrides, geom, constraint) => {
    await expect(insertCompound(overrides, geom)).rejects.toThrow(constraint);
  });

  it("reject a geometry of the wrong type or SRID", async () => {
    const point = JSON.stringify({ type: "Point", coordinates: [114.64, 33.62] });
    await expect(
      db.knex("compounds").insert({
        name: "点小区",
        geom: db.knex.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)", [point]),
      }),
    ).rejects.toThrow(/geometry type|MultiPolygon/i);
    await expect(
      db.knex("compounds").insert({
        name: "墨卡托小区",
        geom: db.knex.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 3857)", [square(12760000, 3970000, 100)]),
      }),
    ).rejects.toThrow(/SRID/i);
  });

  it("reject an amenity whose category is not in the standards profile", async () => {
    await db
      .knex("facility_categories")
      .insert({ code: "kindergarten", name_zh: "幼儿园", name_en: "Kindergarten", circle: "5min", limit_m: 300 })
      .onConflict("code")
      .ignore();
    const pt = db.knex.raw("ST_SetSRID(ST_MakePoint(114.64, 33.62), 4326)");
    await db.knex("amenities").insert({ name: "好幼儿园", category: "kindergarten", geom: pt });
    await expect(db.knex("amenities").insert({ name: "赌场", category: "casino", geom: pt })).rejects.toThrow(/foreign key/i);
    await expect(db.knex("amenities").insert({ name: "负容量", category: "kindergarten", capacity: -5, geom: pt })).rejects.toThrow(
      /amenities_capacity_nonneg/,
    );
  });

  it("reject buildings with zero floors and walk edges without length", async () => {
    const [{ id }] = await insertCompound({ name: "楼栋测试小区" }).returning("id");
    const poly = db.knex.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)", [JSON.stringify(polygon([114.64, 33.62], [114.6401, 33.62], [114.6401, 33.6201]))]);
    await expect(db.knex("buildings").insert({ compound_id: id, floors: 0, geom: poly })).rejects.toThrow(/buildings_floors_range/);
    await db.knex.raw(
      "INSERT INTO walk_nodes (id, geom) VALUES (1, ST_SetSRID(ST_MakePoint(114.64, 33.62), 4326)), (2, ST_SetSRID(ST_MakePoint(114.641, 33.62), 4326))",
    );
    await expect(
      db.knex.raw(
        "INSERT INTO walk_edges (id, source, target, length_m, class, geom) SELECT 1, 1, 2, 0, 'alley', ST_MakeLine(a.geom, b.geom) FROM walk_nodes a, walk_nodes b WHERE a.id = 1 AND b.id = 2",
      ),
    ).rejects.toThrow(/walk_edges_length_positive/);
  });
});
