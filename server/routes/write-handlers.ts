import type { Request, Response } from "express";
import type { Knex } from "knex";
import { http, idParam, parse, versionParam } from "./http.js";
import type { z } from "zod";
import type { ReferenceData } from "../db/reference.js";
import { roles } from "../schemas/users.js";
import { AppError, ValidationError } from "../errors.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../middleware/auth.js";
import {
  buildingCreate,
  buildingPatch,
  compoundCreate,
  compoundPatch,
  gateCreate,
  gatePatch,
  itemCreate,
  itemPatch,
  signInBody,
  statusChange,
  userCreate,
  userPatch,
} from "../schemas/bodies.js";
import { MAX_INT4 } from "../schemas/primitives.js";
import { QueryReader } from "../schemas/query.js";
import { SESSION_TTL_HOURS, TooManyAttemptsError, changeUser, createUser, listUsers, signIn, signOut } from "../services/auth.js";
import { readCompound } from "../services/compounds.js";
import {
  BUILDING,
  COMPOUND,
  GATE,
  ITEM,
  changeStatus,
  createEntity,
  deleteEntity,
  parentCompound,
  updateEntity,
  type EntitySpec,
} from "../services/editing.js";
import { auditLog } from "../services/audit.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseCrs, type Crs } from "../import/crs.js";
import { runImport } from "../import/run.js";

const actorOf = (req: Request) => ({ id: req.user!.id, name: req.user!.name });

