import type { ErrorRequestHandler, RequestHandler } from "express";
import { randomUUID } from "node:crypto";
import type { ZodError } from "zod";
import { FIELD_CODES, PROBLEM_CODES, type FieldCode, type FieldProblem, type ProblemCode, type ProblemParams } from "./schemas/problems.js";

/**
 * One problem with one input field, e.g. `{ name: "bbox", reason: "expected four numbers" }`; with
 * a `code` (server/schemas/problems.ts) and its `params` the web app says it in the UI's language.
 */
export type FieldError = FieldProblem;

/** The problem code of a type URI: `/problems/not-found` → `not_found` (when that is a listed code). */
function codeOfType(type: string): ProblemCode {
  const code = type.replace(/^\/problems\//, "").replaceAll("-", "_");
  return (PROBLEM_CODES as readonly string[]).includes(code) ? (code as ProblemCode) : "bad_request";
}

/** A problem's code and its parameters, for errors more specific than their class's default. */
export interface ProblemCodeOf {
  code: ProblemCode;
  params?: ProblemParams;
}

/** An error with an HTTP status, written as application/problem+json (RFC 9457). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldError[] = [],
    /** Extension members of the problem body (RFC 9457 §3.2), e.g. an import's `file` and `problems`. */
    readonly extensions: Record<string, unknown> = {},
    /** The machine code (default: from the type, `/problems/not-found` → `not_found`) and its parameters. */
    readonly problem: ProblemCodeOf = { code: codeOfType(type) },
  ) {
    super(detail ?? title);
  }

  get code(): ProblemCode {
    return this.problem.code;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[]) {
    const detail = errors.map((e) => `${e.name}: ${e.reason}`).join("; ");
    super(400, "/problems/validation", "Invalid request parameters", detail, errors);
  }
}

export class NotFoundError extends AppError {
  /** `what` like "Compound 12": the params name the entity (`compound`) and the id. */
  constructor(what: string) {
    const m = /^(\S+) (\d+)$/.exec(what);
    const params: ProblemParams = m ? { entity: m[1].toLowerCase(), id: Number(m[2]) } : { entity: what };
    super(404, "/problems/not-found", "Not found", `${what} does not exist`, [], {}, { code: "not_found", params });
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, problem: ProblemCodeOf = { code: "conflict" }) {
    super(409, "/problems/conflict", "Conflict", detail, [], {}, problem);
  }
}

/** Someone else changed the row since `sent` (optimistic locking): 409 `version_conflict`. */
export class VersionConflictError extends ConflictError {
  constructor(entity: string, id: number, version: number, sent: number) {
    super(`${entity} ${id} was changed by someone else: it is at version ${version}, you sent ${sent}. Reload and try again.`, {
      code: "version_conflict",
      params: { entity, id, version, sent },
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = "You do not have permission to do this", problem: ProblemCodeOf = { code: "forbidden" }) {
    super(403, "/problems/forbidden", "Forbidden", detail, [], {}, problem);
  }
}

/** Turn zod issues into field errors with readable paths like `features[0].geometry`. */
export function fromZodError(error: ZodError, prefix = ""): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => {
      let name = prefix;
      for (const key of issue.path) {
        name += typeof key === "number" ? `[${key}]` : name ? `.${String(key)}` : String(key);
      }
      return { name: name || "(body)", reason: issue.message, ...zodIssueCode(issue) };
    }),
  );
}

/**
 * A zod issue's code and the parameters its message needs (arrays joined with ", "). A refinement
 * names its own code with `ctx.addIssue({ code: "custom", message, params: { code: "text_nul" } })`;
 * one that names none gets no code (its English message is all there is to say).
 */
function zodIssueCode(issue: ZodError["issues"][number]): { code?: FieldCode; params?: ProblemParams } {
  const raw = issue as unknown as Record<string, unknown>;
  const own = issue.code === "custom" ? (raw.params as { code?: unknown; [k: string]: unknown } | undefined) : undefined;
  const code = issue.code === "custom" ? own?.code : issue.code;
  if (code === undefined) return {};
  const field: FieldCode = (FIELD_CODES as readonly string[]).includes(String(code)) ? (code as FieldCode) : "invalid";
  const params: ProblemParams = {};
  const source = own ?? raw;
  for (const key of ["minimum", "maximum", "origin", "inclusive", "expected", "format", "values", "keys", "divisor", "at", "limit", "value"]) {
    const v = source[key];
    if (typeof v === "string" || typeof v === "number") params[key] = v;
    else if (typeof v === "bigint") params[key] = Number(v);
    else if (typeof v === "boolean") params[key] = String(v);
    else if (Array.isArray(v)) params[key] = v.map(String).join(", ");
  }
  return Object.keys(params).length ? { code: field, params } : { code: field };
}

function sendProblem(res: Parameters<RequestHandler>[1], body: Record<string, unknown>, status: number) {
  res.status(status).type("application/problem+json").send(JSON.stringify(body));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(
    res,
    {
      type: "/problems/not-found",
      title: "Not found",
      status: 404,
      detail: `No route for ${req.method} ${req.path}`,
      code: "route_not_found",
      params: { method: req.method, path: req.baseUrl + req.path },
    },
    404,
  );
};

/** The one place errors become responses. Unknown errors are 500s with a log id, no internals. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof AppError) {
    sendProblem(
      res,
      {
        type: err.type,
        title: err.title,
        status: err.status,
        detail: err.detail,
        code: err.problem.code,
        ...(err.problem.params ? { params: err.problem.params } : {}),
        ...(err.errors.length ? { errors: err.errors } : {}),
        ...err.extensions,
      },
      err.status,
    );
    return;
  }
  // A database constraint caught what validation did not: name the constraint, never a 500.
  const pgCode = typeof err?.code === "string" ? err.code : undefined;
  if (pgCode === "23514" || pgCode === "23503" || pgCode === "23505" || pgCode === "22P02") {
    const constraint = err.constraint ?? /constraint "([^"]+)"/.exec(String(err.message))?.[1] ?? "a constraint";
    const status = pgCode === "23505" ? 409 : 400;
    sendProblem(
      res,
      {
        type: "/problems/constraint",
        title: status === 409 ? "Conflict" : "Invalid data",
        status,
        detail: pgCode === "23503" ? `Refers to something that does not exist (${constraint})` : `Rejected by ${constraint}`,
        code: "constraint",
        params: { constraint },
        errors: [{ name: constraint, reason: String(err.detail ?? err.message).slice(0, 300), code: "invalid" }],
      },
      status,
    );
    return;
  }
  // body-parser and friends set `status` on client errors (bad JSON, too large).
  const status = typeof err?.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status < 500) {
    const code: ProblemCode = status === 413 ? "payload_too_large" : "bad_request";
    sendProblem(res, { type: "/problems/bad-request", title: "Bad request", status, detail: String(err.message), code }, status);
    return;
  }
  const logId = randomUUID();
  console.error(`[${logId}] ${req.method} ${req.originalUrl}`, err);
  sendProblem(
    res,
    {
      type: "/problems/internal",
      title: "Internal server error",
      status: 500,
      detail: `Something went wrong on our side. Quote log id ${logId} when reporting it.`,
      code: "internal",
      params: { logId },
      logId,
    },
    500,
  );
};
