import { AppError } from "../errors.js";
import type { FieldCode, ProblemParams } from "../schemas/problems.js";

/** One problem in an import file: where (a sheet row, header = row 1; or a byte offset) and why. */
export interface ImportProblem {
  row?: number;
  /** Byte offset in the file (OSM XML and PBF readers). */
  offset?: number;
  /** The column or part of the file, e.g. "households" or "geometry". */
  field?: string;
  reason: string;
  /** The rule it breaks and its numbers, for the UI's language (server/schemas/problems.ts). */
  code?: FieldCode;
  params?: ProblemParams;
}

/** Where a problem is, as a field name of the problem body: "row 3: households", "byte 1024", "file". */
export function problemName(p: ImportProblem): string {
  if (p.row !== undefined) return `row ${p.row}: ${p.field ?? "(row)"}`;
  if (p.offset !== undefined) return `byte ${p.offset}`;
  return p.field ?? "file";
}

/**
 * The one error of every import reader and check (CSV, XLSX, OSM XML, OSM PBF): a 400 problem
 * naming the file and each problem's row or byte offset. All or nothing: nothing was written.
 */
export class ImportError extends AppError {
  constructor(
    readonly problems: ImportProblem[],
    readonly file?: string,
  ) {
    const where = (p: ImportProblem) =>
      p.row !== undefined ? `row ${p.row}, ${p.field ?? "row"}` : p.offset !== undefined ? `near byte ${p.offset}` : (p.field ?? "file");
    super(
      400,
      "/problems/import",
      "The file was not imported",
      `${file ? `${file}: ` : ""}${problems.length} problem(s); nothing was written. ${problems
        .slice(0, 5)
        .map((p) => `${where(p)}: ${p.reason}`)
        .join("; ")}`,
      problems.map((p) => ({ name: problemName(p), reason: p.reason, ...(p.code && { code: p.code }), ...(p.params && { params: p.params }) })),
      { file: file ?? null, problems },
    );
  }

  /** The same problems, said of the file `file` (readers throw before they know its user-facing name). */
  forFile(file: string): ImportError {
    return new ImportError(this.problems, file);
  }
}

/** A file that cannot be read at all (not the format it claims, cut short, corrupt). */
export function unreadable(reason: string, offset?: number): ImportError {
  return new ImportError([{ offset, field: offset === undefined ? "file" : undefined, reason, code: "unreadable_file", params: { value: reason } }]);
}
