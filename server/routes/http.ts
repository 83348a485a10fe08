import type { Request, RequestHandler, Response } from "express";
import type { Knex } from "knex";
import type { z } from "zod";
import type { DatabaseKind } from "../db/connect.js";
import type { ReferenceData } from "../schemas/reference.js";
import { ValidationError, fromZodError } from "../errors.js";
import type { WalkGraphService } from "../services/network.js";
import type { CachedAnswer, ResponseCache } from "./response-cache.js";

/** What the web app is told at start (GET /api/config). */
export interface ClientSettings {
  basemapStyleUrl?: string;
  /** Whether the map draws its base layers from vector tiles (default auto: past a district's size). */
  mapTiles?: import("../config.js").MapTiles;
}

// Small pieces every route module uses: what the handlers are given, async errors to Express,
// cached answers, body parsing, the actor, id and version parameters.

/** What every route module's handlers are made from (one instance per app). */
export interface HandlerDeps {
  knex: Knex;
  databaseKind: DatabaseKind;
  reference: ReferenceData;
  walkGraph: WalkGraphService;
  clientConfig: ClientSettings;
  /** Public reads, built once per data version (see response-cache.ts). */
  cache: ResponseCache;
}

/** The cache key of a read: its path, its checked parameters, and whether internal fields show. */
export const cacheKey = (req: Request, params: unknown = {}) => `${req.baseUrl}${req.path}|${req.user ? "internal" : "public"}|${JSON.stringify(params)}`;

/** A JSON answer for the response cache. */
export const json = (value: unknown, type = "application/json"): CachedAnswer => ({ body: Buffer.from(JSON.stringify(value)), type });

export const GEOJSON = "application/geo+json";

/** Who is writing (the router puts a role check in front of every write). */
export const actorOf = (req: Request) => ({ id: req.user!.id, name: req.user!.name });

export const http =
  (fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler =>
  (req, res, next) => {
    Promise.resolve(fn(req, res)).catch(next);
  };

/** Parse a body with a zod schema; a failure is a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

export function idParam(req: Request, name = "id"): number {
  const raw = String(req.params[name]);
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
    throw new ValidationError([{ name, reason: `expected a positive integer id, got "${raw}"`, code: "invalid_id", params: { value: raw.slice(0, 40) } }]);
  return Number(raw);
}

/** `?version=N` of a DELETE: the version the client last saw. */
export function versionParam(req: Request): number {
  const raw = req.query.version;
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw)) {
    throw new ValidationError([{ name: "version", reason: "DELETE needs ?version=N, the version you last saw", code: "required" }]);
  }
  return Number(raw);
}
