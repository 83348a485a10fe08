import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Endpoint } from "./lock.js";
import type { WorkerInput, WorkerReply, WorkerRequest } from "./pglite-worker.js";

/** Unix socket paths are limited to ~107 bytes; longer folders get 127.0.0.1 and a free port. */
const MAX_SOCKET_PATH = 100;
/** The name libpq and node-postgres look for in a socket directory, for port 5432. */
export const SOCKET_NAME = ".s.PGSQL.5432";

export interface EmbeddedServer {
  endpoint: Endpoint;
  token: string;
  /** A gzipped tarball of the data folder (PGlite's dumpDataDir). */
  dump(): Promise<Buffer>;
  /** The committed data's version, answered even while a transaction is open (see the worker). */
  version(): Promise<string>;
  /** Close PGlite cleanly; after `timeoutMs` the thread is stopped (a crash PGlite recovers from). */
  close(timeoutMs?: number): Promise<void>;
  /** Called once if the database thread fails or exits on its own. */
  onFailure(cb: (err: Error) => void): void;
}

/** Where to listen for a data folder: a socket inside it when the path is short enough. */
export function endpointFor(socketDir: string): Endpoint {
  const p = path.join(socketDir, SOCKET_NAME);
  return p.length <= MAX_SOCKET_PATH ? { path: p } : { host: "127.0.0.1", port: 0 };
}

/**
 * Open PGlite + PostGIS on `dataDir` in a worker thread that serves it over a socket
 * (see pglite-worker.ts). The caller must hold the folder's lock.
 */
export async function startEmbeddedServer(opts: { dataDir: string; loadDataDir?: string; token: string }): Promise<EmbeddedServer> {
  let socketDir = opts.dataDir;
  let tmpDir: string | undefined;
  if (opts.dataDir.startsWith("memory://")) socketDir = tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "renewal-pg-"));
  const input: WorkerInput = { dataDir: opts.dataDir, loadDataDir: opts.loadDataDir, listen: endpointFor(socketDir), token: opts.token };
  const here = import.meta.url;
  const entry = new URL(here.endsWith(".ts") ? "./pglite-worker.ts" : "./pglite-worker.js", here).href;
  const worker = new Worker(new URL("../../worker-boot.mjs", here), { workerData: { ...input, entry } });

  // Replies arrive in order per type; a failure of the thread rejects everything still waiting.
  const waiting = new Map<string, Array<{ resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>>();
  let onFailure: ((err: Error) => void) | undefined;
  let failed: Error | undefined;
  let closed = false;
  const failure = (err: Error) => {
    if (failed) return;
    failed = err;
    for (const list of waiting.values()) for (const w of list.splice(0)) w.reject(err);
    if (!closed) onFailure?.(err);
  };
  const next = (type: WorkerReply["type"]) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failed) return reject(failed);
      const list = waiting.get(type) ?? [];
      list.push({ resolve, reject });
      waiting.set(type, list);
    });
  worker.on("message", (r: WorkerReply) => {
    if (r.type === "failed") {
      const err = new Error(`embedded database: ${r.message}`);
      err.stack = r.stack ?? err.stack;
      failure(err);
      return;
    }
    waiting.get(r.type)?.shift()?.resolve(r);
  });
  worker.on("error", (err) => failure(err));
  worker.on("exit", (code) => failure(new Error(`the embedded database thread exited (code ${code})`)));
  const post = (m: WorkerRequest) => worker.postMessage(m);

  const started = await next("ready").catch(async (err) => {
    closed = true;
    await worker.terminate();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  });
  const endpoint = (started as Extract<WorkerReply, { type: "ready" }>).endpoint;

  return {
    endpoint,
    token: opts.token,
    async dump() {
      const reply = next("dump");
      post({ type: "dump" });
      return Buffer.from(((await reply) as Extract<WorkerReply, { type: "dump" }>).bytes);
    },
    async version() {
      const reply = next("version");
      post({ type: "version" });
      return ((await reply) as Extract<WorkerReply, { type: "version" }>).version;
    },
    async close(timeoutMs = 5000) {
      if (closed) return;
      const done = failed ? Promise.resolve() : next("closed").catch(() => undefined);
      closed = true;
      post({ type: "close" });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        done,
        new Promise((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      await worker.terminate();
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    },
    onFailure(cb) {
      onFailure = cb;
      if (failed && !closed) cb(failed);
    },
  };
}
