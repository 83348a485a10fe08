// The app and the command-line tools as separate processes, as a user runs them. Each runs in a
// process group of its own, so a timeout or a cleanup stops npm *and* the node it started (a
// killed npm that leaves its child running is how a data folder got opened twice).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ROOT } from "../../server/config.js";
import { privateServerDatabase } from "./db.js";

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const groups = new Set<ChildProcess>();

/** Kill a process group outright (the process and everything it started). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL") {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stop every process these helpers started (for afterAll). */
export function killAll() {
  for (const c of groups) killGroup(c);
  groups.clear();
}

/** `npm run --silent <args>` with `env`, to its end (or killed, group and all, after `timeoutMs`). */
export function npmRun(args: string[], env: NodeJS.ProcessEnv, opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> {
  const child = spawn("npm", ["run", "--silent", ...args], { cwd: ROOT, env, detached: true, stdio: "pipe" });
  groups.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.stdin!.end(opts.input ?? "");
  const timer = setTimeout(() => killGroup(child), opts.timeoutMs ?? 180_000);
  return new Promise((resolve) => {
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      groups.delete(child);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Seconds from spawn to listening. */
  seconds: number;
  /** SIGTERM and wait for the exit (the group is killed if it takes longer than `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
  /** kill -9 of the server process itself (no chance to clean up). */
  kill9(): Promise<void>;
}

/**
 * Start the app (`node --import tsx server/cli/start.ts`: one process, as `npm start` ends up
 * running) with `env` and PORT=0; resolves once it listens, rejects if it exits first.
 */
export function startApp(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join("server", "cli", "start.ts")], {
    cwd: ROOT,
    env: { ...env, PORT: "0", npm_lifecycle_event: "start" },
    detached: true,
    stdio: "pipe",
  });
  groups.add(child);
  let out = "";
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      groups.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /is up: http:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        child.stdout!.on("data", (more) => {
          out += more;
        });
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          child,
          output: () => out,
          seconds: (Date.now() - t0) / 1000,
          async stop(graceMs = 15_000) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => killGroup(child), graceMs);
            const code = await exited;
            clearTimeout(timer);
            return code;
          },
          async kill9() {
            child.kill("SIGKILL");
            await exited;
          },
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d) => {
      out += d.toString();
    });
    void exited.then((code) => reject(new Error(`the app exited with ${code} before listening:\n${out}`)));
  });
}

export interface Isolated {
  /** The environment the app and tools run with: a data folder of their own, or (against a
   * server) a database of their own. Filled in by beforeAll. */
  env: NodeJS.ProcessEnv;
  dataDir: string;
}

/**
 * For a test file that runs the app and the tools as processes: a fresh data folder (and, on a
 * server, a private database), set up before the file's tests and removed after, with every
 * process these helpers started killed.
 */
export function isolatedRun(prefix: string): Isolated {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `renewal-${prefix}-`));
  const iso: Isolated = { env: { ...process.env, DATA_DIR: dataDir }, dataDir };
  let privateDb: Awaited<ReturnType<typeof privateServerDatabase>>;
  beforeAll(async () => {
    privateDb = await privateServerDatabase();
    if (privateDb) iso.env = { ...iso.env, DATABASE_URL: privateDb.url };
  }, 60_000);
  afterAll(async () => {
    killAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await privateDb?.drop();
  });
  return iso;
}
