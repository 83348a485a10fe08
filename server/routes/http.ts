import type { Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { ValidationError, fromZodError } from "../errors.js";

// Small pieces every write handler uses: async errors to Express, body parsing, id and version parameters.

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
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new ValidationError([{ name, reason: `expected a positive integer id, got "${raw}"` }]);
  return Number(raw);
}

/** `?version=N` of a DELETE: the version the client last saw. */
export function versionParam(req: Request): number {
  const raw = req.query.version;
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw)) {
    throw new ValidationError([{ name: "version", reason: "DELETE needs ?version=N, the version you last saw" }]);
  }
  return Number(raw);
}
