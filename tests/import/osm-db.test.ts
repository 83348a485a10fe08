import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Knex } from "knex";
import type { Database } from "../../server/db/connect.js";
import { ROOT } from "../../server/config.js";
import { runImport, type ImportOptions, type OsmImportReport } from "../../server/import/run.js";
import { openCityDb } from "../helpers/db.js";

const FIXTURE = path.join(ROOT, "tests/fixtures/osm/small.osm");

/** Import an OSM file and return its report (an OSM file always gives one). */
async function importFile(k: Knex, actor: { id: null; name: string } | null, file: string, opts: ImportOptions): Promise<OsmImportReport> {
  const result = await runImport(k, actor, file, opts);
  if (result.kind !== "osm") throw new Error(`expected an OSM import, got ${result.kind}`);
  return result;
}
let db: Database;
beforeAll(async () => {
  db = await openCityDb();
});
afterAll(async () => {
  await db?.close();
});

const counts = async (k: Knex) => {
  const { rows } = await k.raw(`SELECT (SELECT count(*) FROM compounds)::int AS compounds, (SELECT count(*) FROM buildings)::int AS buildings,
    (SELECT count(*) FROM gates)::int AS gates, (SELECT count(*) FROM amenities)::int AS amenities,
    (SELECT count(*) FROM walk_nodes)::int AS nodes, (SELECT count(*) FROM walk_edges)::int AS edges`);
  return rows[0];
};

/** Run `fn` in a transaction that is always rolled back, so the shared database stays as it was. */
async function rolledBack(fn: (trx: Knex.Transaction) => Promise<void>) {
  const rollback = new Error("rollback");
  await db.knex
    .transaction(async (trx) => {
      await fn(trx);
      throw rollback;
    })
    .catch((e) => {
      if (e !== rollback) throw e;
    });
}

describe("importing an OSM extract into the database", () => {
  it("adds the extract beside the demo city with fresh ids, in one transaction, audited", async () => {
    const before = await counts(db.knex);
    await rolledBack(async (trx) => {
      const report = await importFile(trx, { id: null, name: "cli:test" }, FIXTURE, {});
      const after = await counts(trx);
      expect(after.compounds - before.compounds).toBe(report.counts.compounds);
      expect(after.buildings - before.buildings).toBe(report.counts.buildings);
      expect(after.gates - before.gates).toBe(report.counts.gates);
      expect(after.nodes - before.nodes).toBe(report.counts.walkNodes);
      expect(after.edges - before.edges).toBe(report.counts.walkEdges);
      expect(report.counts.compounds).toBeGreaterThan(0);
      // Every imported gate hangs on an imported compound; edges measured in metres by PostGIS.
      const { rows } = await trx.raw(
        `SELECT count(*)::int AS n FROM gates g JOIN compounds c ON c.id = g.compound_id
        WHERE ST_DWithin(g.geom::geography, ST_Boundary(c.geom)::geography, 0.5) AND c.id > ?`,
        [before.compounds],
      );
      expect(rows[0].n).toBe(report.counts.gates);
      const audit = await trx("audit_log").where({ action: "import", entity_id: "small.osm" }).first();
      expect(audit.user_name).toBe("cli:test");
    });
    expect(await counts(db.knex)).toEqual(before);
  });

  it("a dry run reports and writes nothing; replace swaps the city for the extract", async () => {
    const before = await counts(db.knex);
    const dry = await importFile(db.knex, null, FIXTURE, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.warnings.map((w) => w.kind)).toEqual(expect.arrayContaining(["disconnected", "open-compound", "unnamed", "gate-not-walking", "gate-away"]));
    expect(await counts(db.knex)).toEqual(before);
    await rolledBack(async (trx) => {
      const report = await importFile(trx, null, FIXTURE, { replace: true });
      const after = await counts(trx);
      expect(after.compounds).toBe(report.counts.compounds);
      expect(after.edges).toBe(report.counts.walkEdges);
    });
    expect(await counts(db.knex)).toEqual(before);
  });
});

describe("importing the same extract again", () => {
  it("updates what it imported before by OSM id instead of adding a copy, keeping planners' fields", async () => {
    const before = await counts(db.knex);
    await rolledBack(async (trx) => {
      const first = await importFile(trx, null, FIXTURE, {});
      const once = await counts(trx);
      expect(once.compounds - before.compounds).toBe(first.counts.compounds);
      expect(first.merged!.compounds).toEqual({ added: first.counts.compounds, updated: 0 });
      // A planner lists one imported compound for renovation and corrects its households.
      const c = await trx("compounds").whereNotNull("osm_id").orderBy("id").first("id", "osm_id", "version");
      await trx("compounds").where({ id: c.id }).update({ status: "planned", plan_year: 2027, households: 321, households_source: "manual" });
      const second = await importFile(trx, null, FIXTURE, {});
      expect(await counts(trx)).toEqual(once); // nothing added twice: no compound, gate, node or edge
      expect(second.merged!.compounds).toEqual({ added: 0, updated: first.counts.compounds });
      expect(second.merged!.walk_edges).toEqual({ added: 0, updated: first.counts.walkEdges });
      expect(second.merged!.walk_nodes).toEqual({ added: 0, updated: first.counts.walkNodes });
      const after = await trx("compounds").where({ id: c.id }).first("status", "plan_year", "households", "osm_id", "version");
      expect(after).toMatchObject({ status: "planned", plan_year: 2027, households: 321, osm_id: c.osm_id });
      expect(after.version).toBeGreaterThan(c.version);
      // Every OSM id is still there once.
      const { rows } = await trx.raw(`SELECT count(*)::int AS n FROM (
        SELECT osm_id FROM compounds WHERE osm_id IS NOT NULL GROUP BY osm_id HAVING count(*) > 1
        UNION ALL SELECT osm_id FROM walk_edges WHERE osm_id IS NOT NULL GROUP BY osm_id HAVING count(*) > 1) d`);
      expect(rows[0].n).toBe(0);
    });
    expect(await counts(db.knex)).toEqual(before);
  });
});
