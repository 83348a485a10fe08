import { QueryReader } from "../schemas/query.js";
import { listAmenities } from "../services/amenities.js";
import { type LayerName, layerFeatures } from "../services/layers.js";
import { cacheKey, GEOJSON, type HandlerDeps, http, json } from "./http.js";

// Map layers (public reads, `bbox` optional): amenities by category, and the plain layers.

export function createLayerHandlers({ knex, reference, cache }: HandlerDeps) {
  const categoryCodes = reference.standards.categories.map((c) => c.code);
  return {
    amenities: http(async (req, res) => {
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filter = { bbox: q.bbox("bbox"), category: q.enumList("category", categoryCodes) };
      q.done();
      await cache.send(req, res, cacheKey(req, filter), async () => {
        const features = await listAmenities(knex, filter);
        return json({ type: "FeatureCollection", numberReturned: features.length, features }, GEOJSON);
      });
    }),
    /** A plain map layer (streets, water, buildings, gates, items, subdistricts, communities). */
    layer: (name: LayerName) =>
      http(async (req, res) => {
        const q = new QueryReader(req.query as Record<string, unknown>);
        const bbox = q.bbox("bbox");
        q.done();
        await cache.send(req, res, cacheKey(req, { bbox }), async () => {
          const features = await layerFeatures(knex, name, bbox, { internal: Boolean(req.user) });
          return json({ type: "FeatureCollection", numberReturned: features.length, features }, GEOJSON);
        });
      }),
  };
}
