import { databasePostgisVersion } from "../services/health.js";
import { tiledLayers } from "../services/tiles.js";
import { type HandlerDeps, http } from "./http.js";

// The app itself: health (answers while the database is busy) and the web app's configuration.

export function createSystemHandlers({ knex, databaseKind, clientConfig }: HandlerDeps) {
  // Read once: health answers without a query, so it answers while the database is busy.
  let postgis: Promise<string> | undefined;
  return {
    health: http(async (_req, res) => {
      postgis ??= databasePostgisVersion(knex).catch((err) => {
        postgis = undefined;
        throw err;
      });
      res.json({ status: "ok", database: databaseKind, postgis: await postgis });
    }),
    config: http(async (_req, res) => {
      res.json({ basemapStyleUrl: clientConfig.basemapStyleUrl ?? null, tiledLayers: await tiledLayers(knex, clientConfig.mapTiles ?? "auto") });
    }),
  };
}
