// npm run bench (part): 200 public readers of the progress view for 30 s on loopback, against the
// app running as its own process, on the embedded database and (with DATABASE_URL) on the server.
// Each run is measured twice in the same run: with the cache of public answers (the product) and
// with it turned off (RESPONSE_CACHE_MB=0: every answer built and compressed per request, as
// before), so the figure is a ratio as well as an absolute one. Memory is the app's resident set.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import knexLib from "knex";

const ROOT = path.resolve(import.meta.dirname, "..");

/** What the progress view asks for when a member of the public opens it (and opens a card). */
const PROGRESS_VIEW = [
  "/api/config",
  "/api/session",
  "/api/standards",
  "/api/costs",
  "/api/stats/progress",
  "/api/compounds?limit=5000",
  "/api/streets",
  "/api/water",
  "/api/items",
  "/api/subdistricts",
  "/api/compounds/3",
  "/api/compounds/17",
];

interface App {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startApp(env: NodeJS.ProcessEnv): Promise<App> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/cli/start.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /is up: http:\/\/localhost:(\d+)\//.exec(out);
      if (m)
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          child,
          stop: () =>
            new Promise<void>((r) => {
              child.once("exit", () => r());
              child.kill("SIGTERM");
            }),
        });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the app exited (${code}):\n${out}`)));
  });
}

/** Resident memory of a process in MB (Linux), sampled while `fn` runs: [peak, at the end]. */
async function withMemory<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; peakMb: number; endMb: number }> {
  const rss = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  };
  let peak = rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 250);
  try {
    const result = await fn();
    return { result, peakMb: peak, endMb: rss() };
  } finally {
    clearInterval(timer);
  }
}

interface Figures {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: number;
}

async function load(url: string, seconds: number, connections: number): Promise<Figures> {
  const times: number[] = [];
  const instance: autocannon.Instance & PromiseLike<autocannon.Result> = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    headers: { "accept-encoding": "br, gzip" },
    requests: PROGRESS_VIEW.map((p) => ({ method: "GET", path: p })),
  }) as never;
  instance.on("response", (_c: unknown, _status: number, _bytes: number, ms: number) => {
    times.push(ms);
  });
  const r = await instance;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
  return {
    rps: r.requests.average,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

const line = (f: Figures, mem: { peakMb: number; endMb: number }) =>
  `${f.rps.toFixed(0).padStart(6)} req/s, p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, ` +
  `${f.errors} errors, ${f.timeouts} timeouts, ${f.non2xx} non-2xx of ${f.requests}; memory peak ${mem.peakMb.toFixed(0)} MB, after ${mem.endMb.toFixed(0)} MB`;

async function measure(label: string, env: NodeJS.ProcessEnv, seconds: number, connections: number) {
  const cached = await startApp(env);
  try {
    for (const p of PROGRESS_VIEW) await fetch(cached.url + p); // first answers built once
    const run = await withMemory(cached.child.pid!, () => load(cached.url, seconds, connections));
    console.log(`    cached:   ${line(run.result, run)}`);
    const ok = run.result.errors + run.result.timeouts + run.result.non2xx === 0 && run.result.p95 < 200;
    console.log(`              target: 0 errors and p95 under 200 ms → ${ok ? "met" : "NOT met"}`);
    await cached.stop();
    const plain = await startApp({ ...env, RESPONSE_CACHE_MB: "0" });
    const base = await withMemory(plain.child.pid!, () => load(plain.url, Math.min(seconds, 15), connections));
    console.log(`    no cache: ${line(base.result, base)} (${Math.min(seconds, 15)} s)`);
    console.log(
      `    → the cache serves ${(run.result.rps / base.result.rps).toFixed(1)}× the requests per second, p95 ${(base.result.p95 / run.result.p95).toFixed(1)}× lower`,
    );
    await plain.stop();
  } finally {
    if (cached.child.exitCode === null) await cached.stop();
  }
  void label;
}

/** 200 public readers on both databases; figures printed, nothing asserted. */
export async function benchReaders(opts: { seconds?: number; connections?: number } = {}) {
  const seconds = opts.seconds ?? 30;
  const connections = opts.connections ?? 200;
  console.log(
    `Public readers: ${connections} concurrent connections for ${seconds} s on loopback, the progress view's ${PROGRESS_VIEW.length} requests in turn (br/gzip accepted)`,
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-bench-"));
  try {
    console.log("  embedded database (demo city):");
    await measure("embedded", { DATA_DIR: dataDir, DATABASE_URL: "" }, seconds, connections);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!process.env.DATABASE_URL) {
    console.log("  server database: not measured (set DATABASE_URL)");
    return;
  }
  // A database of the bench's own on the same server, so no other data is touched.
  const name = `renewal_bench_${randomBytes(3).toString("hex")}`;
  const admin = knexLib({ client: "pg", connection: process.env.DATABASE_URL });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  try {
    const own = knexLib({ client: "pg", connection: url.toString() });
    await own.raw("CREATE EXTENSION IF NOT EXISTS postgis");
    await own.destroy();
    console.log("  server database (PostgreSQL, demo city):");
    await measure("server", { DATABASE_URL: url.toString() }, seconds, connections);
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReaders();
