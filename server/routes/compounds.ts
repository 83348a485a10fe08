import type { Request } from "express";
import { ValidationError } from "../errors.js";
import { compoundCreate, compoundPatch, statusChange } from "../schemas/bodies.js";
import { compoundStatuses, statusTransitions } from "../schemas/compounds.js";
import { QueryReader, decodeCursor } from "../schemas/query.js";
import { tierCodes } from "../schemas/reference.js";
import { compoundAdjacency, listCompounds, readCompound } from "../services/compounds.js";
import { COMPOUND, changeStatus } from "../services/editing.js";
import { createEntityWrites } from "./entities.js";
import { actorOf, cacheKey, GEOJSON, type HandlerDeps, http, idParam, json, parse } from "./http.js";

// Compounds (小区): the list (paged, filtered), one with its parts, the neighbour graph for
// clusters, the status rules, and the planner's writes (attributes, status).

/** The compound filters shared by the list and the exports. */
export function readCompoundFilters(q: QueryReader) {
  return {
    bbox: q.bbox("bbox"),
    status: q.enumList("status", compoundStatuses),
    planYear: q.intList("plan_year", { min: 2000, max: 2100 }),
    tier: q.enumList("tier", tierCodes),
    subdistrict: q.string("subdistrict", { maxLength: 100 }),
  };
}

function nextLink(req: Request, cursor: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== "cursor" && typeof v === "string") params.set(k, v);
  params.set("cursor", cursor);
  return `${req.baseUrl}${req.path}?${params.toString()}`;
}

export function createCompoundHandlers(deps: HandlerDeps) {
  const { knex, databaseKind, reference, cache } = deps;
  const writes = createEntityWrites(deps);
  // Only the server can interrupt a statement; the embedded database's single session cannot.
  const cancellable = (signal: AbortSignal) => (databaseKind === "server" ? signal : undefined);
  return {
    list: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const query = { ...readCompoundFilters(q), limit: q.int("limit", { min: 1, max: 5000 }) ?? 1000, afterId: decodeCursor(q, "cursor") };
      q.done();
      await cache.send(req, res, cacheKey(req, query), async () => {
        const fc = await listCompounds(knex, query, { internal: Boolean(req.user) });
        const links = fc.next ? { next: nextLink(req, fc.next) } : {};
        return json({ ...fc, links }, GEOJSON);
      });
    }),
    /** Neighbouring compounds for 连片 clusters: `distance_m` 0–500 and `street_m` 0–200 (defaults from geodata/clusters.json). */
    adjacency: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const distanceM = q.int("distance_m", { min: 0, max: 500 }) ?? reference.clusters.adjacencyM;
      const streetM = q.int("street_m", { min: 0, max: 200 }) ?? reference.clusters.streetFrontM;
      q.done();
      await cache.send(req, res, cacheKey(req, { distanceM, streetM }), async (signal) =>
        json(await compoundAdjacency(knex, { distanceM, streetM }, cancellable(signal))),
      );
    }),
    /** The renovation statuses in order and where a compound may go from each (the editor offers those). */
    statuses: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json({ statuses: compoundStatuses, transitions: statusTransitions }));
    }),
    read: http(async (req, res) => {
      const id = Number(req.params.id);
      if (!/^\d{1,9}$/.test(String(req.params.id)) || id < 1) {
        throw new ValidationError([
          {
            name: "id",
            reason: `expected a positive integer compound id, got "${req.params.id}"`,
            code: "invalid_id",
            params: { value: String(req.params.id).slice(0, 40) },
          },
        ]);
      }
      await cache.send(req, res, cacheKey(req), async () => json(await readCompound(knex, id, { internal: Boolean(req.user) }), GEOJSON));
    }),
    create: writes.create(COMPOUND, compoundCreate, false),
    update: writes.update(COMPOUND, compoundPatch),
    remove: writes.remove(COMPOUND),
    changeStatus: http(async (req, res) => {
      const id = idParam(req);
      await changeStatus(knex, actorOf(req), id, parse(statusChange, req.body), reference.costs);
      await writes.sendCompound(res, id);
    }),
  };
}
