import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Knex } from "knex";
import type { Role, User } from "../db/users.js";
import { AppError, ForbiddenError } from "../errors.js";
import { sessionFor } from "../services/auth.js";

export const SESSION_COOKIE = "renewal_session";
export const CSRF_HEADER = "x-csrf-token";

declare module "express-serve-static-core" {
  interface Request {
    user?: User;
    csrfToken?: string;
    sessionToken?: string;
  }
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/** Attach the signed-in user (if any) from the session cookie. */
export function loadSession(knex: Knex): RequestHandler {
  return (req, _res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) return next();
    sessionFor(knex, token).then((s) => {
      if (s) {
        req.user = s.user;
        req.csrfToken = s.csrfToken;
        req.sessionToken = token;
      }
      next();
    }, next);
  };
}

export class UnauthorizedError extends AppError {
  constructor() {
    super(401, "/problems/unauthorized", "Sign-in required", "Sign in first: changing data needs a planner or admin account, and saved scenarios need any account.");
  }
}

/**
 * Writes (every method but GET/HEAD/OPTIONS) must carry the session's CSRF token in the
 * X-CSRF-Token header and a JSON (or multipart upload) body type: a cross-site form cannot do either.
 */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  if (!req.user) return next(new UnauthorizedError());
  const sent = String(req.headers[CSRF_HEADER] ?? "");
  const ok = req.csrfToken && sent.length === req.csrfToken.length && timingSafeEqual(Buffer.from(sent), Buffer.from(req.csrfToken));
  if (!ok) return next(new ForbiddenError("Missing or wrong X-CSRF-Token header; reload the page and try again"));
  next();
};

/** Only signed-in users with one of `roles` pass: anonymous → 401, other roles → 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(new UnauthorizedError());
    if (!roles.includes(req.user.role)) {
      return next(new ForbiddenError(`This needs the role ${roles.join(" or ")}; you are signed in as ${req.user.role}`));
    }
    next();
  };
}
