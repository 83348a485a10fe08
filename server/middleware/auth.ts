import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Knex } from "knex";
import type { User } from "../db/users.js";
import type { Role } from "../schemas/users.js";
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

/** Our session tokens: 32 random bytes in base64url. Anything else in the cookie is no session. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session token from the Cookie header, or undefined. A malformed or foreign cookie (bad
 * percent-encoding, wrong length, several of ours) is treated as no session, never as an error.
 */
export function readSessionToken(req: Request): string | undefined {
  const found: string[] = [];
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (TOKEN_SHAPE.test(value)) found.push(value);
  }
  return found.length === 1 ? found[0] : undefined;
}

/** Attach the signed-in user (if any) from the session cookie. */
export function loadSession(knex: Knex): RequestHandler {
  return (req, _res, next) => {
    const token = readSessionToken(req);
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
    super(
      401,
      "/problems/unauthorized",
      "Sign-in required",
      "Sign in first: changing data needs a planner or admin account, and saved scenarios need any account.",
    );
  }
}

/**
 * Writes (every method but GET/HEAD/OPTIONS) must carry the session's CSRF token in the
 * X-CSRF-Token header and a JSON (or multipart upload) body type: a cross-site form cannot do either.
 */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  if (!req.user) return next(new UnauthorizedError());
  next(csrfProblem(req));
};

/** Sign-out: nothing to do without a session; with one, the CSRF header like every other write. */
export const requireCsrfIfSignedIn: RequestHandler = (req, _res, next) => {
  next(req.user ? csrfProblem(req) : undefined);
};

function csrfProblem(req: Request): ForbiddenError | undefined {
  const sent = String(req.headers[CSRF_HEADER] ?? "");
  const ok = req.csrfToken && sent.length === req.csrfToken.length && timingSafeEqual(Buffer.from(sent), Buffer.from(req.csrfToken));
  return ok ? undefined : new ForbiddenError("Missing or wrong X-CSRF-Token header; reload the page and try again", { code: "csrf" });
}

/** Only signed-in users with one of `roles` pass: anonymous → 401, other roles → 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(new UnauthorizedError());
    if (!roles.includes(req.user.role)) {
      return next(
        new ForbiddenError(`This needs the role ${roles.join(" or ")}; you are signed in as ${req.user.role}`, {
          code: "wrong_role",
          params: { roles: roles.join(", "), role: req.user.role },
        }),
      );
    }
    next();
  };
}
