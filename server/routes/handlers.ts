import type { Request } from "express";
import type { Knex } from "knex";
import { http } from "./http.js";
import { listAmenities } from "../services/amenities.js";
import { layerFeatures, type LayerName } from "../services/layers.js";
import { compoundStatuses, statusTransitions } from "../schemas/compounds.js";
import { databasePostgisVersion } from "../services/health.js";
import type { ReferenceData } from "../db/reference.js";
import { renovationProgress } from "../services/stats.js";
import { ValidationError } from "../errors.js";
import { QueryReader, decodeCursor } from "../schemas/query.js";
import { tierCodes } from "../schemas/reference.js";
import { compoundAdjacency, listCompounds, readCompound } from "../services/compounds.js";
import type { WalkGraphService } from "../services/network.js";
import { EXPORT_FORMATS, EXPORT_LAYERS, exportLayer, type ExportFormat, type ExportLayer } from "../services/export.js";
import type { DatabaseKind } from "../db/connect.js";
import type { CachedAnswer, ResponseCache } from "./response-cache.js";

export interface HandlerDeps {
  knex: Knex;
  databaseKind: DatabaseKind;
  reference: ReferenceData;
  walkGraph: WalkGraphService;
  clientConfig: { basemapStyleUrl?: string };
  /** Public reads, built once per data version (see response-cache.ts). */
  cache: ResponseCache;
}

/** The cache key of a read: its path, its checked parameters, and whether internal fields show. */
export const cacheKey = (req: Request, params: unknown = {}) => `${req.baseUrl}${req.path}|${req.user ? "internal" : "public"}|${JSON.stringify(params)}`;

const json = (value: unknown, type = "application/json"): CachedAnswer => ({ body: Buffer.from(JSON.stringify(value)), type });

