import path from "node:path";
import type { Knex } from "knex";
import { writeAudit, type Actor } from "../db/audit.js";
import { clearCity, loadCity, mergeOsmCity, noStatementTimeout, type MergeCounts, type Progress } from "../db/seed.js";
import { inTransaction } from "../db/transaction.js";
import { ImportError } from "./errors.js";
import type { Crs } from "./crs.js";
import { importInventory, type InventoryPlan } from "./inventory.js";
import type { ImportWarning } from "./osm-steps/context.js";
import { loadTagMapping } from "./osm-tags.js";
import { parseInWorker } from "./parse.js";
import { routedNetworkChecks } from "./routed-check.js";

export const isOsmFile = (file: string) => /\.osm(\.pbf|\.gz|\.xml)?$|\.pbf$/i.test(file);
export const isTableFile = (file: string) => /\.(csv|xlsx)$/i.test(file);

export interface OsmImportReport {
  file: string;
  dryRun: boolean;
  replaced: boolean;
  counts: Record<string, number>;
  warnings: ImportWarning[];
  /** Rows added and rows updated (found again by their OSM ids), per table; absent for a dry run. */
  merged?: MergeCounts;
}

export type ImportResult = ({ kind: "osm" } & OsmImportReport) | ({ kind: "inventory"; file: string; dryRun: boolean } & InventoryPlan);

export interface ImportOptions {
  crs?: Crs;
  dryRun?: boolean;
  /** OSM only: instead of the current city rather than beside it. */
  replace?: boolean;
  /** The name the user knows the file by (an upload is saved under a temporary name). */
  fileName?: string;
  onProgress?: (label: string) => (done: number, total: number) => void;
}

/**
 * Import a file: an OpenStreetMap extract (.osm XML, .osm.gz, .osm.pbf) or a compound inventory
 * (.csv, .xlsx). The file is parsed in a worker thread; then written in one transaction (all or
 * nothing). Every problem with the file is an {@link ImportError} naming the row or byte offset.
 */
export async function runImport(knex: Knex, actor: Actor | null, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const fileName = opts.fileName ?? path.basename(file);
  if (isOsmFile(fileName)) {
    // OpenStreetMap is WGS 84 by definition: a conversion would move every feature off.
    if (opts.crs && opts.crs !== "wgs84") {
      throw new ImportError(
        [{ field: "crs", reason: `OpenStreetMap data is always WGS 84; "${opts.crs}" does not apply (leave crs out)`, code: "not_allowed" }],
        fileName,
      );
    }
    return { kind: "osm", ...(await importOsm(knex, actor, file, { ...opts, fileName })) };
  }
  if (!isTableFile(fileName)) {
    throw new ImportError(
      [
        {
          field: "file",
          reason: "expected .csv or .xlsx (an inventory) or .osm, .osm.gz, .osm.pbf (OpenStreetMap)",
          code: "unsupported_file",
          params: { values: ".csv, .xlsx, .osm, .osm.gz, .osm.pbf" },
        },
      ],
      fileName,
    );
  }
  const parsed = await parseInWorker({ file, kind: "table" }, opts.onProgress).catch(nameFile(fileName));
  if (parsed.type !== "table") throw new Error("the parser answered the wrong kind");
  const plan = await importInventory(knex, actor, parsed.table, {
    crs: opts.crs ?? "wgs84",
    dryRun: opts.dryRun,
    fileName,
    onProgress: opts.onProgress?.("writing"),
  });
  return { kind: "inventory", file: fileName, dryRun: Boolean(opts.dryRun), ...plan };
}

const nameFile =
  (fileName: string) =>
  (err: unknown): never => {
    throw err instanceof ImportError ? err.forFile(fileName) : err;
  };

/**
 * Import an OpenStreetMap extract: walkable ways become the walk network, residential areas
 * compounds, buildings, gates and facilities (through geodata/osm-tags.json). Merged into the
 * current city by OSM ids (an element imported before is updated, not added again), or instead of
 * the city with `replace`; one transaction either way. Every oddity of the
 * data (unnamed areas, far gates, disconnected pieces…) is in the report.
 */
async function importOsm(knex: Knex, actor: Actor | null, file: string, opts: ImportOptions & { fileName: string }): Promise<OsmImportReport> {
  const parsed = await parseInWorker({ file, kind: "osm" }, opts.onProgress).catch(nameFile(opts.fileName));
  if (parsed.type !== "osm") throw new Error("the parser answered the wrong kind");
  const { city, report } = parsed;
  const result: OsmImportReport = {
    file: opts.fileName,
    dryRun: Boolean(opts.dryRun),
    replaced: Boolean(opts.replace),
    counts: report.counts,
    warnings: report.warnings,
  };
  const bar = opts.onProgress?.("writing");
  const progress: Progress | undefined = bar ? (_step, done, total) => bar(done, total) : undefined;
  const { gateRules } = loadTagMapping();
  // A dry run does all of it, checks included, in a transaction that is then rolled back: it
  // refuses and reports exactly what the import would.
  const rollback = new Error("dry run");
  await inTransaction(knex, async (trx) => {
    await noStatementTimeout(trx);
    let compoundIds: number[];
    if (opts.replace) {
      await clearCity(trx);
      await loadCity(trx, city, progress);
      compoundIds = (city.layers["compounds.geojson"] ?? []).map((f) => Number(f.properties.id));
    } else {
      const merged = await mergeOsmCity(trx, city, progress);
      result.merged = merged.counts;
      compoundIds = merged.compoundIds;
    }
    const amenityOsmIds = [...new Set((city.layers["amenities.geojson"] ?? []).map((f) => String(f.properties.osmId)))];
    const checked = await routedNetworkChecks(trx, {
      compoundIds,
      amenityOsmIds,
      accessWithinM: gateRules.accessWithinM,
      connectorReportM: gateRules.connectorReportM,
    });
    Object.assign(result.counts, checked.counts);
    result.warnings.push(...checked.warnings);
    for (const w of checked.warnings) result.counts[`warnings:${w.kind}`] = (result.counts[`warnings:${w.kind}`] ?? 0) + 1;
    if (opts.dryRun) throw rollback;
    if (actor)
      await writeAudit(trx, {
        actor,
        action: "import",
        entity: "import",
        entityId: result.file,
        after: { counts: report.counts, replaced: result.replaced, merged: result.merged },
      });
  }).catch((err) => {
    if (err !== rollback) throw err;
  });
  return result;
}
