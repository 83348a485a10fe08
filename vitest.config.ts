import { defineConfig } from "vitest/config";

const server = Boolean(process.env.DATABASE_URL);

/**
 * Test files outside tests/unit/ that need no database, no browser and no child process (they
 * import none of tests/helpers/db.ts, processes.ts or browser.ts): they run with the unit tests.
 */
const PURE = ["tests/api/response-cache.test.ts", "tests/import/crs.test.ts", "tests/import/osm-steps.test.ts"];

// Three projects, every tests/**/*.test.ts in exactly one (check: `npx vitest list --filesOnly
// --project <name>` for each; together they are `ls tests/**/*.test.ts`, with no file twice):
//   unit  tests/unit/** and PURE: no database, no browser, no child process, no global setup.
//   api   tests/api/**, tests/import/**, tests/export/** but PURE: a database each; and
//         tests/generator/** (pure but slow: the scale-10 city), to keep test:unit fast.
//   e2e   tests/e2e/**: the built web app in Chromium, and the app and the CLIs as processes.
// Settings here apply to all three (`extends: true`); reporters and the JSON report are the run's,
// one over every project that ran.
export default defineConfig({
  test: {
    // Generous: browser stories on a 2-core machine with the other core busy take minutes, not seconds.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Against a server every test file shares one database: run files one after another.
    // Embedded, each file loads its own in-memory copy and files may run side by side.
    fileParallelism: !server,
    maxWorkers: 2,
    // CI also writes a JSON report per run so .ci/run can print one "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: `.tmp/vitest-${server ? "server" : "embedded"}.json` },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", ...PURE],
          // Nothing shared: side by side even against a server (that group runs before the others).
          fileParallelism: true,
        },
      },
      {
        extends: true,
        test: {
          name: "api",
          include: ["tests/api/**/*.test.ts", "tests/import/**/*.test.ts", "tests/export/**/*.test.ts", "tests/generator/**/*.test.ts"],
          exclude: PURE,
          globalSetup: ["tests/helpers/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/helpers/global-setup.ts"],
        },
      },
    ],
  },
});
