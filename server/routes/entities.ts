import type { Response } from "express";
import type { z } from "zod";
import { readCompound } from "../services/compounds.js";
import { COMPOUND, createEntity, deleteEntity, type EntitySpec, parentCompound, updateEntity } from "../services/editing.js";
import { actorOf, type HandlerDeps, http, idParam, parse, versionParam } from "./http.js";

// Create, change and delete a compound or one of its parts (gate, building, renovation item):
// every write answers with the whole compound as the planner sees it, so the card redraws at once.

export function createEntityWrites({ knex, reference }: HandlerDeps) {
  const costs = reference.costs;
  const sendCompound = async (res: Response, id: number, status = 200) => {
    res
      .status(status)
      .type("application/geo+json")
      .send(JSON.stringify(await readCompound(knex, id, { internal: true })));
  };
  return {
    sendCompound,
    /** POST: a compound, or (`nested`) a part of the compound `:id`. */
    create: (spec: EntitySpec, schema: z.ZodType, nested: boolean) =>
      http(async (req, res) => {
        const body = parse(schema, req.body) as Record<string, unknown>;
        const parentId = nested ? idParam(req) : undefined;
        const id = await createEntity(knex, actorOf(req), spec, body, { parentId, costs });
        await sendCompound(res, parentId ?? id, 201);
      }),
    /** PATCH `:id` with the version the client saw. */
    update: (spec: EntitySpec, schema: z.ZodType) =>
      http(async (req, res) => {
        const id = idParam(req);
        const body = parse(schema, req.body) as Record<string, unknown> & { version: number };
        await updateEntity(knex, actorOf(req), spec, id, body, costs);
        await sendCompound(res, spec === COMPOUND ? id : (await parentCompound(knex, spec.table as "gates", id))!);
      }),
    /** DELETE `:id?version=N`: a part answers with its compound, a compound with 204. */
    remove: (spec: EntitySpec) =>
      http(async (req, res) => {
        const id = idParam(req);
        const version = versionParam(req);
        const parent = spec === COMPOUND ? undefined : await parentCompound(knex, spec.table as "gates", id);
        await deleteEntity(knex, actorOf(req), spec, id, version);
        if (parent) await sendCompound(res, parent);
        else res.status(204).end();
      }),
  };
}
