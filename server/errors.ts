import type { ErrorRequestHandler, RequestHandler } from "express";
import { randomUUID } from "node:crypto";
import type { ZodError } from "zod";

/** One problem with one input field, e.g. `{ name: "bbox", reason: "expected four numbers" }`. */
export interface FieldError {
  name: string;
  reason: string;
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
  ) {
    super(detail ?? title);
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[]) {
    const detail = errors.map((e) => `${e.name}: ${e.reason}`).join("; ");
    super(400, "/problems/validation", "Invalid request parameters", detail, errors);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, "/problems/not-found", "Not found", `${what} does not exist`);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, "/problems/conflict", "Conflict", detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = "You do not have permission to do this") {
    super(403, "/problems/forbidden", "Forbidden", detail);
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
      return { name: name || "(body)", reason: issue.message };
    }),
  );
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
        errors: [{ name: constraint, reason: String(err.detail ?? err.message).slice(0, 300) }],
      },
      status,
    );
    return;
  }
  // body-parser and friends set `status` on client errors (bad JSON, too large).
  const status = typeof err?.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status < 500) {
    sendProblem(res, { type: "/problems/bad-request", title: "Bad request", status, detail: String(err.message) }, status);
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
      logId,
    },
    500,
  );
};
