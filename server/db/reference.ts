import fs from "node:fs";
import path from "node:path";
import type { Knex } from "knex";
import type { z } from "zod";
import { clusterRulesSchema, costTableSchema, planRulesSchema, standardsProfileSchema, type ReferenceData } from "../schemas/reference.js";
import { fromZodError } from "../errors.js";

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

function parseFile<S extends z.ZodType>(geodataDir: string, file: string, schema: S): z.infer<S> {
  const result = schema.safeParse(readJson(path.join(geodataDir, file)));
  if (!result.success) {
    throw new Error(`${file} is not valid: ${fromZodError(result.error, file).detail}`);
  }
  return result.data;
}

/** Read and validate the standards profile, the unit-cost table and the cluster rules from `geodataDir`. */
export function loadReferenceData(geodataDir: string): ReferenceData {
  const standards = parseFile(geodataDir, "standards.json", standardsProfileSchema);
  const costs = parseFile(geodataDir, "costs.json", costTableSchema);
  const clusters = parseFile(geodataDir, "clusters.json", clusterRulesSchema);
  const plans = parseFile(geodataDir, "plans.json", planRulesSchema);
  const dup = (codes: string[]) => codes.find((c, i) => codes.indexOf(c) !== i);
  const dupCategory = dup(standards.categories.map((c) => c.code));
  if (dupCategory) throw new Error(`standards.json lists category "${dupCategory}" twice`);
  const dupKind = dup(costs.items.map((c) => c.kind));
  if (dupKind) throw new Error(`costs.json lists item kind "${dupKind}" twice`);
  const codes = new Set(standards.categories.map((c) => c.code));
  const kinds = new Set(costs.items.map((c) => c.kind));
  for (const i of costs.items)
    if (i.provides !== undefined && !codes.has(i.provides))
      throw new Error(`costs.json: item "${i.kind}" provides "${i.provides}", not a category of standards.json`);
  for (const k of [...plans.estimate.map((e) => e.kind), ...plans.facilityRooms.items.map((e) => e.kind)])
    if (!kinds.has(k)) throw new Error(`plans.json names item kind "${k}", not in costs.json`);
  for (const r of plans.facilityRooms.items)
    if (costs.items.find((i) => i.kind === r.kind)?.provides === undefined)
      throw new Error(`plans.json: facility room "${r.kind}" provides no category in costs.json`);
  return { standards, costs, clusters, plans };
}

/**
 * Mirror the profile's categories and the menu's item kinds into the tables that amenities and
 * renovation items reference, so the database rejects a category the profile does not know.
 */
export async function syncReferenceData(knex: Knex, ref: ReferenceData): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx("facility_categories")
      .insert(
        ref.standards.categories.map((c) => ({
          code: c.code,
          name_zh: c.nameZh,
          name_en: c.nameEn,
          circle: c.circle,
          limit_m: c.limitM,
        })),
      )
      .onConflict("code")
      .merge();
    await trx("item_kinds")
      .insert(
        ref.costs.items.map((i) => ({
          kind: i.kind,
          name_zh: i.nameZh,
          name_en: i.nameEn,
          tier: i.tier,
          unit: i.unit,
          unit_cost_yuan: i.unitCostYuan,
        })),
      )
      .onConflict("kind")
      .merge();
  });
}
