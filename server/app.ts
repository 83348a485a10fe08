import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express, { type Express } from "express";
import helmet from "helmet";
import type { Database } from "./db/connect.js";
import type { ReferenceData } from "./schemas/reference.js";
import type { ClientSettings } from "./routes/http.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { ogcRoutes } from "./routes/ogc.js";
import { apiRoutes } from "./routes/index.js";
import { createResponseCache } from "./routes/response-cache.js";
import { createWalkGraphService } from "./services/network.js";

export interface AppDeps {
  db: Database;
  reference: ReferenceData;
  /** Folder of the web build; served with an index.html fallback for client-side routes. */
  webDistDir?: string;
  /** Public client configuration served at /api/config. */
  clientConfig?: ClientSettings;
  /** Express's `trust proxy` setting (see Config.trustProxy). */
  trustProxy?: boolean | number | string;
  /** Bytes of public answers kept in memory (default 256 MiB). */
  cacheBytes?: number;
  /**
   * Build the walk graph as soon as the app is up, not on the first coverage view (on a
   * province-sized city reading 860,000 edges takes tens of seconds). The server sets it.
   */
  warmWalkGraph?: boolean;
}

/**
 * Security headers for every answer. The CSP fits the offline app: scripts, styles, fonts, map
 * data and the map's web worker all come from this origin (MapLibre builds its worker from a
 * blob: URL, and decodes images from blob: and data:); an external basemap adds its origin.
 */
function securityHeaders(basemapStyleUrl?: string) {
  const external = basemapStyleUrl ? [new URL(basemapStyleUrl).origin] : [];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:", ...external],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...external],
        workerSrc: ["'self'", "blob:"],
        childSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    // Plain http on localhost is how the product runs: no HSTS, no upgrade of requests.
    strictTransportSecurity: false,
    referrerPolicy: { policy: "same-origin" },
  });
}

/** Build the Express app from its dependencies (no listening, no global state). */
export function createApp({ db, reference, webDistDir, clientConfig = {}, trustProxy = false, cacheBytes, warmWalkGraph = false }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("trust proxy", trustProxy);
  app.use(securityHeaders(clientConfig.basemapStyleUrl));
  // Cached answers arrive compressed already (Content-Encoding set): compression passes them by.
  app.use(compression());
  // A resident's message is a few hundred characters: its route takes small bodies only.
  app.use("/api/feedback", express.json({ limit: "8kb" }));
  app.use(express.json({ limit: "20mb" }));

  const cache = createResponseCache({ version: () => db.dataVersion(), maxBytes: cacheBytes });
  const walkGraph = createWalkGraphService(db.knex);
  if (warmWalkGraph)
    setImmediate(() => {
      walkGraph.get().catch((err: Error) => console.error(`Building the walk graph failed (the coverage view will try again): ${err.message}`));
    });
  const deps = { knex: db.knex, databaseKind: db.kind, reference, walkGraph, clientConfig, cache };
  app.use("/api", apiRoutes(deps));
  app.use("/api", notFoundHandler);
  app.use("/ogc", ogcRoutes(deps));
  app.use("/ogc", notFoundHandler);

  if (webDistDir && fs.existsSync(path.join(webDistDir, "index.html"))) {
    app.use(express.static(webDistDir, { index: "index.html", maxAge: "1h" }));
    // Client-side routes (the view lives in the URL) all load the app.
    app.get(/^\/(?!api\/|ogc(\/|$)).*/, (_req, res) => res.sendFile(path.join(webDistDir, "index.html")));
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
