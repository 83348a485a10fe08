// npm run user:add -- --name NAME --role admin|planner|staff [--display-name 显示名] [--password-stdin]
// Creates a user. Without --password-stdin a random password is generated and printed once.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { prepareDatabase } from "../bootstrap.js";
import { loadConfig } from "../config.js";
import { roles, type Role } from "../schemas/users.js";
import { AppError } from "../errors.js";
import { createUser } from "../services/auth.js";

const usage = "Usage: npm run user:add -- --name NAME --role admin|planner|staff [--display-name NAME] [--password-stdin]";
const argsConfig = {
  options: {
    name: { type: "string" },
    role: { type: "string" },
    "display-name": { type: "string" },
    "password-stdin": { type: "boolean" },
  },
} as const;
let args: ReturnType<typeof parseArgs<typeof argsConfig>>["values"];
try {
  args = parseArgs(argsConfig).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (!args.name) {
  console.error(`--name is required.\n${usage}`);
  process.exit(2);
}
if (!roles.includes(args.role as Role)) {
  console.error(`--role must be one of ${roles.join(", ")}, got "${args.role ?? ""}".\n${usage}`);
  process.exit(2);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

const password = args["password-stdin"] ? await readStdin() : randomBytes(12).toString("base64url");
const { db } = await prepareDatabase(loadConfig(), {
  seed: false,
  log: (s) => {
    if (/working through/.test(s)) console.error(s);
  },
  command: "npm run user:add",
});
try {
  const user = await createUser(db.knex, null, { name: args.name, role: args.role as Role, displayName: args["display-name"], password });
  console.log(`Created ${user.role} "${user.name}" (id ${user.id}).`);
  if (!args["password-stdin"]) console.log(`Password (shown once): ${password}`);
} catch (err) {
  console.error(err instanceof AppError ? `${err.title}: ${err.detail}` : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
