import type { Request } from "express";
import type { Knex } from "knex";
import { http } from "./http.js";
import { DEFAULT_ADJACENCY_M, DEFAULT_STREET_FRONT_M, findAdjacency } from "../db/adjacency.js";
import { findAmenities } from "../db/amenities.js";
import { findLayerFeatures, type LayerName } from "../db/layers.js";
import { compoundStatuses } from "../db/compounds.js";
import { postgisVersion } from "../db/meta.js";
import type { ReferenceData } from "../db/reference.js";
import { progressByYear } from "../db/stats.js";
import { ValidationError } from "../errors.js";
import { QueryReader, decodeCursor } from "../schemas/query.js";
import { tierCodes } from "../schemas/reference.js";
import { listCompounds, readCompound } from "../services/compounds.js";
import type { WalkGraphService } from "../services/network.js";
import { EXPORT_FORMATS, EXPORT_LAYERS, exportLayer, type ExportFormat, type ExportLayer } from "../services/export.js";
import type { DatabaseKind } from "../db/connect.js";

export interface HandlerDeps {
  knex: Knex;
  databaseKind: DatabaseKind;
  reference: ReferenceData;
  walkGraph: WalkGraphService;
  clientConfig: { basemapStyleUrl?: string };
}


const GEOJSON = "application/geo+json";

export function createHandlers({ knex, databaseKind, reference, walkGraph, clientConfig }: HandlerDeps) {
  const categoryCodes = reference.standards.categories.map((c) => c.code);
  return {
    health: http(async (_req, res) => {
      res.json({ status: "ok", database: databaseKind, postgis: await postgisVersion(knex) });
    }),

    listCompounds: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const query = {
        ...readCompoundFilters(q),
        limit: q.int("limit", { min: 1, max: 5000 }) ?? 1000,
        afterId: decodeCursor(q, "cursor"),
      };
      q.done();
      const fc = await listCompounds(knex, query, { internal: Boolean(req.user) });
      const links = fc.next ? { next: nextLink(req, fc.next) } : {};
      res.type(GEOJSON).send(JSON.stringify({ ...fc, links }));
    }),

    /** Neighbouring compounds for 连片 clusters: `distance_m` 0–500 and `street_m` 0–200 (defaults from geodata/clusters.json). */
    compoundAdjacency: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const distanceM = q.int("distance_m", { min: 0, max: 500 }) ?? reference.clusters?.adjacencyM ?? DEFAULT_ADJACENCY_M;
      const streetM = q.int("street_m", { min: 0, max: 200 }) ?? reference.clusters?.streetFrontM ?? DEFAULT_STREET_FRONT_M;
      q.done();
      res.json(await findAdjacency(knex, { distanceM, streetM }));
    }),

    readCompound: http(async (req, res) => {
      const id = Number(req.params.id);
      if (!/^\d{1,9}$/.test(String(req.params.id)) || id < 1) {
        throw new ValidationError([{ name: "id", reason: `expected a positive integer compound id, got "${req.params.id}"` }]);
      }
      res.type(GEOJSON).send(JSON.stringify(await readCompound(knex, id, { internal: Boolean(req.user) })));
    }),

    listAmenities: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = { bbox: q.bbox("bbox"), category: q.enumList("category", categoryCodes) };
      q.done();
      const features = await findAmenities(knex, filter);
      res.type(GEOJSON).send(JSON.stringify({ type: "FeatureCollection", numberReturned: features.length, features }));
    }),

    /** A plain map layer (streets, water, buildings, gates, subdistricts, communities), `bbox` optional. */
    layer: (name: LayerName) => http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const bbox = q.bbox("bbox");
      q.done();
      const features = await findLayerFeatures(knex, name, bbox);
      res.type(GEOJSON).send(JSON.stringify({ type: "FeatureCollection", numberReturned: features.length, features }));
    }),

    config: http((_req, res) => {
      res.json({ basemapStyleUrl: clientConfig.basemapStyleUrl ?? null });
    }),

    standards: http((_req, res) => { res.json(reference.standards); }),
    costs: http((_req, res) => { res.json(reference.costs); }),

    progress: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      res.json(await progressByYear(knex));
    }),

    export: http(async (req, res) => {
      const m = /^(\w+)\.(\w+)$/.exec(String(req.params.file));
      const layer = m?.[1] as ExportLayer | undefined;
      const format = m?.[2] as ExportFormat | undefined;
      if (!layer || !EXPORT_LAYERS.includes(layer) || !format || !EXPORT_FORMATS.includes(format)) {
        throw new ValidationError([{ name: "file", reason: `expected one of ${EXPORT_LAYERS.flatMap((l) => EXPORT_FORMATS.map((f) => `${l}.${f}`)).join(", ")}` }]);
      }
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filters = readCompoundFilters(q);
      q.done();
      const file = await exportLayer(knex, layer, format, filters, { internal: Boolean(req.user) });
      res.type(file.contentType);
      res.attachment(file.fileName);
      res.send(file.body);
    }),

    walkNetwork: http(async (req, res) => {
      const graph = await walkGraph.get();
      res.set("ETag", graph.etag);
      res.set("Cache-Control", "no-cache");
      res.set("X-Node-Count", String(graph.nodeCount));
      res.set("X-Edge-Count", String(graph.edgeCount));
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      res.type("application/octet-stream").send(Buffer.from(graph.body.buffer, graph.body.byteOffset, graph.body.byteLength));
    }),

    /** Pieces of the walk network the main network does not reach, and the interior edges left out. */
    walkNetworkReport: http(async (req, res) => {
      const graph = await walkGraph.get();
      res.set("ETag", graph.etag);
      res.set("Cache-Control", "no-cache");
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      res.json(graph.report);
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
