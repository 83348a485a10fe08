import type { Request, RequestHandler, Response } from "express";
import type { Knex } from "knex";
import { http, idParam, parse, versionParam } from "./http.js";
import type { z } from "zod";
import { findAudit } from "../db/audit.js";
import type { ReferenceData } from "../db/reference.js";
import { roles } from "../db/users.js";
import { ValidationError, fromZodError } from "../errors.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../middleware/auth.js";
import {
  buildingCreate, buildingPatch, compoundCreate, compoundPatch, gateCreate, gatePatch, itemCreate, itemPatch,
  signInBody, statusChange, userCreate, userPatch,
} from "../schemas/bodies.js";
import { QueryReader } from "../schemas/query.js";
import { SESSION_TTL_HOURS, TooManyAttemptsError, changeUser, createUser, listUsers, signIn, signOut } from "../services/auth.js";
import { readCompound } from "../services/compounds.js";
import {
  BUILDING, COMPOUND, GATE, ITEM, changeStatus, createEntity, deleteEntity, updateEntity, type EntitySpec,
} from "../services/editing.js";
import { compoundOf } from "../db/editing.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCrs } from "../import/crs.js";
import { importInventory } from "../import/inventory.js";
import { importFile, isOsmFile } from "../import/run.js";
import { readTable } from "../import/table.js";

const actorOf = (req: Request) => ({ id: req.user!.id, name: req.user!.name });

export function createWriteHandlers({ knex, reference }: { knex: Knex; reference: ReferenceData }) {
  const costs = reference.costs;
  const sendCompound = async (res: Response, id: number, status = 200) => {
    res.status(status).type("application/geo+json").send(JSON.stringify(await readCompound(knex, id, { internal: true })));
  };

  const create = (spec: EntitySpec, schema: z.ZodType, nested: boolean) => http(async (req, res) => {
    const body = parse(schema, req.body) as Record<string, unknown>;
    const parentId = nested ? idParam(req) : undefined;
    const id = await createEntity(knex, actorOf(req), spec, body, { parentId, costs });
    await sendCompound(res, parentId ?? id, 201);
  });
  const update = (spec: EntitySpec, schema: z.ZodType) => http(async (req, res) => {
    const id = idParam(req);
    const body = parse(schema, req.body) as Record<string, unknown> & { version: number };
    await updateEntity(knex, actorOf(req), spec, id, body, costs);
    await sendCompound(res, spec === COMPOUND ? id : (await compoundOf(knex, spec.table as "gates", id))!);
  });
  const remove = (spec: EntitySpec) => http(async (req, res) => {
    const id = idParam(req);
    const version = versionParam(req);
    const parent = spec === COMPOUND ? undefined : await compoundOf(knex, spec.table as "gates", id);
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
          httpOnly: true, sameSite: "lax", secure: req.secure, path: "/", maxAge: SESSION_TTL_HOURS * 3600_000,
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

    listUsers: http(async (_req, res) => { res.json({ users: await listUsers(knex), roles }); }),
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

    /** Upload a file as the raw request body: ?filename=x.csv|x.xlsx|x.osm|x.osm.pbf&crs=&dry_run=true */
    importUpload: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const fileName = q.string("filename", { maxLength: 200 });
      const crsText = q.string("crs", { maxLength: 20 });
      const dryRun = q.enumList("dry_run", ["true", "false"] as const)?.[0] === "true";
      const replace = q.enumList("replace", ["true", "false"] as const)?.[0] === "true";
      if (!fileName || !/\.(csv|xlsx|osm|pbf)$/i.test(fileName)) q.fail("filename", "give the file's name, ending in .csv, .xlsx, .osm or .osm.pbf");
      q.done();
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new ValidationError([{ name: "(body)", reason: "send the file itself as the request body" }]);
      const crs = parseCrs(crsText ?? "wgs84");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-import-"));
      const file = path.join(dir, path.basename(fileName!));
      try {
        fs.writeFileSync(file, req.body);
        if (isOsmFile(file)) {
          res.json(await importFile(knex, actorOf(req), file, { crs, dryRun, replace }));
        } else {
          const plan = await importInventory(knex, actorOf(req), await readTable(file), { crs, dryRun, fileName: path.basename(file) });
          res.json({ file: path.basename(file), dryRun, ...plan });
        }
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
        beforeId: q.int("before_id", { min: 1, max: 2 ** 31 }),
        limit: q.int("limit", { min: 1, max: 500 }) ?? 100,
      };
      for (const k of ["since", "until"] as const) {
        if (filter[k] && Number.isNaN(Date.parse(filter[k]!))) q.fail(k, "expected an ISO date or time, e.g. 2025-06-01");
      }
      q.done();
      const { rows, hasMore } = await findAudit(knex, filter);
      res.json({ entries: rows, nextBeforeId: hasMore ? rows[rows.length - 1].id : null });
    }),
  };
}
