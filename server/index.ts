import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { prepareDatabase, type Ready } from "./bootstrap.js";
import { loadConfig } from "./config.js";
import { FolderInUseError } from "./db/connect.js";
import { ensureFirstAdmin } from "./services/auth.js";

/** How long SIGTERM waits for requests in flight before it closes their connections. */
const DRAIN_MS = 4000;

const config = loadConfig();
let ready: Ready;
try {
  ready = await prepareDatabase(config, { command: "npm start", mustOwn: true, statementTimeoutMs: config.statementTimeoutMs });
} catch (err) {
  if (err instanceof FolderInUseError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const { db, reference } = ready;
const app = createApp({
  db,
  reference,
  webDistDir: config.webDistDir,
  trustProxy: config.trustProxy,
  cacheBytes: config.cacheBytes,
  clientConfig: { basemapStyleUrl: config.basemapStyleUrl, mapTiles: config.mapTiles },
  warmWalkGraph: true,
});
const firstAdmin = await ensureFirstAdmin(db.knex);
const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}/`;
  db.announce?.({ url });
  // The first admin's password before the "is up" line, so whoever waits for that line has it too.
  if (firstAdmin) {
    console.log(
      `\nNo accounts yet, so an admin account was made. Sign in at ${url} with\n` +
        `  name:     ${firstAdmin.name}\n  password: ${firstAdmin.password}\n` +
        "This password is shown only this once; more accounts: 管理 (Admin) → 用户, or npm run user:add.\n",
    );
  }
  console.log(`老旧小区改造地图 is up: ${url} (database: ${db.kind})`);
});

db.onFailure?.((err) => {
  console.error("The embedded database stopped:", err);
  process.exitCode = 1;
  void shutdown("database failure");
});

let closing = false;
async function shutdown(why: string) {
  if (closing) return;
  closing = true;
  console.log(`${why}: closing…`);
  // Stop taking connections, let requests in flight finish for a moment, then cut the rest.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_MS).unref())]);
  if (!drained) server.closeAllConnections();
  await db.close(); // the embedded database closes cleanly, or is stopped after a few seconds
  process.exit();
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
