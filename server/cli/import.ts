// npm run import -- FILE [--crs wgs84|gcj02|bd09] [--dry-run]
// A compound inventory (.csv / .xlsx) or an OpenStreetMap extract (.osm / .osm.pbf). All or
// nothing: a bad row is reported with its row number, field and reason, and nothing is written.
import { parseArgs } from "node:util";
import { prepareDatabase } from "../bootstrap.js";
import { loadConfig } from "../config.js";
import { cliActor } from "../db/audit.js";
import { AppError } from "../errors.js";
import { type Crs, parseCrs } from "../import/crs.js";
import { ImportError } from "../import/errors.js";
import { runImport } from "../import/run.js";
import { progressBar } from "../progress.js";

const usage = "Usage: npm run import -- FILE [--crs wgs84|gcj02|bd09] [--dry-run] [--replace]";
const argsConfig = { allowPositionals: true, options: { crs: { type: "string" }, "dry-run": { type: "boolean" }, replace: { type: "boolean" } } } as const;
let parsed: ReturnType<typeof parseArgs<typeof argsConfig>>;
try {
  parsed = parseArgs(argsConfig);
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const file = parsed.positionals[0];
if (!file || parsed.positionals.length > 1) {
  console.error(usage);
  process.exit(2);
}
let crs: Crs | undefined;
try {
  crs = parsed.values.crs === undefined ? undefined : parseCrs(parsed.values.crs);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const dryRun = Boolean(parsed.values["dry-run"]);

const { db } = await prepareDatabase(loadConfig(), { seed: false, log: (s) => console.error(s), command: "npm run import" });
try {
  const result = await runImport(db.knex, cliActor(), file, { crs, dryRun, replace: Boolean(parsed.values.replace), onProgress: progressBar });
  if (result.kind === "osm") {
    const { kind: _, ...report } = result;
    console.log(JSON.stringify(report, null, 2));
  } else {
    const plan = result;
    console.log(
      `${dryRun ? "Would add" : "Added"} ${plan.add.length}, ${dryRun ? "would update" : "updated"} ${plan.update.length} compound(s)${plan.ambiguous.length ? `; ${plan.ambiguous.length} row(s) ambiguous, not applied` : ""}.`,
    );
    for (const a of plan.add) console.log(`  + row ${a.row}: ${a.name}`);
    for (const u of plan.update)
      console.log(`  ~ row ${u.row}: ${u.name} → ${u.compound} (id ${u.id}, by ${u.by}${u.distanceM !== null ? `, ${u.distanceM} m` : ""})`);
    for (const a of plan.ambiguous)
      console.log(`  ? row ${a.row}: ${a.name}: ${a.reason}; not applied (${a.candidates.map((c) => `${c.name} id ${c.id}`).join(", ")})`);
    for (const p of plan.provisional) console.log(`  ! row ${p.row}: ${p.name} has no polygon; drew a provisional circle of radius ${p.radiusM} m`);
    for (const w of plan.warnings) console.log(`  ! ${w}`);
    if (dryRun) console.log("Dry run: nothing was written.");
  }
} catch (err) {
  if (err instanceof ImportError) {
    console.error(`Not imported; nothing was written. ${err.file ?? file}: ${err.problems.length} problem(s):`);
    for (const p of err.problems)
      console.error(
        `  ${p.row !== undefined ? `row ${p.row}, ${p.field}` : p.offset !== undefined ? `near byte ${p.offset}` : (p.field ?? "file")}: ${p.reason}`,
      );
  } else if (err instanceof AppError) console.error(`${err.title}: ${err.detail}`);
  else console.error(err);
  process.exitCode = 1;
} finally {
  await db.close();
}
