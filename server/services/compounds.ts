import type { Knex } from "knex";
import { findAdjacency, type Adjacency, type AdjacencyOptions } from "../db/adjacency.js";
import { findCompounds, findSubdistrictId, getCompound, type CompoundFilter } from "../db/compounds.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { MAX_INT4 } from "../schemas/primitives.js";
import { encodeCursor } from "../schemas/query.js";

export interface CompoundQuery extends Omit<CompoundFilter, "subdistrictId"> {
  /** Subdistrict id, or its name (街道名称). */
  subdistrict?: string;
}

/**
 * A page of compounds as a GeoJSON FeatureCollection (OGC API Features style: `numberMatched`,
 * `numberReturned`, and a `next` cursor while more remain).
 */
export async function listCompounds(knex: Knex, q: CompoundQuery, opts: { internal?: boolean } = {}) {
  let subdistrictId: number | undefined;
  if (q.subdistrict !== undefined) {
    subdistrictId =
      /^\d{1,10}$/.test(q.subdistrict) && Number(q.subdistrict) <= MAX_INT4
        ? Number(q.subdistrict)
        : /^\d+$/.test(q.subdistrict)
          ? undefined
          : await findSubdistrictId(knex, q.subdistrict);
    if (subdistrictId === undefined) {
      throw new ValidationError([
        { name: "subdistrict", reason: `no subdistrict is named "${q.subdistrict}"`, code: "unknown_subdistrict", params: { value: q.subdistrict } },
      ]);
    }
  }
  const page = await findCompounds(knex, { ...q, subdistrictId });
  return {
    type: "FeatureCollection" as const,
    numberMatched: page.numberMatched,
    numberReturned: page.features.length,
    next: page.hasMore && page.lastId !== undefined ? encodeCursor(page.lastId) : null,
    features: opts.internal ? page.features : page.features.map(publishedOnly),
  };
}

type AnyFeature = { properties: Record<string, unknown> } & Record<string, unknown>;

/**
 * What the public (anonymous) sees: no row versions (an editing detail), no internal notes, and
 * no place on the map for a renovation item until it is completed.
 */
function publishedOnly<T>(feature: T): T {
  const f = feature as unknown as AnyFeature;
  const out: AnyFeature = strip(f);
  for (const key of ["buildings", "gates"]) {
    const fc = f[key] as { features: AnyFeature[] } | undefined;
    if (fc) out[key] = { ...fc, features: fc.features.map(strip) };
  }
  if (Array.isArray(f.renovationItems)) out.renovationItems = (f.renovationItems as AnyFeature[]).map(publishedItem);
  return out as unknown as T;
}

/** A feature without its row version (an editing detail) and internal notes. */
function strip(x: AnyFeature): AnyFeature {
  const { version: _v, notes: _n, ...properties } = x.properties;
  return { ...x, properties };
}

/**
 * A renovation item as the public sees it (the compound card and the exports): listed with what it
 * is, but with a place on the map only once it is completed.
 */
export function publishedItem<T extends AnyFeature>(item: T): T {
  const out = strip(item);
  return (out.properties.status === "completed" ? out : { ...out, geometry: null }) as T;
}

/** One compound with its buildings, gates and renovation items; NotFoundError when missing. */
export async function readCompound(knex: Knex, id: number, opts: { internal?: boolean } = {}) {
  const feature = await getCompound(knex, id);
  if (!feature) throw new NotFoundError(`Compound ${id}`);
  return opts.internal ? feature : publishedOnly(feature);
}

/**
 * Neighbouring compounds for 连片 clusters: pairs within `distanceM` metres of each other, or facing
 * across a street within `streetM` metres. `signal` cancels the query (server database only).
 */
export function compoundAdjacency(knex: Knex, opts: AdjacencyOptions, signal?: AbortSignal): Promise<Adjacency> {
  return findAdjacency(knex, opts, signal);
}
