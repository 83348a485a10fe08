/**
 * Generate the demo city.
 *
 *   npx tsx geodata/generator/cli.ts [--seed N] [--scale N] [--out DIR]
 *
 * Defaults: seed 20190601, scale 1, out geodata/demo-city (the committed copy).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEED, generateCity } from "./city.js";
import { writeCity } from "./write.js";

function parseArgs(argv: string[]): { seed: number; scale: number; out: string } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const opts = { seed: DEFAULT_SEED, scale: 1, out: path.resolve(here, "..", "demo-city") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--seed") opts.seed = Number(val());
    else if (a === "--scale") opts.scale = Number(val());
    else if (a === "--out") opts.out = path.resolve(val());
    else if (a === "--help" || a === "-h") {
      console.log("usage: tsx geodata/generator/cli.ts [--seed N] [--scale N] [--out DIR]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error("--seed must be a non-negative integer");
  if (!Number.isFinite(opts.scale) || opts.scale <= 0) throw new Error("--scale must be a positive number");
  return opts;
}

function main(): void {
  const { seed, scale, out } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const stamp = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  console.log(`generating demo city: seed ${seed}, scale ${scale}`);
  const city = generateCity({ seed, scale, onProgress: (m) => console.log(`  [${stamp()}] ${m}`) });
  console.log(`  [${stamp()}] writing ${out}`);
  const files = writeCity(city, out);
  let total = 0;
  for (const f of files) {
    total += f.bytes;
    console.log(`  ${f.file.padEnd(26)} ${(f.bytes / 1024).toFixed(0).padStart(7)} KiB`);
  }
  console.log(`  total ${(total / 1024 / 1024).toFixed(2)} MiB in ${stamp()}`);
  const c = city.meta.counts as Record<string, unknown>;
  const show = (k: string) => console.log(`  ${k}: ${JSON.stringify(c[k])}`);
  for (const k of Object.keys(c)) show(k);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
