import type { Knex } from "knex";
import { findCompounds, findSubdistrictId, getCompound, type CompoundFilter } from "../db/compounds.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { encodeCursor } from "../schemas/query.js";

export interface CompoundQuery extends Omit<CompoundFilter, "subdistrictId"> {
  /** Subdistrict id, or its name (街道名称). */
  subdistrict?: string;
}

/**
 * A page of compounds as a GeoJSON FeatureCollection (OGC API Features style: `numberMatched`,
 * `numberReturned`, and a `next` cursor while more remain).
 */
export async function listCompounds(knex: Knex, q: CompoundQuery) {
  let subdistrictId: number | undefined;
  if (q.subdistrict !== undefined) {
    subdistrictId = /^\d+$/.test(q.subdistrict) ? Number(q.subdistrict) : await findSubdistrictId(knex, q.subdistrict);
    if (subdistrictId === undefined) {
      throw new ValidationError([{ name: "subdistrict", reason: `no subdistrict is named "${q.subdistrict}"` }]);
    }
  }
  const page = await findCompounds(knex, { ...q, subdistrictId });
  return {
    type: "FeatureCollection" as const,
    numberMatched: page.numberMatched,
    numberReturned: page.features.length,
    next: page.hasMore && page.lastId !== undefined ? encodeCursor(page.lastId) : null,
    features: page.features,
  };
}

/** One compound with its buildings, gates and renovation items; NotFoundError when missing. */
export async function readCompound(knex: Knex, id: number) {
  const feature = await getCompound(knex, id);
  if (!feature) throw new NotFoundError(`Compound ${id}`);
  return feature;
}
