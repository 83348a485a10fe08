// The machine codes of the API's problem bodies (RFC 9457 problem+json, server/errors.ts), the
// one list both sides use: the server sets them, the web app (`import type` only) renders each
// from its zh-CN / en catalogue (`err.<code>`, `err.field.<code>`) with the body's `params`.
// The English `detail` and `reason` stay for API clients. tests/unit/problem-codes.test.ts fails
// when a code here has no catalogue entry.

/** A problem's `code`: what went wrong, one per kind of answer. */
export const PROBLEM_CODES = [
  "validation",
  "not_found",
  "route_not_found",
  "conflict",
  "version_conflict",
  "status_transition",
  "no_item_can_move",
  "last_admin",
  "name_taken",
  "forbidden",
  "wrong_role",
  "not_owner",
  "csrf",
  "unauthorized",
  "sign_in_failed",
  "too_many_attempts",
  "too_many_messages",
  "plan_adopted",
  "plan_stale",
  "too_large",
  "payload_too_large",
  "bad_request",
  "constraint",
  "import",
  "acceptance",
  "internal",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * A field error's `code`. The first ones are zod's issue codes (with zod's parameters: `minimum`,
 * `maximum`, `origin`, `inclusive`, `expected`, `format`, `values`, `keys`, `divisor`); the rest
 * are raised by the services. `invalid` is any other rule, its English `reason` says which.
 */
export const FIELD_CODES = [
  "too_small",
  "too_big",
  "invalid_type",
  "invalid_format",
  "invalid_value",
  "unrecognized_keys",
  "not_multiple_of",
  "invalid_union",
  "invalid_key",
  "invalid_element",
  "invalid",
  "required",
  "invalid_id",
  "text_nul",
  "text_surrogate",
  "invalid_geometry",
  "unknown_subdistrict",
  "unknown_compound",
  "unknown_cluster",
  "in_other_cluster",
  "password_too_short",
  "password_too_long",
  "more_problems",
  "unit_required",
  "building_required",
  "unknown_building",
  "building_elsewhere",
  "unit_out_of_range",
  "outside_compound",
  "gate_off_boundary",
  "unknown_kind",
  "date_order",
  "exceeds",
  "too_few_surveyed",
  "below_threshold",
  "duplicate",
  "nothing_to_change",
  "not_allowed",
  "unknown_category",
  "unknown_amenity",
  "not_candidate",
  "plan_infeasible",
  "challenge_invalid",
  "challenge_expired",
  "challenge_used",
  "proof_wrong",
  "changed_twice",
  "outside_city",
  "not_of_compound",
  "invalid_date",
  "missing_column",
  "missing_geometry_column",
  "not_whole_number",
  "not_non_negative",
  "not_longitude",
  "not_latitude",
  "repeated_in_file",
  "no_rows",
  "outside_city_crs",
  "unknown_community",
  "unreadable_file",
  "unsupported_file",
  "not_xlsx",
] as const;
export type FieldCode = (typeof FIELD_CODES)[number];

/** Values a message may interpolate. */
export type ProblemParams = Record<string, string | number>;

/** One problem with one input field, e.g. `{ name: "households", reason: "Too small: expected number to be >=0", code: "too_small", params: { minimum: 0 } }`. */
export interface FieldProblem {
  name: string;
  reason: string;
  code?: FieldCode;
  params?: ProblemParams;
}

/** The members of a problem body the web app reads. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: ProblemCode;
  params?: ProblemParams;
  errors?: FieldProblem[];
}
