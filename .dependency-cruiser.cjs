/**
 * The architecture's "never" arrows (DESIGN.md, "Each rule once"), checked by `npm run deps`
 * (part of `npm test`).
 *
 * How the TypeScript is read. dependency-cruiser 17 reads .ts with the `typescript` package only
 * for versions below 7; ours is 7 (the native port, no compiler API), and the plain acorn parser
 * does not scan .ts files at all (it finds nothing and passes). So it parses with @swc/core
 * (`parser: "swc"`), with two corrections made below before any file is read:
 *   1. dependency-cruiser asks swc for TypeScript without JSX, so every .tsx fails to parse;
 *      .tsx files are parsed with `tsx: true`.
 *   2. its swc reader does not mark type-only imports. Type-only imports vanish at compile
 *      time, and some rules allow them, so `import type … from "x"`, `import { type A } from "x"`
 *      (every name a type) and `export type … from "x"` are handed to it as a call
 *      `__typeOnlyImport("x")`, which `exoticRequireStrings` makes it report with the dependency
 *      type "exotic-require". Nothing else in this code base uses that name, so in the rules
 *      below "exotic-require" means exactly "type-only" (TYPE_ONLY).
 */
const TYPE_ONLY_CALL = "__typeOnlyImport";
const TYPE_ONLY = "exotic-require";

let swc;
try {
  swc = require("@swc/core");
} catch {
  throw new Error(
    ".dependency-cruiser.cjs: @swc/core is not installed. dependency-cruiser cannot read TypeScript 7 " +
      "sources without it and would pass without checking anything; add @swc/core to devDependencies.",
  );
}

function isTypeOnly(node) {
  if (node.typeOnly) return true;
  // `import { type A, type B } from "x"` is elided as a whole; `import {} from "x"` is not
  return node.specifiers?.length > 0 && node.specifiers.every((s) => s.isTypeOnly);
}

function typeOnlyCall(node) {
  const { span } = node;
  return {
    type: "ExpressionStatement",
    span,
    expression: {
      type: "CallExpression",
      span,
      ctxt: 0,
      callee: { type: "Identifier", span, ctxt: 0, value: TYPE_ONLY_CALL, optional: false },
      arguments: [{ spread: null, expression: node.source }],
      typeArguments: null,
    },
  };
}

function markTypeOnly(ast) {
  ast.body = ast.body.map((node) =>
    (node.type === "ImportDeclaration" || node.type === "ExportNamedDeclaration") &&
    node.source &&
    isTypeOnly(node)
      ? typeOnlyCall(node)
      : node,
  );
  return ast;
}

if (!swc.parseFileSync.typeOnlyMarked) {
  const parseFileSync = swc.parseFileSync;
  const patched = (fileName, options) =>
    markTypeOnly(parseFileSync.call(swc, fileName, fileName.endsWith(".tsx") ? { ...options, tsx: true } : options));
  patched.typeOnlyMarked = true;
  swc.parseFileSync = patched;
}

