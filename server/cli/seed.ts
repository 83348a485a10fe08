// npm run seed [-- --reset] [--city DIR]: load the demo city (or the generated city in DIR, e.g.
// `npm run generate -- --scale 40 --out .data/scale40`) into an empty database, or reload it with --reset.
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareDatabase } from "../bootstrap.js";
import { loadConfig } from "../config.js";
import { stepProgress } from "../progress.js";

const usage = "Usage: npm run seed [-- --reset] [--city DIR]";
let values: { reset?: boolean; city?: string };
try {
  ({ values } = parseArgs({ options: { reset: { type: "boolean" }, city: { type: "string" } } }));
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const cityDir = values.city === undefined ? undefined : path.resolve(values.city);
const { db } = await prepareDatabase(loadConfig(), { reset: Boolean(values.reset), cityDir, progress: stepProgress(), command: "npm run seed" });
await db.close();
