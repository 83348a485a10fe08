// npm run seed [-- --reset]: load the demo city into an empty database, or reload it with --reset.
import { prepareDatabase } from "../bootstrap.js";
import { loadConfig } from "../config.js";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--reset");
if (unknown.length) {
  console.error(`Unknown option ${unknown[0]}. Usage: npm run seed [-- --reset]`);
  process.exit(2);
}
const { db } = await prepareDatabase(loadConfig(), { reset: args.includes("--reset"), command: "npm run seed" });
await db.close();
