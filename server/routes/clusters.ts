import type { Request } from "express";
import { actorOf, cacheKey, type HandlerDeps, http, idParam, json, parse, versionParam } from "./http.js";
import { ValidationError } from "../errors.js";
import { clusterCreate, clusterPatch, clusterSheetBody } from "../schemas/bodies.js";
import { QueryReader } from "../schemas/query.js";
import {
  type ClusterEnv,
  clusterSheet,
  createCluster,
  deleteCluster,
  draftSheet,
  exportCluster,
  listClusters,
  readCluster,
  updateCluster,
} from "../services/clusters.js";

// 片区 clusters. Reading is public for clusters past draft (published fields only); signed-in
// users see every cluster and every field. Saving needs a planner or admin (the router puts
// requireRole in front); the sheet of an unsaved selection needs any sign-in.

const internal = (req: Request) => Boolean(req.user);
const EXPORT_FORMATS = ["geojson", "csv"] as const;

export function createClusterHandlers({ knex, reference, cache, walkGraph }: HandlerDeps) {
  const env: ClusterEnv = { reference, walkGraph: async () => (await walkGraph.get()).graph };
  return {
    /** The cluster rules (geodata/clusters.json): the planner clusters and checks by these. */
    rules: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json(reference.clusters));
    }),
    /** ?outline=true adds each cluster's outline. */
    list: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const outline = q.enumList("outline", ["true", "false"] as const)?.[0] === "true";
      q.done();
      await cache.send(req, res, cacheKey(req, { outline }), async () =>
        json({ clusters: await listClusters(knex, reference, { internal: internal(req), outline }) }),
      );
    }),
    read: http(async (req, res) => {
      const id = idParam(req);
      await cache.send(req, res, cacheKey(req), async () => json(await readCluster(knex, env, id, { internal: internal(req) })));
    }),
    create: http(async (req, res) => {
      const c = await createCluster(knex, actorOf(req), env, parse(clusterCreate, req.body));
      res.status(201).location(`/api/clusters/${c.id}`).json(c);
    }),
    update: http(async (req, res) => {
      const id = idParam(req);
      res.json(await updateCluster(knex, actorOf(req), env, id, parse(clusterPatch, req.body)));
    }),
    remove: http(async (req, res) => {
      const id = idParam(req);
      await deleteCluster(knex, actorOf(req), id, versionParam(req));
      res.status(204).end();
    }),
    sheet: http(async (req, res) => {
      const id = idParam(req);
      await cache.send(req, res, cacheKey(req), async () => json(await clusterSheet(knex, env, id, { internal: internal(req) })));
    }),
    /** The sheet of a selection being edited; computes only, writes nothing. */
    draftSheet: http(async (req, res) => {
      const body = parse(clusterSheetBody, req.body);
      res.json(await draftSheet(knex, env, body.memberIds, body.clusterId));
    }),
    /** GET /clusters/:id/export.geojson | export.csv */
    export: http(async (req, res) => {
      const id = idParam(req);
      const format = String(req.params.format) as (typeof EXPORT_FORMATS)[number];
      if (!EXPORT_FORMATS.includes(format)) {
        throw new ValidationError([
          {
            name: "format",
            reason: `expected export.${EXPORT_FORMATS.join(" or export.")}`,
            code: "invalid_value",
            params: { values: EXPORT_FORMATS.map((f) => `export.${f}`).join(", ") },
          },
        ]);
      }
      await cache.send(req, res, cacheKey(req), async () => {
        const file = await exportCluster(knex, env, id, format, { internal: internal(req) });
        return { body: Buffer.from(file.body), type: file.contentType, fileName: file.fileName };
      });
    }),
  };
}
