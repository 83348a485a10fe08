// npm run migrate [-- --rollback [--all]]: apply or undo migrations on the configured database.
import { openDatabase } from "../bootstrap.js";
import { loadConfig } from "../config.js";
import { migrateLatest, rollbackAll, rollbackLast } from "../db/migrate.js";

const args = process.argv.slice(2);
const unknown = args.filter((a) => !["--rollback", "--all"].includes(a));
if (unknown.length) {
  console.error(`Unknown option ${unknown[0]}. Usage: npm run migrate [-- --rollback [--all]]`);
  process.exit(2);
}
const db = await openDatabase(loadConfig(), { command: "npm run migrate" });
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
