// npm run migrate [-- --rollback [--all]]: apply or undo migrations on the configured database.
import { loadConfig } from "../config.js";
import { connect } from "../db/connect.js";
import { migrateLatest, rollbackAll, rollbackLast } from "../db/migrate.js";

const args = process.argv.slice(2);
const unknown = args.filter((a) => !["--rollback", "--all"].includes(a));
if (unknown.length) {
  console.error(`Unknown option ${unknown[0]}. Usage: npm run migrate [-- --rollback [--all]]`);
  process.exit(2);
}
const config = loadConfig();
const db = await connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  if (args.includes("--rollback")) {
    const undone = args.includes("--all") ? await rollbackAll(db.knex) : await rollbackLast(db.knex);
    console.log(undone.length ? `Rolled back:\n  ${undone.join("\n  ")}` : "Nothing to roll back.");
  } else {
    const applied = await migrateLatest(db.knex);
    console.log(applied.length ? `Applied:\n  ${applied.join("\n  ")}` : "Already up to date.");
  }
} finally {
  await db.close();
}
