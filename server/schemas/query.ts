import { ValidationError, type FieldError } from "../errors.js";
import { MAX_INT4, textProblem } from "./primitives.js";
import type { FieldCode, ProblemParams } from "./problems.js";

/** `[minLon, minLat, maxLon, maxLat]` in EPSG:4326. */
export type BBox = [number, number, number, number];

type Query = Record<string, unknown>;

/**
 * A small, strict reader for query strings: every getter records a field error instead of
 * throwing, and `done()` throws one ValidationError naming every bad or unknown parameter.
 */
export class QueryReader {
  private readonly errors: FieldError[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly query: Query) {}

  private raw(name: string): string | undefined {
    this.seen.add(name);
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.errors.push({ name, reason: "give this parameter once, as a single value", code: "invalid" });
      return undefined;
    }
    const problem = textProblem(value);
    if (problem) {
      this.errors.push({ name, reason: problem, code: value.includes("\u0000") ? "text_nul" : "text_surrogate" });
      return undefined;
    }
    return value.trim() === "" ? undefined : value.trim();
  }

  /** Record a problem with `name`; `code` and `params` (server/schemas/problems.ts) let the web app say it in its language. */
  fail(name: string, reason: string, code: FieldCode = "invalid", params?: ProblemParams): void {
    this.errors.push(params ? { name, reason, code, params } : { name, reason, code });
  }

  /** The field code of an integer that is not one, or out of [min, max]. */
  private static intProblem(text: string, n: number, min: number, max: number): [FieldCode, ProblemParams] | undefined {
    if (!/^\s*-?\d+\s*$/.test(text)) return ["invalid_type", { expected: "int" }];
    if (n < min) return ["too_small", { minimum: min, origin: "number" }];
    if (n > max) return ["too_big", { maximum: max, origin: "number" }];
    return undefined;
  }

  bbox(name = "bbox"): BBox | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parts = value.split(",");
    const nums = parts.map((p) => (p.trim() === "" ? NaN : Number(p)));
    if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
      this.fail(name, `expected four numbers minLon,minLat,maxLon,maxLat (EPSG:4326), got "${value}"`, "invalid_format", { format: "bbox" });
      return undefined;
    }
    const [minLon, minLat, maxLon, maxLat] = nums;
    if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
      this.fail(name, "longitudes must lie in [-180, 180] and latitudes in [-90, 90]", "invalid_format", { format: "bbox" });
      return undefined;
    }
    if (minLon > maxLon || minLat > maxLat) {
      this.fail(name, "minLon must not exceed maxLon, nor minLat maxLat", "invalid_format", { format: "bbox" });
      return undefined;
    }
    return [minLon, minLat, maxLon, maxLat];
  }

  int(name: string, opts: { min: number; max: number }): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    const max = Math.min(opts.max, MAX_INT4);
    const problem = QueryReader.intProblem(value, n, opts.min, max);
    if (problem) {
      this.fail(name, `expected an integer from ${opts.min} to ${max}, got "${value.slice(0, 40)}"`, ...problem);
      return undefined;
    }
    return n;
  }

  /** A comma-separated list of integers, e.g. `plan_year=2019,2020`. */
  intList(name: string, opts: { min: number; max: number }): number[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const out: number[] = [];
    for (const part of value.split(",")) {
      const n = Number(part);
      const problem = QueryReader.intProblem(part, n, opts.min, opts.max);
      if (problem) {
        this.fail(name, `expected integers from ${opts.min} to ${opts.max}, separated by commas; got "${part}"`, ...problem);
        return undefined;
      }
      out.push(n);
    }
    return out;
  }

  /** A comma-separated list of values from `allowed`, e.g. `status=planned,started`. */
  enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const out: T[] = [];
    for (const part of value.split(",").map((p) => p.trim())) {
      if (!(allowed as readonly string[]).includes(part)) {
        this.fail(name, `"${part}" is not one of ${allowed.join(", ")}`, "invalid_value", { values: allowed.join(", ") });
        return undefined;
      }
      out.push(part as T);
    }
    return out;
  }

  string(name: string, opts: { maxLength?: number } = {}): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && opts.maxLength && value.length > opts.maxLength) {
      this.fail(name, `must be at most ${opts.maxLength} characters`, "too_big", { maximum: opts.maxLength, origin: "string" });
      return undefined;
    }
    return value;
  }

  /** Throw a ValidationError listing every bad parameter, and any parameter nobody asked for. */
  done(): void {
    for (const name of Object.keys(this.query)) {
      if (!this.seen.has(name)) {
        this.errors.push({
          name,
          reason: `unknown parameter; expected one of ${[...this.seen].join(", ")}`,
          code: "unrecognized_keys",
          params: { keys: name, expected: [...this.seen].join(", ") },
        });
      }
    }
    if (this.errors.length) throw new ValidationError(this.errors);
  }
}

/** Opaque pagination cursors: base64url of the last id returned. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`id:${lastId}`).toString("base64url");
}

export function decodeCursor(reader: QueryReader, name = "cursor"): number | undefined {
  const value = reader.string(name, { maxLength: 64 });
  if (value === undefined) return undefined;
  const match = /^id:(\d{1,10})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!match || Number(match[1]) > MAX_INT4) {
    reader.fail(name, "not a cursor this API issued; use the `next` link of the previous page");
    return undefined;
  }
  return Number(match[1]);
}
