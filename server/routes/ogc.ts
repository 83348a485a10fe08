import { type Request, type Response, Router } from "express";
import { NotFoundError } from "../errors.js";
import { loadSession } from "../middleware/auth.js";
import { QueryReader } from "../schemas/query.js";
import { MAX_INT4 } from "../schemas/primitives.js";
import { type Collection, CRS84, type ItemsQuery, OGC_CONFORMANCE, OGC_DEFAULT_LIMIT, OGC_MAX_LIMIT, ogcCollections } from "../services/ogc.js";
import { cacheKey, GEOJSON, type HandlerDeps, http, idParam, json } from "./http.js";

// OGC API – Features at /ogc (Part 1 Core, GeoJSON, OpenAPI 3.0): public reads, published fields
// only unless signed in, as /api. Answers go through the response cache (ETag, brotli/gzip).

const JSON_TYPE = "application/json";
const OPENAPI = "application/vnd.oai.openapi+json;version=3.0";

/** The absolute URL of the OGC root as the client reached it (links must resolve from anywhere). */
const rootOf = (req: Request) => `${req.protocol}://${req.get("host")}${req.baseUrl}`;

const link = (href: string, rel: string, type: string, title?: string) => ({ href, rel, type, ...(title ? { title } : {}) });

/** `f=json` is the one format asked by name (clients may send it); anything else is a 400. */
function readFormat(q: QueryReader) {
  const f = q.string("f", { maxLength: 40 });
  if (f !== undefined && !["json", "geojson", "application/json", GEOJSON].includes(f))
    q.fail("f", `only JSON is served, not "${f}"`, "invalid_value", { values: "json" });
}

function readCrs(q: QueryReader, name: string) {
  const crs = q.string(name, { maxLength: 200 });
  if (crs !== undefined && crs !== CRS84) q.fail(name, `only ${CRS84} is served`, "invalid_value", { values: CRS84 });
}

/** The checked items query: bbox, limit, offset and equality filters on the collection's queryables. */
function readItemsQuery(req: Request, c: Collection): ItemsQuery {
  const q = new QueryReader(req.query as Record<string, unknown>);
  readFormat(q);
  readCrs(q, "bbox-crs");
  readCrs(q, "crs");
  const out: ItemsQuery = {
    bbox: q.bbox("bbox"),
    limit: q.int("limit", { min: 1, max: OGC_MAX_LIMIT }) ?? OGC_DEFAULT_LIMIT,
    offset: q.int("offset", { min: 0, max: MAX_INT4 }) ?? 0,
    filters: {},
    internal: Boolean(req.user),
  };
  for (const [name, { type }] of Object.entries(c.queryables)) {
    const values = type === "integer" ? q.intList(name, { min: -MAX_INT4, max: MAX_INT4 }) : q.string(name, { maxLength: 200 })?.split(",");
    if (type === "boolean" && values?.some((v) => v !== "true" && v !== "false"))
      q.fail(name, "expected true or false", "invalid_value", { values: "true, false" });
    else if (values) out.filters[name] = type === "boolean" ? values.map((v) => v === "true") : values;
  }
  q.done();
  return out;
}

/** The page's links: self, the collection, and next/prev while there are more either way. */
function pageLinks(req: Request, root: string, c: Collection, q: ItemsQuery, numberMatched: number) {
  const url = (offset: number) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set("offset", String(offset));
    params.set("limit", String(q.limit));
    return `${root}/collections/${c.id}/items?${params.toString()}`;
  };
  return [
    link(url(q.offset), "self", GEOJSON, "this page"),
    link(`${root}/collections/${c.id}`, "collection", JSON_TYPE, c.title),
    ...(q.offset + q.limit < numberMatched ? [link(url(q.offset + q.limit), "next", GEOJSON, "next page")] : []),
    ...(q.offset > 0 ? [link(url(Math.max(0, q.offset - q.limit)), "prev", GEOJSON, "previous page")] : []),
  ];
}

