import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express, { type Express } from "express";
import type { Database } from "./db/connect.js";
import type { ReferenceData } from "./db/reference.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { apiRoutes } from "./routes/index.js";
import { createWalkGraphService } from "./services/network.js";

export interface AppDeps {
  db: Database;
  reference: ReferenceData;
  /** Folder of the web build; served with an index.html fallback for client-side routes. */
  webDistDir?: string;
  /** Public client configuration served at /api/config. */
  clientConfig?: { basemapStyleUrl?: string };
}

/** Build the Express app from its dependencies (no listening, no global state). */
export function createApp({ db, reference, webDistDir, clientConfig = {} }: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(compression());
  app.use(express.json({ limit: "20mb" }));

  app.use("/api", apiRoutes({
    knex: db.knex,
    databaseKind: db.kind,
    reference,
    walkGraph: createWalkGraphService(db.knex),
    clientConfig,
  }));
  app.use("/api", notFoundHandler);

  if (webDistDir && fs.existsSync(path.join(webDistDir, "index.html"))) {
    app.use(express.static(webDistDir, { index: "index.html", maxAge: "1h" }));
    // Client-side routes (the view lives in the URL) all load the app.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webDistDir, "index.html")));
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
