import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request } from "express";
import { AppError, ValidationError } from "../errors.js";
import { type Crs, parseCrs } from "../import/crs.js";
import { runImport } from "../import/run.js";
import { QueryReader } from "../schemas/query.js";
import { actorOf, type HandlerDeps, http } from "./http.js";

// Imports (admins only): an inventory (CSV, XLSX) or an OpenStreetMap extract uploaded as the body.

/** Largest upload accepted (an OSM extract of a province is ~100 MB as PBF). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const tooLarge = () =>
  new AppError(
    413,
    "/problems/too-large",
    "File too large",
    `Uploads are at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; import larger files with npm run import on the server.`,
    [],
    {},
    { code: "too_large", params: { megabytes: MAX_UPLOAD_BYTES / 1024 / 1024 } },
  );

function tryCrs(q: QueryReader, text: string): Crs | undefined {
  try {
    return parseCrs(text);
  } catch (err) {
    if (err instanceof ValidationError) for (const e of err.errors) q.fail(e.name, e.reason, e.code, e.params);
    return undefined;
  }
}

/** Stream the request body to `file`, stopping with 413 past the limit; returns the bytes written. */
async function saveBody(req: Request, file: string): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(bytes > MAX_UPLOAD_BYTES ? tooLarge() : null, chunk);
    },
  });
  await pipeline(req, limit, fs.createWriteStream(file));
  return bytes;
}

export function createImportHandlers({ knex }: HandlerDeps) {
  return {
    /**
     * Upload a file as the raw request body: ?filename=x.csv|x.xlsx|x.osm|x.osm.pbf&crs=&dry_run=true.
     * The body streams to a temporary file (at most 200 MB) and is parsed in a worker thread.
     */
    upload: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const fileName = q.string("filename", { maxLength: 200 });
      const crsText = q.string("crs", { maxLength: 20 });
      const dryRun = q.enumList("dry_run", ["true", "false"] as const)?.[0] === "true";
      const replace = q.enumList("replace", ["true", "false"] as const)?.[0] === "true";
      if (!fileName || !/\.(csv|xlsx|osm|osm\.gz|pbf)$/i.test(fileName) || /[/\\]/.test(fileName)) {
        q.fail("filename", "give the file's name (no folders), ending in .csv, .xlsx, .osm, .osm.gz or .osm.pbf", "invalid_format", { format: "filename" });
      }
      const crs = crsText === undefined ? undefined : tryCrs(q, crsText);
      q.done();
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (declared > MAX_UPLOAD_BYTES) throw tooLarge();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-import-"));
      const file = path.join(dir, fileName!);
      try {
        const bytes = await saveBody(req, file);
        if (bytes === 0) throw new ValidationError([{ name: "(body)", reason: "send the file itself as the request body", code: "required" }]);
        res.json(await runImport(knex, actorOf(req), file, { crs, dryRun, replace, fileName: fileName! }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
  };
}
