import type { Knex } from "knex";
import { compoundSource, layerSource, type Queryable, type SqlSource, sqlExtent, sqlFeature, sqlFeatures } from "../db/ogc.js";
import { TILE_LAYERS } from "../db/tiles.js";
import type { BBox } from "../schemas/query.js";
import type { ReferenceData } from "../schemas/reference.js";
import { listClusters } from "./clusters.js";

// OGC API – Features, Part 1 Core with GeoJSON (OGC 17-069r4): the collections QGIS, ArcGIS and
// GDAL add by URL. Every collection publishes the same fields as the app's own API for the same
// reader (anonymous: published fields only). Coordinates are CRS84 (lon/lat, as EPSG:4326 GeoJSON).

export const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

export const OGC_CONFORMANCE = [
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

/** The most features one page may hold, and the page size when `limit` is not given. */
export const OGC_MAX_LIMIT = 10000;
export const OGC_DEFAULT_LIMIT = 100;

/** What an items request asks for, checked (the route reads the query string). */
export interface ItemsQuery {
  bbox?: BBox;
  /** Equality filters on queryables, by property name: any of the values. */
  filters: Record<string, unknown[]>;
  limit: number;
  offset: number;
  internal: boolean;
}

interface Page {
  features: unknown[];
  numberMatched: number;
}

/** One collection: what it is, what a client may filter on, and how its features are read. */
export interface Collection {
  id: string;
  title: string;
  description: string;
  queryables: Record<string, Queryable>;
  page(knex: Knex, q: ItemsQuery): Promise<Page>;
  feature(knex: Knex, id: number, internal: boolean): Promise<unknown | undefined>;
  extent(knex: Knex, internal: boolean): Promise<BBox | null>;
}

const sqlFilters = (queryables: Record<string, Queryable>, filters: Record<string, unknown[]>) =>
  Object.entries(filters).map(([name, values]) => ({ expr: queryables[name].expr, values }));

function sqlCollection(
  meta: Pick<Collection, "id" | "title" | "description">,
  source: (internal: boolean) => SqlSource,
  queryables: Record<string, Queryable>,
): Collection {
  return {
    ...meta,
    queryables,
    page: (knex, q) => sqlFeatures(knex, source(q.internal), { ...q, filters: sqlFilters(queryables, q.filters) }),
    feature: (knex, id, internal) => sqlFeature(knex, source(internal), id, internal),
    extent: (knex, internal) => sqlExtent(knex, source(internal), internal),
  };
}

/** A map layer's spec as a collection: filters on its own property expressions. */
function layerCollection(
  meta: Pick<Collection, "id" | "title" | "description">,
  layer: keyof typeof TILE_LAYERS,
  types: Record<string, Queryable["type"]>,
): Collection {
  const props: Record<string, string> = TILE_LAYERS[layer].properties;
  const queryables = Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { expr: props[name], type }]));
  const source = layerSource(TILE_LAYERS[layer]);
  return sqlCollection(meta, () => source, queryables);
}

const intersects = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** 片区 clusters with their outlines (few: read whole, then filtered and paged). */
function clusterCollection(reference: ReferenceData): Collection {
  const queryables: Record<string, Queryable> = { status: { expr: "status", type: "string" }, planYear: { expr: "planYear", type: "integer" } };
  const all = async (knex: Knex, internal: boolean) =>
    (await listClusters(knex, reference, { internal, outline: true })).map((c) => {
      const { outline, bbox, ...properties } = c as typeof c & { outline: unknown; bbox: BBox | null };
      return { feature: { type: "Feature", id: c.id, geometry: outline ?? null, properties }, bbox };
    });
  return {
    id: "clusters",
    title: "片区 Renovation clusters",
    description: "Clusters of adjacent compounds renovated together (连片改造): outline, members, households, status and plan year.",
    queryables,
    page: async (knex, q) => {
      const matched = (await all(knex, q.internal)).filter(
        (c) =>
          (!q.bbox || (c.bbox && intersects(c.bbox, q.bbox))) &&
          Object.entries(q.filters).every(([name, values]) => values.includes((c.feature.properties as Record<string, unknown>)[name])),
      );
      return { features: matched.slice(q.offset, q.offset + q.limit).map((c) => c.feature), numberMatched: matched.length };
    },
    feature: async (knex, id, internal) => (await all(knex, internal)).find((c) => c.feature.id === id)?.feature,
    extent: async (knex, internal) => {
      const boxes = (await all(knex, internal)).flatMap((c) => (c.bbox ? [c.bbox] : []));
      if (!boxes.length) return null;
      return [0, 1, 2, 3].map((i) => (i < 2 ? Math.min : Math.max)(...boxes.map((b) => b[i]))) as BBox;
    },
  };
}

/** Every collection, in the order the landing page lists them. */
export function ogcCollections(reference: ReferenceData): Collection[] {
  const c = (expr: string, type: Queryable["type"]): Queryable => ({ expr, type });
  return [
    sqlCollection(
      {
        id: "compounds",
        title: "小区 Compounds",
        description: "Residential compounds with their renovation status, tier, plan year, build year and households.",
      },
      compoundSource,
      {
        status: c("c.status", "string"),
        tier: c("c.tier", "string"),
        planYear: c("c.plan_year", "integer"),
        buildYear: c("c.build_year", "integer"),
        subdistrictId: c("c.subdistrict_id", "integer"),
        communityId: c("c.community_id", "integer"),
        management: c("c.management", "string"),
        access: c("c.access", "string"),
      },
    ),
    layerCollection({ id: "buildings", title: "楼栋 Buildings", description: "Residential buildings: floors, units, households, elevator." }, "buildings", {
      compoundId: "integer",
      hasElevator: "boolean",
      floors: "integer",
    }),
    layerCollection({ id: "gates", title: "出入口 Gates", description: "Compound gates and where they open onto the street." }, "gates", {
      compoundId: "integer",
      kind: "string",
    }),
    layerCollection({ id: "amenities", title: "设施 Amenities", description: "Living-circle facilities by category (GB 50180-2018)." }, "amenities", {
      category: "string",
    }),
    layerCollection(
      {
        id: "items",
        title: "改造项目 Renovation items",
        description: "Renovation items with a place on the map (parking, chargers, elevators …); the public sees completed ones.",
      },
      "items",
      { compoundId: "integer", kind: "string", status: "string" },
    ),
    clusterCollection(reference),
    layerCollection({ id: "subdistricts", title: "街道 Subdistricts", description: "Subdistrict (街道) boundaries." }, "subdistricts", { code: "string" }),
    layerCollection({ id: "communities", title: "社区 Communities", description: "Community (社区) boundaries." }, "communities", {
      subdistrictId: "integer",
    }),
  ];
}