const ENGINE = "^web/src/analysis/";
const BROWSER = "^web/src/";
const PRODUCTION = "^(server|web/src|shared)/";
/** Packages only the server runs, and packages only the browser app runs. */
const SERVER_PACKAGES = ["knex", "pg", "express", "helmet", "compression", "exceljs", "@electric-sql/[^/]+"];
const BROWSER_PACKAGES = ["react", "react-dom", "maplibre-gl"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-stays-pure",
      comment:
        "web/src/analysis is the pure engine: it runs in a Web Worker, in Node CLIs, benchmarks and tests. " +
        "It must not reach into the app's UI, state, API client or worker glue.",
      severity: "error",
      from: { path: ENGINE },
      to: { path: "^web/src/(views|components|map|state|api|worker)/" },
    },
    {
      name: "engine-no-server",
      comment: "The engine never imports server code at run time.",
      severity: "error",
      from: { path: ENGINE },
      to: { path: "^server/", dependencyTypesNot: [TYPE_ONLY] },
    },
    {
      name: "engine-types-only-from-schemas",
      comment:
        "The engine may take types from server/schemas (the one definition of shared rules and enums) with " +
        "`import type`; types from any other server module would tie it to the server's internals.",
      severity: "error",
      from: { path: ENGINE },
      to: { path: "^server/", pathNot: "^server/schemas/", dependencyTypes: [TYPE_ONLY] },
    },
    {
      name: "engine-no-ui-or-server-packages",
      comment:
        "No React, MapLibre, database driver or web server in the engine (nor the server's other packages): " +
        "it must run unchanged in a browser worker and in Node.",
      severity: "error",
      from: { path: ENGINE },
      to: { path: `(^|/)node_modules/(${[...SERVER_PACKAGES, ...BROWSER_PACKAGES].join("|")})/` },
    },
    {
      name: "engine-no-node-builtins",
      comment: "Node built-ins do not exist in the browser worker.",
      severity: "error",
      from: { path: ENGINE },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "browser-no-server-at-run-time",
      comment:
        "Browser code (web/src) imports nothing from server/ at run time: no server code in the bundle. " +
        "`import type` of server/schemas is how the app shares the API's types; it vanishes at compile time.",
      severity: "error",
      from: { path: BROWSER },
      to: { path: "^server/", dependencyTypesNot: [TYPE_ONLY] },
    },
    {
      name: "browser-types-from-schemas",
      comment:
        "The web app names the API's shapes only from server/schemas (one file per resource), not from services, db or routes: " +
        "a wire type lives in one place and both sides import it.",
      severity: "error",
      from: { path: BROWSER },
      to: { path: "^server/", pathNot: "^server/schemas/" },
    },
    {
      name: "shared-stays-neutral",
      comment:
        "shared/ holds code both the server and the browser run (e.g. the CSV writer): it imports neither side.",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: "^(server|web)/" },
    },
    {
      name: "shared-no-one-sided-packages",
      comment: "shared/ uses no package that only the server (database, web server) or only the browser (React, MapLibre) has.",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: `(^|/)node_modules/(${[...SERVER_PACKAGES, ...BROWSER_PACKAGES].join("|")})/` },
    },
    {
      name: "shared-no-node-builtins",
      comment: "shared/ runs in the browser too, where Node built-ins do not exist.",
      severity: "error",
      from: { path: "^shared/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "routes-through-services",
      comment:
        "Routes parse input, call a service and send its result; they never call server/db directly " +
        "(routes → services → db). Naming a db type with `import type` calls nothing and is allowed.",
      severity: "error",
      from: { path: "^server/routes/" },
      to: { path: "^server/db/", dependencyTypesNot: [TYPE_ONLY] },
    },
    {
      name: "sql-only-in-db",
      comment:
        "SQL and knex calls live only in server/db (and migrations). Services, imports and routes receive " +
        "a Knex instance and hand it to db functions, so they may import knex's types only; a transaction " +
        "wrapper belongs in server/db.",
      severity: "error",
      from: { path: "^server/(services|import|routes)/" },
      to: { path: "(^|/)node_modules/knex/", dependencyTypesNot: [TYPE_ONLY] },
    },
    {
      name: "schemas-not-from-db",
      comment:
        "server/schemas define the enums and shapes; server/db imports them from there, never the other way.",
      severity: "error",
      from: { path: "^server/schemas/" },
      to: { path: "^server/db/" },
    },
    {
      name: "no-circular",
      comment: "No import cycles: they make load order matter and layers impossible to tell apart.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-dev-dependencies-in-production",
      comment:
        "Production code (server/, web/src/, shared/) must run with devDependencies absent (npm install --omit=dev). " +
        "Type-only imports (e.g. of @types packages) vanish at compile time and are allowed.",
      severity: "error",
      from: { path: PRODUCTION },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: [TYPE_ONLY] },
    },
  ],
  options: {
    parser: "swc",
    tsPreCompilationDeps: true,
    exoticRequireStrings: [TYPE_ONLY_CALL],
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "(^|/)node_modules/" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
