import type { FieldProblem, ProblemCode, ProblemParams } from "../../../server/schemas/problems";

/** The title of the ApiError of a request that never got an answer (client.ts). */
export const NETWORK_ERROR = "Network error";

/** A catalogue lookup of a key made at run time (useI18n().lookup): undefined when the key is missing. */
export type Lookup = (key: string, vars?: Record<string, string | number>) => string | undefined;

/** Where an entity's status names live in the catalogue (a status move's `from`, `to` and `next`). */
const STATUS_KEYS: Record<string, string> = { compound: "status", renovation_item: "item.status" };

/**
 * Params in the UI's language: an `entity` ("compound") by `err.entity.<entity>`; a status move's
 * `from`, `to` and `next` (comma-separated) by the entity's status names.
 */
function localParams(lookup: Lookup, params: ProblemParams | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = { ...params };
  const statusKey = typeof out.entity === "string" ? STATUS_KEYS[out.entity] : undefined;
  if (statusKey) {
    const name = (code: string) => lookup(`${statusKey}.${code}`) ?? code;
    for (const k of ["from", "to"]) if (typeof out[k] === "string") out[k] = name(out[k] as string);
    if (typeof out.next === "string")
      out.next = out.next
        ? out.next
            .split(",")
            .map(name)
            .join(lookup("err.list_separator") ?? ", ")
        : (lookup("err.next_none") ?? "");
  }
  if (typeof out.entity === "string") out.entity = lookup(`err.entity.${out.entity}`) ?? out.entity;
  return out;
}

/**
 * What went wrong, in the UI's language: the catalogue's `err.<code>` with the problem's params;
 * the server's English detail only when the catalogue has no entry for the code (or there is none).
 */
export function problemText(lookup: Lookup, error: { status: number; title: string; detail?: string; code?: ProblemCode; params?: ProblemParams }): string {
  // fetch() itself failed (client.ts names it "Network error"); other status-0 errors are the app's own.
  if (error.status === 0 && error.title === NETWORK_ERROR) return lookup("err.network") ?? error.detail ?? error.title;
  const text = error.code ? lookup(`err.${error.code}`, localParams(lookup, error.params)) : undefined;
  return text ?? error.detail ?? error.title;
}

/**
 * A field's name in the UI's language: `field.<name>`, else `field.<last part>` with the path, else
 * the path as sent. An import's places (server/import/errors.ts problemName) are said as such:
 * "row 3: households" by `err.importRow`, "byte 1024" by `err.importByte`.
 */
export function fieldLabel(lookup: Lookup, name: string): string {
  const row = /^row (\d+): (.+)$/.exec(name);
  if (row) return lookup("err.importRow", { row: row[1], field: fieldLabel(lookup, row[2]) }) ?? name;
  const byte = /^byte (\d+)$/.exec(name);
  if (byte) return lookup("err.importByte", { offset: byte[1] }) ?? name;
  const whole = lookup(`field.${name}`);
  if (whole) return whole;
  const leaf = /([A-Za-z]\w*)(?:\[\d+\])*$/.exec(name)?.[1];
  const label = leaf ? lookup(`field.${leaf}`) : undefined;
  return label ? `${label} (${name})` : name;
}

/**
 * One field error in the UI's language: its rule from `err.field.<code>.<origin>` or `err.field.<code>`
 * with its params, else the server's English reason (a code the catalogue lacks, or none).
 */
export function fieldProblemText(lookup: Lookup, e: FieldProblem): { field: string; reason: string } {
  let reason: string | undefined;
  if (e.code) {
    const params = localParams(lookup, e.params);
    const origin = typeof params.origin === "string" ? params.origin : undefined;
    const exclusive = params.inclusive === "false" ? "_exclusive" : "";
    reason =
      (origin && lookup(`err.field.${e.code}.${origin}${exclusive}`, params)) ||
      (origin && lookup(`err.field.${e.code}.${origin}`, params)) ||
      lookup(`err.field.${e.code}`, params);
  }
  return { field: fieldLabel(lookup, e.name), reason: reason ?? e.reason };
}
