import { defineConfig } from "vitest/config";

const server = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
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
  },
});
