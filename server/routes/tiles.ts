import { ValidationError, type FieldError } from "../errors.js";
import { TILE_LAYER_NAMES, TILE_MAX_ZOOM, type TileLayer, vectorTile } from "../services/tiles.js";
import { cacheKey, type HandlerDeps, http } from "./http.js";

/** The media type of a Mapbox Vector Tile. */
const MVT = "application/vnd.mapbox-vector-tile";

/** The tile address of a request, checked: a layer the tiles have, z 0–22, x and y within 2^z. */
function tileAddress(params: Record<string, string>): { layer: TileLayer; z: number; x: number; y: number } {
  const errors: FieldError[] = [];
  const layer = params.layer as TileLayer;
  if (!TILE_LAYER_NAMES.includes(layer))
    errors.push({
      name: "layer",
      reason: `no tiles of "${params.layer}"; expected one of ${TILE_LAYER_NAMES.join(", ")}`,
      code: "invalid_value",
      params: { values: TILE_LAYER_NAMES.join(", ") },
    });
  const int = (name: "z" | "x" | "y", max: number) => {
    const n = /^\d{1,8}$/.test(params[name]) ? Number(params[name]) : Number.NaN;
    if (!(n >= 0 && n <= max)) {
      errors.push({ name, reason: `expected a whole number from 0 to ${max}`, code: "too_big", params: { maximum: max, origin: "number" } });
      return 0;
    }
    return n;
  };
  const z = int("z", TILE_MAX_ZOOM);
  const x = int("x", 2 ** z - 1);
  const y = int("y", 2 ** z - 1);
  if (errors.length) throw new ValidationError(errors);
  return { layer, z, x, y };
}

// GET /api/tiles/{layer}/{z}/{x}/{y}.mvt: public, cached per data version with an ETag and
// compressed (response-cache.ts); a signed-in reader's item tiles hold unfinished items too.
export function createTileHandlers({ knex, databaseKind, cache }: HandlerDeps) {
  return {
    tile: http(async (req, res) => {
      const { layer, z, x, y } = tileAddress(req.params as Record<string, string>);
      await cache.send(req, res, cacheKey(req), async () => ({
        body: await vectorTile(knex, databaseKind, layer, z, x, y, { internal: Boolean(req.user) }),
        type: MVT,
      }));
    }),
  };
}
