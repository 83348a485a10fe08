import path from "node:path";
import type { Knex } from "knex";
import { writeAudit, type Actor } from "../db/audit.js";
import { clearCity, loadCity, noStatementTimeout, offsetCityIds, type Progress } from "../db/seed.js";
import type { Crs } from "./crs.js";
import { osmToCity, readOsm } from "./osm.js";

export const isOsmFile = (file: string) => /\.osm(\.pbf)?$|\.pbf$/i.test(file);

export interface OsmImportReport {
  file: string;
  dryRun: boolean;
  replaced: boolean;
  counts: Record<string, number>;
  warnings: Array<{ kind: string; osmId?: string; message: string }>;
}

/**
 * Import an OpenStreetMap extract (.osm XML or .osm.pbf): walkable ways become the walk network,
 * residential areas compounds, buildings, gates and facilities (through geodata/osm-tags.json).
 * Added beside the current city, or instead of it with `replace`; one transaction either way.
 * Every oddity of the data (unnamed areas, far gates, disconnected pieces…) is in the report.
 */
export async function importFile(
  knex: Knex, actor: Actor | null, file: string,
  opts: { crs?: Crs; dryRun?: boolean; replace?: boolean; onProgress?: (label: string) => (done: number, total: number) => void },
): Promise<OsmImportReport> {
  const data = readOsm(file, opts.onProgress?.("reading"));
  const { city, report } = osmToCity(data);
  const result: OsmImportReport = {
    file: path.basename(file), dryRun: Boolean(opts.dryRun), replaced: Boolean(opts.replace), counts: report.counts, warnings: report.warnings,
  };
  if (opts.dryRun) return result;
  const bar = opts.onProgress?.("writing");
  const progress: Progress | undefined = bar ? (_step, done, total) => bar(done, total) : undefined;
  await knex.transaction(async (trx) => {
    await noStatementTimeout(trx);
    if (opts.replace) await clearCity(trx);
    await loadCity(trx, opts.replace ? city : await offsetCityIds(trx, city), progress);
    if (actor) await writeAudit(trx, { actor, action: "import", entity: "import", entityId: result.file, after: { counts: report.counts, replaced: result.replaced } });
  });
  return result;
}
