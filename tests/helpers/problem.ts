import type request from "supertest";
import { expect } from "vitest";
import { FIELD_CODES, PROBLEM_CODES } from "../../server/schemas/problems.js";

/**
 * The answer is an RFC 9457 problem+json with this status; with `field`, one of its errors names
 * that field and the detail mentions it. Its `code` is one of PROBLEM_CODES (server/schemas/problems.ts),
 * and each field error's `code`, when it has one, one of FIELD_CODES with `params` an object.
 */
export function expectProblem(res: request.Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  expect(PROBLEM_CODES).toContain(res.body.code);
  for (const e of res.body.errors ?? []) {
    if (e.code !== undefined) expect(FIELD_CODES).toContain(e.code);
    if (e.params !== undefined) expect(typeof e.params).toBe("object");
  }
  if (field) {
    expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(field);
    expect(res.body.detail).toContain(field);
  }
}
