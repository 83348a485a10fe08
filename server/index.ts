import { createApp } from "./app.js";
import { prepareDatabase } from "./bootstrap.js";
import { loadConfig } from "./config.js";

const config = loadConfig();
const { db, reference } = await prepareDatabase(config);
const app = createApp({
  db, reference, webDistDir: config.webDistDir, clientConfig: { basemapStyleUrl: config.basemapStyleUrl },
});
const server = app.listen(config.port, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  console.log(`老旧小区改造地图 is up: http://localhost:${port}/ (database: ${db.kind})`);
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing…`);
  server.close();
  await db.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
