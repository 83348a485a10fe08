import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// One owner per embedded data folder. PGlite is a single-process database: the process that opens
// DATA_DIR holds `owner.lock` (pid, the kernel's start time of that pid, the command, where it
// serves the database and the secret other processes of this user present to reach it). A lock
// whose process is gone, or whose pid now belongs to a different process, is stale and is taken
// over. The file is created with O_EXCL, so two processes never both believe they own the folder.

export const LOCK_FILE = "owner.lock";
const TAKEOVER_FILE = "owner.lock.takeover";

/** Where the owner serves the PostgreSQL wire protocol: a Unix socket, or 127.0.0.1 and a port. */
export type Endpoint = { path: string } | { host: "127.0.0.1"; port: number };

export interface LockInfo {
  pid: number;
  /** `/proc/<pid>/stat` start time (clock ticks since boot); tells a reused pid apart. Null off Linux. */
  processStart: number | null;
  hostname: string;
  /** What holds the folder, e.g. "npm start" or "npm run import". */
  command: string;
  startedAt: string;
  /** Filled in once the owner serves the database. */
  endpoint: Endpoint | null;
  /** The password the owner's socket asks for (the file is readable by this user only). */
  token: string;
  /** The app's URL, when the owner is the web app. */
  url?: string;
}

/** The data folder is held by another live process. */
export class FolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    const since = new Date(holder.startedAt).toLocaleString("sv-SE").slice(0, 16);
    const what = holder.url ? `${holder.command} at ${holder.url}` : holder.command;
    super(
      `The data folder ${dataDir} is in use by ${what} (pid ${holder.pid}, since ${since}).\n` +
        "Only one process may open it. Stop that process first (Ctrl-C in its terminal, or `kill " +
        holder.pid +
        "`), " +
        "or give this one another folder with DATA_DIR=… .",
    );
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]);
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the process a lock names is still the one that wrote it. */
export function holderAlive(info: LockInfo): boolean {
  if (info.hostname !== os.hostname()) return true; // cannot check another machine: assume it lives
  if (!pidAlive(info.pid)) return false;
  if (info.processStart === null) return true;
  const now = processStartTime(info.pid);
  return now === null || now === info.processStart;
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), "utf8")) as LockInfo;
  } catch {
    // Missing, or unreadable junk (the lock is only ever linked in whole): no live owner named.
    return undefined;
  }
}

/** The live owner of `dataDir`, if any (stale locks are ignored). */
export function liveOwner(dataDir: string): LockInfo | undefined {
  const info = readLock(dataDir);
  return info && info.pid !== process.pid && holderAlive(info) ? info : undefined;
}

export interface HeldLock {
  info: LockInfo;
  /** Rewrite the lock with more facts (the endpoint once listening, the URL once serving). */
  update(patch: Partial<Pick<LockInfo, "endpoint" | "url">>): void;
  /** Remove the lock (only if it is still ours). */
  release(): void;
}

/** Create `file` holding `info` only if it does not exist; readers never see it half-written. */
function writeExclusive(file: string, info: LockInfo): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // atomic, and fails when the lock exists
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Take the lock on `dataDir` for this process, or throw {@link FolderInUseError} naming the live
 * holder. A stale lock (its process died, e.g. `kill -9`) is taken over: the takeover itself is
 * guarded by a second O_EXCL file, so two processes finding the same stale lock cannot both win.
 */
export function acquireLock(dataDir: string, command: string): HeldLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    processStart: processStartTime(process.pid),
    hostname: os.hostname(),
    command,
    startedAt: new Date().toISOString(),
    endpoint: null,
    token: randomBytes(24).toString("base64url"),
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (writeExclusive(file, info)) return heldLock(file, info);
    const holder = readLock(dataDir);
    if (holder && holderAlive(holder)) throw new FolderInUseError(dataDir, holder);
    takeOverStale(dataDir, holder);
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing`);
}

function takeOverStale(dataDir: string, stale: LockInfo | undefined) {
  const guard = path.join(dataDir, TAKEOVER_FILE);
  const mine = { pid: process.pid, processStart: processStartTime(process.pid), at: Date.now() };
  try {
    fs.writeFileSync(guard, JSON.stringify(mine), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process is taking over right now; or one died doing so (its guard is then old or dead).
    try {
      const other = JSON.parse(fs.readFileSync(guard, "utf8")) as typeof mine;
      const dead = !pidAlive(other.pid) || (other.processStart !== null && processStartTime(other.pid) !== other.processStart);
      if (dead || Date.now() - other.at > 10_000) fs.rmSync(guard, { force: true });
    } catch {
      fs.rmSync(guard, { force: true });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    // Still the same stale lock? (Another process may have taken over and written a live one.)
    const now = readLock(dataDir);
    const same = JSON.stringify(now) === JSON.stringify(stale);
    if (same && !(now && holderAlive(now))) fs.rmSync(path.join(dataDir, LOCK_FILE), { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function heldLock(file: string, info: LockInfo): HeldLock {
  let released = false;
  const ours = () => {
    try {
      const now = JSON.parse(fs.readFileSync(file, "utf8")) as LockInfo;
      return now.pid === info.pid && now.token === info.token;
    } catch {
      return false;
    }
  };
  return {
    info,
    update(patch) {
      Object.assign(info, patch);
      if (released || !ours()) return;
      // Write beside and rename over: a reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    release() {
      if (released) return;
      released = true;
      if (ours()) fs.rmSync(file, { force: true });
    },
  };
}