async function collectionDoc(deps: HandlerDeps, root: string, c: Collection, internal: boolean) {
  const bbox = (await c.extent(deps.knex, internal)) ?? [-180, -90, 180, 90];
  const base = `${root}/collections/${c.id}`;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    itemType: "feature",
    crs: [CRS84],
    storageCrs: CRS84,
    extent: { spatial: { bbox: [bbox], crs: CRS84 } },
    links: [
      link(base, "self", JSON_TYPE, c.title),
      link(`${base}/items`, "items", GEOJSON, c.title),
      link(`${base}/queryables`, "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"),
    ],
  };
}

/** An OpenAPI 3.0 description of the paths (clients read the page-size limit from it). */
function openApi(root: string, collections: Collection[]) {
  const limit = { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: OGC_MAX_LIMIT, default: OGC_DEFAULT_LIMIT } };
  const params = [
    limit,
    { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
    { name: "bbox", in: "query", schema: { type: "array", items: { type: "number" }, minItems: 4, maxItems: 4 }, style: "form", explode: false },
  ];
  const ok = (type: string) => ({ "200": { description: "OK", content: { [type]: {} } } });
  const paths: Record<string, unknown> = {
    "/": { get: { summary: "Landing page", responses: ok(JSON_TYPE) } },
    "/conformance": { get: { summary: "Conformance classes", responses: ok(JSON_TYPE) } },
    "/collections": { get: { summary: "Collections", responses: ok(JSON_TYPE) } },
  };
  for (const c of collections) {
    const filters = Object.entries(c.queryables).map(([name, { type }]) => ({ name, in: "query", schema: { type } }));
    paths[`/collections/${c.id}`] = { get: { summary: c.title, responses: ok(JSON_TYPE) } };
    paths[`/collections/${c.id}/items`] = { get: { summary: `${c.title}: features`, parameters: [...params, ...filters], responses: ok(GEOJSON) } };
    paths[`/collections/${c.id}/items/{featureId}`] = {
      get: {
        summary: `${c.title}: one feature`,
        parameters: [{ name: "featureId", in: "path", required: true, schema: { type: "integer" } }],
        responses: ok(GEOJSON),
      },
    };
  }
  return { openapi: "3.0.3", info: { title: "老旧小区改造 OGC API – Features", version: "1.0.0" }, servers: [{ url: root }], paths };
}

/** What the OGC handlers share: the collections, the one that a path names, cached answers. */
interface OgcContext {
  deps: HandlerDeps;
  collections: Collection[];
  collectionOf(req: Request): Collection;
  send(req: Request, res: Response, params: unknown, build: () => Promise<unknown>, type?: string): Promise<void>;
  /** Check a query that may only name the format. */
  plain(req: Request): void;
}

/** Landing page, conformance, OpenAPI definition, the collections and one collection. */
function documentRoutes(router: Router, { deps, collections, collectionOf, send, plain }: OgcContext): void {
  router.get(
    "/",
    http(async (req, res) => {
      plain(req);
      const root = rootOf(req);
      await send(req, res, {}, async () => ({
        title: "老旧小区改造 · 15分钟生活圈 (old-compound renovation)",
        description: "Compounds, buildings, gates, amenities, renovation items, clusters and boundaries as OGC API – Features.",
        links: [
          link(root, "self", JSON_TYPE, "this document"),
          link(`${root}/api`, "service-desc", OPENAPI, "the API definition"),
          link(`${root}/conformance`, "conformance", JSON_TYPE, "conformance classes"),
          link(`${root}/collections`, "data", JSON_TYPE, "collections"),
        ],
      }));
    }),
  );
  router.get(
    "/conformance",
    http(async (req, res) => {
      plain(req);
      await send(req, res, {}, async () => ({ conformsTo: OGC_CONFORMANCE }));
    }),
  );
  router.get(
    "/api",
    http(async (req, res) => {
      plain(req);
      await send(req, res, {}, async () => openApi(rootOf(req), collections), OPENAPI);
    }),
  );
  router.get(
    "/collections",
    http(async (req, res) => {
      plain(req);
      const root = rootOf(req);
      await send(req, res, {}, async () => ({
        links: [link(`${root}/collections`, "self", JSON_TYPE, "collections")],
        collections: await Promise.all(collections.map((c) => collectionDoc(deps, root, c, Boolean(req.user)))),
      }));
    }),
  );
  router.get(
    "/collections/:collectionId",
    http(async (req, res) => {
      const c = collectionOf(req);
      plain(req);
      await send(req, res, {}, () => collectionDoc(deps, rootOf(req), c, Boolean(req.user)));
    }),
  );
}