/** Largest upload accepted (an OSM extract of a province is ~100 MB as PBF). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const tooLarge = () =>
  new AppError(
    413,
    "/problems/too-large",
    "File too large",
    `Uploads are at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; import larger files with npm run import on the server.`,
  );

function tryCrs(q: QueryReader, text: string): Crs | undefined {
  try {
    return parseCrs(text);
  } catch (err) {
    if (err instanceof ValidationError) for (const e of err.errors) q.fail(e.name, e.reason);
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

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a handler factory returning the object of write route handlers
export function createWriteHandlers({ knex, reference }: { knex: Knex; reference: ReferenceData }) {
  const costs = reference.costs;
  const sendCompound = async (res: Response, id: number, status = 200) => {
    res
      .status(status)
      .type("application/geo+json")
      .send(JSON.stringify(await readCompound(knex, id, { internal: true })));
  };

  const create = (spec: EntitySpec, schema: z.ZodType, nested: boolean) =>
    http(async (req, res) => {
      const body = parse(schema, req.body) as Record<string, unknown>;
      const parentId = nested ? idParam(req) : undefined;
      const id = await createEntity(knex, actorOf(req), spec, body, { parentId, costs });
      await sendCompound(res, parentId ?? id, 201);
    });
  const update = (spec: EntitySpec, schema: z.ZodType) =>
    http(async (req, res) => {
      const id = idParam(req);
      const body = parse(schema, req.body) as Record<string, unknown> & { version: number };
      await updateEntity(knex, actorOf(req), spec, id, body, costs);
      await sendCompound(res, spec === COMPOUND ? id : (await parentCompound(knex, spec.table as "gates", id))!);
    });
  const remove = (spec: EntitySpec) =>
    http(async (req, res) => {
      const id = idParam(req);
      const version = versionParam(req);
      const parent = spec === COMPOUND ? undefined : await parentCompound(knex, spec.table as "gates", id);
      await deleteEntity(knex, actorOf(req), spec, id, version);
      if (parent) await sendCompound(res, parent);
      else res.status(204).end();
    });

  return {
    session: http(async (req, res) => {
      res.json({ user: req.user ?? null, csrfToken: req.csrfToken ?? null, csrfHeader: CSRF_HEADER });
    }),
    signIn: http(async (req, res) => {
      const { name, password } = parse(signInBody, req.body);
      try {
        const s = await signIn(knex, name, password, req.ip ?? "unknown");
        res.cookie(SESSION_COOKIE, s.token, {
          httpOnly: true,
          sameSite: "lax",
          secure: req.secure,
          path: "/",
          maxAge: SESSION_TTL_HOURS * 3600_000,
        });
        res.json({ user: s.user, csrfToken: s.csrfToken, csrfHeader: CSRF_HEADER });
      } catch (err) {
        if (err instanceof TooManyAttemptsError) res.set("Retry-After", String(Math.ceil(err.retryAfterS)));
        throw err;
      }
    }),
    signOut: http(async (req, res) => {
      if (req.sessionToken) await signOut(knex, req.sessionToken);
      res.clearCookie(SESSION_COOKIE, { path: "/" });
      res.status(204).end();
    }),

    listUsers: http(async (_req, res) => {
      res.json({ users: await listUsers(knex), roles });
    }),
    createUser: http(async (req, res) => {
      res.status(201).json(await createUser(knex, actorOf(req), parse(userCreate, req.body)));
    }),
    updateUser: http(async (req, res) => {
      const { version, ...patch } = parse(userPatch, req.body);
      res.json(await changeUser(knex, actorOf(req), idParam(req), version, patch));
    }),

    createCompound: create(COMPOUND, compoundCreate, false),
    updateCompound: update(COMPOUND, compoundPatch),
    deleteCompound: remove(COMPOUND),
    changeStatus: http(async (req, res) => {
      const id = idParam(req);
      await changeStatus(knex, actorOf(req), id, parse(statusChange, req.body), costs);
      await sendCompound(res, id);
    }),
    createGate: create(GATE, gateCreate, true),
    updateGate: update(GATE, gatePatch),
    deleteGate: remove(GATE),
    createBuilding: create(BUILDING, buildingCreate, true),
    updateBuilding: update(BUILDING, buildingPatch),
    deleteBuilding: remove(BUILDING),
    createItem: create(ITEM, itemCreate, true),
    updateItem: update(ITEM, itemPatch),
    deleteItem: remove(ITEM),

    /**
     * Upload a file as the raw request body: ?filename=x.csv|x.xlsx|x.osm|x.osm.pbf&crs=&dry_run=true.
     * The body streams to a temporary file (at most 200 MB) and is parsed in a worker thread.
     */
    importUpload: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const fileName = q.string("filename", { maxLength: 200 });
      const crsText = q.string("crs", { maxLength: 20 });
      const dryRun = q.enumList("dry_run", ["true", "false"] as const)?.[0] === "true";
      const replace = q.enumList("replace", ["true", "false"] as const)?.[0] === "true";
      if (!fileName || !/\.(csv|xlsx|osm|osm\.gz|pbf)$/i.test(fileName) || /[/\\]/.test(fileName)) {
        q.fail("filename", "give the file's name (no folders), ending in .csv, .xlsx, .osm, .osm.gz or .osm.pbf");
      }
      const crs = crsText === undefined ? undefined : tryCrs(q, crsText);
      q.done();
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (declared > MAX_UPLOAD_BYTES) throw tooLarge();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-import-"));
      const file = path.join(dir, fileName!);
      try {
        const bytes = await saveBody(req, file);
        if (bytes === 0) throw new ValidationError([{ name: "(body)", reason: "send the file itself as the request body" }]);
        res.json(await runImport(knex, actorOf(req), file, { crs, dryRun, replace, fileName: fileName! }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),

    audit: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = {
        entity: q.enumList("entity", ["compound", "gate", "building", "renovation_item", "user", "session", "import", "scenario", "cluster"])?.[0],
        entityId: q.string("entity_id", { maxLength: 40 }),
        user: q.string("user", { maxLength: 100 }),
        action: q.enumList("action", ["create", "update", "delete", "import", "login"] as const),
        since: q.string("since", { maxLength: 40 }),
        until: q.string("until", { maxLength: 40 }),
        beforeId: q.int("before_id", { min: 1, max: MAX_INT4 }),
        limit: q.int("limit", { min: 1, max: 500 }) ?? 100,
      };
      for (const k of ["since", "until"] as const) {
        const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
        if (filter[k] && (!iso.test(filter[k]!) || Number.isNaN(Date.parse(filter[k]!))))
          q.fail(k, "expected an ISO date or time, e.g. 2025-06-01 or 2025-06-01T08:00Z");
      }
      q.done();
      const { rows, hasMore } = await auditLog(knex, filter);
      res.json({ entries: rows, nextBeforeId: hasMore ? rows[rows.length - 1].id : null });
    }),
  };
}