const GEOJSON = "application/geo+json";

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: a handler factory returning the object of read route handlers
export function createHandlers({ knex, databaseKind, reference, walkGraph, clientConfig, cache }: HandlerDeps) {
  const categoryCodes = reference.standards.categories.map((c) => c.code);
  // Read once: health answers without a query, so it answers while the database is busy.
  let postgis: Promise<string> | undefined;
  // Only the server can interrupt a statement; the embedded database's single session cannot.
  const cancellable = (signal: AbortSignal) => (databaseKind === "server" ? signal : undefined);
  return {
    health: http(async (_req, res) => {
      postgis ??= databasePostgisVersion(knex).catch((err) => {
        postgis = undefined;
        throw err;
      });
      res.json({ status: "ok", database: databaseKind, postgis: await postgis });
    }),

    listCompounds: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const query = {
        ...readCompoundFilters(q),
        limit: q.int("limit", { min: 1, max: 5000 }) ?? 1000,
        afterId: decodeCursor(q, "cursor"),
      };
      q.done();
      await cache.send(req, res, cacheKey(req, query), async () => {
        const fc = await listCompounds(knex, query, { internal: Boolean(req.user) });
        const links = fc.next ? { next: nextLink(req, fc.next) } : {};
        return json({ ...fc, links }, GEOJSON);
      });
    }),

    /** Neighbouring compounds for 连片 clusters: `distance_m` 0–500 and `street_m` 0–200 (defaults from geodata/clusters.json). */
    compoundAdjacency: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const distanceM = q.int("distance_m", { min: 0, max: 500 }) ?? reference.clusters.adjacencyM;
      const streetM = q.int("street_m", { min: 0, max: 200 }) ?? reference.clusters.streetFrontM;
      q.done();
      await cache.send(req, res, cacheKey(req, { distanceM, streetM }), async (signal) =>
        json(await compoundAdjacency(knex, { distanceM, streetM }, cancellable(signal))),
      );
    }),

    readCompound: http(async (req, res) => {
      const id = Number(req.params.id);
      if (!/^\d{1,9}$/.test(String(req.params.id)) || id < 1) {
        throw new ValidationError([{ name: "id", reason: `expected a positive integer compound id, got "${req.params.id}"` }]);
      }
      await cache.send(req, res, cacheKey(req), async () => json(await readCompound(knex, id, { internal: Boolean(req.user) }), GEOJSON));
    }),

    listAmenities: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = { bbox: q.bbox("bbox"), category: q.enumList("category", categoryCodes) };
      q.done();
      await cache.send(req, res, cacheKey(req, filter), async () => {
        const features = await listAmenities(knex, filter);
        return json({ type: "FeatureCollection", numberReturned: features.length, features }, GEOJSON);
      });
    }),

    /** A plain map layer (streets, water, buildings, gates, subdistricts, communities), `bbox` optional. */
    layer: (name: LayerName) =>
      http(async (req, res) => {
        const q = new QueryReader(req.query as Record<string, unknown>);
        const bbox = q.bbox("bbox");
        q.done();
        await cache.send(req, res, cacheKey(req, { bbox }), async () => {
          const features = await layerFeatures(knex, name, bbox);
          return json({ type: "FeatureCollection", numberReturned: features.length, features }, GEOJSON);
        });
      }),

    config: http((_req, res) => {
      res.json({ basemapStyleUrl: clientConfig.basemapStyleUrl ?? null });
    }),

    standards: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json(reference.standards));
    }),
    costs: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json(reference.costs));
    }),
    /** The renovation statuses in order and where a compound may go from each (the editor offers those). */
    compoundStatuses: http(async (req, res) => {
      await cache.send(req, res, cacheKey(req), async () => json({ statuses: compoundStatuses, transitions: statusTransitions }));
    }),

    progress: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => json(await renovationProgress(knex)));
    }),

    export: http(async (req, res) => {
      const m = /^(\w+)\.(\w+)$/.exec(String(req.params.file));
      const layer = m?.[1] as ExportLayer | undefined;
      const format = m?.[2] as ExportFormat | undefined;
      if (!layer || !EXPORT_LAYERS.includes(layer) || !format || !EXPORT_FORMATS.includes(format)) {
        throw new ValidationError([
          { name: "file", reason: `expected one of ${EXPORT_LAYERS.flatMap((l) => EXPORT_FORMATS.map((f) => `${l}.${f}`)).join(", ")}` },
        ]);
      }
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filters = readCompoundFilters(q);
      q.done();
      // The file name carries the day it was made: a new day is a new answer.
      await cache.send(req, res, cacheKey(req, { ...filters, day: new Date().toISOString().slice(0, 10) }), async () => {
        const file = await exportLayer(knex, layer, format, filters, { internal: Boolean(req.user) });
        return { body: file.body, type: file.contentType, fileName: file.fileName };
      });
    }),

    walkNetwork: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => {
        const graph = await walkGraph.get();
        return {
          body: Buffer.from(graph.body.buffer, graph.body.byteOffset, graph.body.byteLength),
          type: "application/octet-stream",
          headers: { "X-Node-Count": String(graph.nodeCount), "X-Edge-Count": String(graph.edgeCount) },
        };
      });
    }),

    /** Pieces of the walk network the main network does not reach, and the interior edges left out. */
    walkNetworkReport: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => json((await walkGraph.get()).report));
    }),
  };
}

/** The compound filters shared by the list and the exports. */
function readCompoundFilters(q: QueryReader) {
  return {
    bbox: q.bbox("bbox"),
    status: q.enumList("status", compoundStatuses),
    planYear: q.intList("plan_year", { min: 2000, max: 2100 }),
    tier: q.enumList("tier", tierCodes),
    subdistrict: q.string("subdistrict", { maxLength: 100 }),
  };
}

function nextLink(req: Request, cursor: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== "cursor" && typeof v === "string") params.set(k, v);
  params.set("cursor", cursor);
  return `${req.baseUrl}${req.path}?${params.toString()}`;
}
