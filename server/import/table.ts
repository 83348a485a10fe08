import fs from "node:fs";
import path from "node:path";
import { ImportError } from "./errors.js";

/** A table read from a spreadsheet: header names and rows of cell text, with their sheet row numbers. */
export interface Table {
  headers: string[];
  rows: Array<{ row: number; cells: string[] }>;
}

/**
 * Decode CSV bytes: UTF-8 (with or without BOM), or GB18030/GBK as Excel on a Chinese Windows saves
 * "CSV" — chosen when the bytes are not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/** RFC 4180 CSV: quoted fields with "" escapes, CR/LF line ends, quoted newlines. */
export function parseCsv(text: string): Table {
  const records: Array<{ row: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      records.push({ row: recordLine, cells });
      cells = [];
      cell = "";
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length) {
    cells.push(cell);
    records.push({ row: recordLine, cells });
  }
  const nonEmpty = records.filter((r) => r.cells.some((c) => c.trim() !== ""));
  const [header, ...rows] = nonEmpty;
  return { headers: (header?.cells ?? []).map((h) => h.trim()), rows };
}

/** The first worksheet of an XLSX file (exceljs; not the `xlsx` package, see DESIGN.md). */
export async function readXlsx(file: string): Promise<Table> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  // An .xlsx workbook is a zip archive ("PK\3\4"); an old .xls or a CSV renamed is not.
  if (!head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new ImportError(
      [{ field: "file", reason: "not an Excel .xlsx workbook (it is not a zip archive); save it as .xlsx or .csv", code: "not_xlsx" }],
      path.basename(file),
    );
  }
  try {
    await wb.xlsx.readFile(file);
  } catch (err) {
    throw new ImportError(
      [{ field: "file", reason: `a damaged .xlsx workbook (${(err as Error).message})`, code: "unreadable_file", params: { value: (err as Error).message } }],
      path.basename(file),
    );
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new ImportError([{ field: "file", reason: "the workbook has no worksheet", code: "no_rows" }], path.basename(file));
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === "object") {
      const o = v as { text?: string; result?: unknown; richText?: Array<{ text: string }> };
      if (o.richText) return o.richText.map((r) => r.text).join("");
      if (o.text !== undefined) return String(o.text);
      if (o.result !== undefined) return text(o.result);
      return JSON.stringify(v);
    }
    return String(v);
  };
  const rows: Table["rows"] = [];
  let headers: string[] | undefined;
  ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const values = (r.values as unknown[]).slice(1).map(text);
    if (!headers) headers = values.map((h) => h.trim());
    else if (values.some((v) => v.trim() !== "")) rows.push({ row: rowNumber, cells: values });
  });
  return { headers: headers ?? [], rows };
}

/** Read a CSV or XLSX file by its extension. */
export async function readTable(file: string): Promise<Table> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv" || ext === ".txt") return parseCsv(decodeText(fs.readFileSync(file)));
  if (ext === ".xlsx") return readXlsx(file);
  throw new ImportError(
    [{ field: "file", reason: "expected a .csv or .xlsx file", code: "unsupported_file", params: { values: ".csv, .xlsx" } }],
    path.basename(file),
  );
}
