import type request from "supertest";
import { expect } from "vitest";

/**
 * The answer is an RFC 9457 problem+json with this status; with `field`, one of its errors names
 * that field and the detail mentions it.
 */
export function expectProblem(res: request.Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  if (field) {
    expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(field);
    expect(res.body.detail).toContain(field);
  }
}