/** A collection's queryables, its items page by page, and one feature. */
function itemRoutes(router: Router, { deps, collectionOf, send, plain }: OgcContext): void {
  router.get(
    "/collections/:collectionId/queryables",
    http(async (req, res) => {
      const c = collectionOf(req);
      plain(req);
      const root = rootOf(req);
      await send(
        req,
        res,
        {},
        async () => ({
          $schema: "https://json-schema.org/draft/2019-09/schema",
          $id: `${root}/collections/${c.id}/queryables`,
          type: "object",
          title: c.title,
          properties: Object.fromEntries(Object.entries(c.queryables).map(([name, { type }]) => [name, { type }])),
        }),
        "application/schema+json",
      );
    }),
  );
  router.get(
    "/collections/:collectionId/items",
    http(async (req, res) => {
      const c = collectionOf(req);
      const q = readItemsQuery(req, c);
      const root = rootOf(req);
      await send(
        req,
        res,
        q,
        async () => {
          const page = await c.page(deps.knex, q);
          return {
            type: "FeatureCollection",
            numberMatched: page.numberMatched,
            numberReturned: page.features.length,
            links: pageLinks(req, root, c, q, page.numberMatched),
            features: page.features,
          };
        },
        GEOJSON,
      );
    }),
  );
  router.get(
    "/collections/:collectionId/items/:featureId",
    http(async (req, res) => {
      const c = collectionOf(req);
      const id = idParam(req, "featureId");
      plain(req);
      const root = rootOf(req);
      await send(
        req,
        res,
        {},
        async () => {
          const f = await c.feature(deps.knex, id, Boolean(req.user));
          if (!f) throw new NotFoundError(`Feature ${id} of "${c.id}"`);
          return {
            ...(f as object),
            links: [link(`${root}/collections/${c.id}/items/${id}`, "self", GEOJSON), link(`${root}/collections/${c.id}`, "collection", JSON_TYPE, c.title)],
          };
        },
        GEOJSON,
      );
    }),
  );
}

/** OGC API – Features, mounted at /ogc. */
export function ogcRoutes(deps: HandlerDeps): Router {
  const collections = ogcCollections(deps.reference);
  const byId = new Map(collections.map((c) => [c.id, c]));
  const collectionOf = (req: Request) => {
    const c = byId.get(String(req.params.collectionId));
    if (!c) throw new NotFoundError(`Collection "${String(req.params.collectionId).slice(0, 40)}"`);
    return c;
  };
  /** A cached JSON answer whose links depend on the host the client used. */
  const send = (req: Request, res: Response, params: unknown, build: () => Promise<unknown>, type = JSON_TYPE) =>
    deps.cache.send(req, res, cacheKey(req, { host: req.get("host"), params }), async () => json(await build(), type));
  const plain = (req: Request) => {
    const q = new QueryReader(req.query as Record<string, unknown>);
    readFormat(q);
    q.done();
  };
  const ctx: OgcContext = { deps, collections, collectionOf, send, plain };
  const router = Router();
  router.use(loadSession(deps.knex));
  documentRoutes(router, ctx);
  itemRoutes(router, ctx);
  return router;
}
