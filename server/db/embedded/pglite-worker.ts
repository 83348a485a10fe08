// The embedded database's owner thread: PGlite + PostGIS in a worker thread, served to any number
// of PostgreSQL clients (the app's own pool, and command-line tools in other processes) over one
// socket. PGlite has a single session, so the clients take turns: a client's unit of work (one
// simple Query, or extended-protocol messages up to Sync) runs whole, and while the session is
// inside a transaction only that client's units run. Other clients wait; nothing interleaves.
// A client that leaves in the middle of a transaction has it rolled back.
// (@electric-sql/pglite-socket 0.2 multiplexes one message at a time, so the Parse of one client
// can land between another's Parse and Bind; hence this small scheduler of whole units.)
//
// Queries run synchronously here, on this thread: the app's event loop stays free to answer
// requests (cached reads, health) while a long query or an import runs.
import { timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import {
  CANCEL_REQUEST,
  GSSENC_REQUEST,
  PROTOCOL_V3,
  SSL_REQUEST,
  askPassword,
  commandComplete,
  errorResponse,
  fatalError,
  firstDataValue,
  lastReadyStatus,
  passwordOf,
  queryText,
  readyForQuery,
  simpleQuery,
  splitMessages,
  untypedMessage,
  warningMessages,
  type Message,
} from "./wire.js";
import type { Endpoint } from "./lock.js";

export interface WorkerInput {
  /** PGlite data folder, or `memory://`. */
  dataDir: string;
  /** A gzipped data-folder tarball to start from (tests). */
  loadDataDir?: string;
  /** Where to listen. A port of 0 picks a free one. */
  listen: Endpoint;
  /** The password clients must give. */
  token: string;
}

export type WorkerReply =
  | { type: "ready"; endpoint: Endpoint }
  | { type: "failed"; message: string; stack?: string }
  | { type: "dump"; bytes: Uint8Array }
  | { type: "version"; version: string }
  | { type: "closed" };

export type WorkerRequest = { type: "dump" } | { type: "close" } | { type: "version" };

const input = workerData as WorkerInput;
const { PGlite } = await import("@electric-sql/pglite");
const { postgis } = await import("@electric-sql/pglite-postgis");

type Pg = import("@electric-sql/pglite").PGlite;

interface Client {
  id: number;
  socket: net.Socket;
  buf: Buffer;
  phase: "startup" | "password" | "ready";
  startup?: Buffer;
  /** Units waiting to run: each a list of messages (the first unit is the start-up message). */
  units: Buffer[][];
  /** Messages of the unit being collected (up to Sync). */
  partial: Buffer[];
  gone: boolean;
  /** Its transaction failed by a lost error (below): refuse all but its end, as PostgreSQL does. */
  aborted: boolean;
}

let pg: Pg;
let nextId = 1;
const clients = new Set<Client>();
/** Clients with units waiting, in arrival order (each listed once). */
const ready: Client[] = [];
/** The client whose transaction is open: only its units run until it ends. */
let owner: Client | undefined;
let scheduled = false;
let closing = false;

// The data version: the committed state's snapshot (`pg_current_snapshot()`), which changes with
// every transaction that ends. It is read whenever the session is idle and something may have
// committed since, so while a transaction is open (an import, say) the version of what is
// committed can be told at once, without waiting for that transaction.
let version = "";
let versionStale = true;

function readVersion() {
  if (!versionStale || owner) return;
  const reply = pg.execProtocolRawSync(simpleQuery("SELECT pg_current_snapshot()::text"));
  version = firstDataValue(reply) ?? version;
  versionStale = false;
}

function send(reply: WorkerReply) {
  parentPort!.postMessage(reply);
}

function fail(err: unknown) {
  const e = err as Error;
  send({ type: "failed", message: e?.message ?? String(err), stack: e?.stack });
}

function schedule() {
  if (scheduled || closing) return;
  scheduled = true;
  setImmediate(runSome);
}

/** Run one unit, then yield to the event loop so sockets are read between units. */
function runSome() {
  scheduled = false;
  if (reopening) return; // scheduled again once PGlite is back
  let client: Client | undefined;
  if (owner) {
    if (owner.units.length === 0) return; // the transaction's next statement has not arrived yet
    client = owner;
  } else {
    client = ready.shift();
    if (!client) return;
  }
  const unit = client.units.shift()!;
  const wasInTransaction = owner === client;
  let reply: Buffer;
  try {
    if (client.aborted) {
      reply = answerAborted(client, unit);
    } else {
      readVersion();
      const replies: Uint8Array[] = [];
      let failed = false;
      for (const msg of unit) {
        const r = pg.execProtocolRawSync(msg);
        replies.push(r);
        // Stop at a message that lost its error: running on (a Sync) would commit what it left.
        // (After a real error the server skips to Sync, so empty replies are then expected.)
        if (!failed && lostAt(msg, r, unit)) break;
        failed ||= hasMessage(r, [0x45 /* ErrorResponse */]);
      }
      reply = Buffer.concat(replies);
      if (lostError(unit.slice(0, replies.length), reply, replies.length < unit.length)) {
        reply = recoverLostError(client, (wasInTransaction || beginsTransaction(unit)) && !endsTransaction(unit));
      }
    }
  } catch (err) {
    // The database itself failed (not a query error, which is a normal reply): nothing can go on.
    fail(err);
    return;
  }
  const last = unit[unit.length - 1];
  const endsWithFlush = last[0] === 0x48; /* H */
  const status = lastReadyStatus(reply);
  owner = endsWithFlush || status === "T" || status === "E" ? client : undefined;
  if (!owner) versionStale = true;
  if (!client.gone) client.socket.write(reply);
  if (client.units.length && client !== owner && !ready.includes(client)) ready.push(client);
  if (owner?.gone) abandon(owner);
  if (needsReopen && !owner) {
    reopen();
    return;
  }
  if (ready.length || owner?.units.length) schedule();
  if (!owner && status === "I") void pg.syncToFs().catch(fail);
}

// PGlite + PostGIS lose some errors: when GEOS throws (e.g. ST_Intersection of a self-crossing
// polygon, any GEOS call on a ring of two points) the statement stops without an ErrorResponse:
// its reply is empty, or cut short and followed by warnings about resources it left open, and a
// surrounding transaction would go on to COMMIT. A PostgreSQL server raises an error there. So a
// reply like that is turned into the error it should have been: the session's transaction is rolled
// back, the client gets an ErrorResponse, and a client inside a transaction is refused everything
// but its end (25P02), exactly as after an error on the server.
const LEAK_WARNING = /still active|was not closed|leaked/;
const LOST_ERROR =
  "a PostGIS function failed on the embedded database (GEOS raised an error that PGlite cannot report); the same statement fails on a PostgreSQL server too";

function lostError(unit: Buffer[], reply: Buffer, stopped: boolean): boolean {
  if (stopped) return true;
  const last = unit[unit.length - 1][0];
  const expectsReady = last === 0x53 /* S */ || last === 0x51; /* Q */
  if (expectsReady && lastReadyStatus(reply) === undefined) return true;
  return warningMessages(reply).some((m) => LEAK_WARNING.test(m));
}

/**
 * Whether one frontend message's reply shows a lost error: Parse must answer ParseComplete, Bind
 * BindComplete, Execute and a simple Query CommandComplete (or a suspended portal), or else an
 * ErrorResponse. An EmptyQueryResponse counts only for a query that is really empty.
 */
function lostAt(msg: Buffer, reply: Uint8Array, unit: Buffer[]): boolean {
  const error = hasMessage(reply, [0x45]);
  switch (msg[0]) {
    case 0x50:
      return !error && !hasMessage(reply, [0x31]); // Parse → '1'
    case 0x42:
      return !error && !hasMessage(reply, [0x32]); // Bind → '2'
    case 0x45: {
      // Execute → 'C' | 's' (| 'I' for an empty statement)
      if (error || hasMessage(reply, [0x43, 0x73])) return false;
      const parse = unit.find((m) => m[0] === 0x50);
      const text = parse ? (parse.toString("utf8", 5, parse.length).split("\0")[1] ?? "") : "";
      return !(hasMessage(reply, [0x49]) && text.trim() === "");
    }
    case 0x51: // Query → 'C' per statement, or 'I' for an empty string
      return !error && !hasMessage(reply, [0x43]) && !(hasMessage(reply, [0x49]) && queryText(msg).trim() === "");
    default:
      return false;
  }
}

/** Whether a backend reply holds a message of one of these types (C, E, I, s …). */
function hasMessage(reply: Uint8Array, types: number[]): boolean {
  let off = 0;
  while (reply.length - off >= 5) {
    if (types.includes(reply[off])) return true;
    off += 1 + (((reply[off + 1] << 24) | (reply[off + 2] << 16) | (reply[off + 3] << 8) | reply[off + 4]) >>> 0);
  }
  return false;
}

/** Whether a unit opens a transaction block (PGlite's own state cannot be trusted after a lost error). */
function beginsTransaction(unit: Buffer[]): boolean {
  return unit.some((m) => m[0] === 0x51 && /^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(queryText(m)));
}

/** Whether a unit ends one (a failed COMMIT still ends it, as on the server). */
function endsTransaction(unit: Buffer[]): boolean {
  return unit.some((m) => m[0] === 0x51 && /^\s*(COMMIT|END|ROLLBACK|ABORT)\s*(WORK|TRANSACTION)?\s*;?\s*$/i.test(queryText(m)));
}

// Each lost error leaves something behind in PGlite's memory (GEOS unwinds badly): after two or
// three, plain calls such as ST_IsValid start failing too. So after one, once no transaction is
// open, PGlite is closed and opened again (a memory database through a dump of its files).
let needsReopen = false;
let reopening = false;

function reopen() {
  needsReopen = false;
  reopening = true;
  void (async () => {
    const memory = input.dataDir.startsWith("memory://");
    const dump = memory ? await pg.dumpDataDir("none") : undefined;
    await pg.close().catch(() => undefined);
    pg = await PGlite.create(input.dataDir, { extensions: { postgis }, loadDataDir: dump });
    versionStale = true;
  })().then(() => {
    reopening = false;
    schedule();
  }, fail);
}

function recoverLostError(client: Client, inTransaction: boolean): Buffer {
  needsReopen = true;
  // End the half-run statement and whatever transaction it left, until the session answers again.
  for (let i = 0; i < 4; i++) {
    pg.execProtocolRawSync(simpleQuery("ROLLBACK"));
    const probe = pg.execProtocolRawSync(simpleQuery("SELECT 1"));
    if (lastReadyStatus(probe) === "I" && !hasMessage(probe, [0x45 /* ErrorResponse */])) break;
    pg.execProtocolRawSync(Buffer.from([0x53, 0, 0, 0, 4])); // Sync: leave an extended-protocol error state
  }
  client.aborted = inTransaction;
  return Buffer.concat([errorResponse("XX000", LOST_ERROR), readyForQuery(inTransaction ? "E" : "I")]);
}

/** A unit from a client whose transaction was lost: only ROLLBACK/COMMIT (which rolls back) pass. */
function answerAborted(client: Client, unit: Buffer[]): Buffer {
  const msg = unit[unit.length - 1];
  const sql = msg[0] === 0x51 ? queryText(msg).trim().replace(/;$/, "").trim().toUpperCase() : "";
  if (/^(ROLLBACK|ABORT|COMMIT|END)(\s+(WORK|TRANSACTION))?$/.test(sql)) {
    client.aborted = false;
    return Buffer.concat([commandComplete("ROLLBACK"), readyForQuery("I")]);
  }
  return Buffer.concat([errorResponse("25P02", "current transaction is aborted, commands ignored until end of transaction block"), readyForQuery("E")]);
}

function enqueue(client: Client, unit: Buffer[]) {
  client.units.push(unit);
  if (client !== owner && !ready.includes(client)) ready.push(client);
  schedule();
}

/** A client went away: drop what it queued; roll back its open transaction. */
function abandon(client: Client) {
  client.gone = true;
  client.units.length = 0;
  const i = ready.indexOf(client);
  if (i >= 0) ready.splice(i, 1);
  clients.delete(client);
  if (owner === client) {
    owner = undefined;
    versionStale = true;
    try {
      pg.execProtocolRawSync(simpleQuery("ROLLBACK"));
    } catch (err) {
      fail(err);
    }
    schedule();
  }
}

function onData(client: Client, chunk: Buffer) {
  client.buf = client.buf.length ? Buffer.concat([client.buf, chunk]) : chunk;
  try {
    while (client.phase === "startup") {
      const m = untypedMessage(client.buf);
      if (!m) return;
      client.buf = client.buf.subarray(m.bytes.length);
      if (m.code === SSL_REQUEST || m.code === GSSENC_REQUEST) {
        client.socket.write("N"); // no encryption on a local socket
      } else if (m.code === CANCEL_REQUEST) {
        client.socket.end(); // a running statement cannot be interrupted here
        return;
      } else if (m.code === PROTOCOL_V3) {
        client.startup = Buffer.from(m.bytes);
        client.phase = "password";
        client.socket.write(askPassword());
      } else {
        client.socket.end(fatalError("08P01", `unsupported protocol ${m.code}`));
        return;
      }
    }
    const { messages, rest } = splitMessages(client.buf);
    client.buf = Buffer.from(rest);
    for (const msg of messages) handleMessage(client, msg);
  } catch (err) {
    client.socket.end(fatalError("08P01", (err as Error).message));
  }
}

function handleMessage(client: Client, msg: Message) {
  if (client.phase === "password") {
    const given = msg.type === "p" ? Buffer.from(passwordOf(msg)) : Buffer.alloc(0);
    const want = Buffer.from(input.token);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      client.socket.end(fatalError("28P01", "password authentication failed: this database belongs to another process; reach it through owner.lock"));
      return;
    }
    client.phase = "ready";
    enqueue(client, [client.startup!]);
    return;
  }
  if (msg.type === "X") {
    client.socket.end();
    return;
  }
  const bytes = Buffer.from(msg.bytes);
  client.partial.push(bytes);
  // A unit ends with Sync, a simple Query or a Flush (whose caller waits for the reply).
  if (msg.type === "S" || msg.type === "Q" || msg.type === "H") {
    const unit = client.partial;
    client.partial = [];
    enqueue(client, unit);
  }
}

async function main() {
  const loadDataDir = input.loadDataDir ? new Blob([fs.readFileSync(input.loadDataDir)]) : undefined;
  pg = await PGlite.create(input.dataDir, { extensions: { postgis }, loadDataDir });
  const server = net.createServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const client: Client = { id: nextId++, socket, buf: Buffer.alloc(0), phase: "startup", units: [], partial: [], gone: false, aborted: false };
    clients.add(client);
    socket.on("data", (chunk) => onData(client, chunk));
    socket.on("close", () => abandon(client));
    socket.on("error", () => abandon(client));
  });
  const listen = input.listen;
  if ("path" in listen) fs.rmSync(listen.path, { force: true }); // a socket left by a killed owner
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if ("path" in listen) server.listen(listen.path, resolve);
    else server.listen(listen.port, listen.host, resolve);
  });
  if ("path" in listen) fs.chmodSync(listen.path, 0o600);
  const addr = server.address();
  const endpoint: Endpoint = "path" in listen ? listen : { host: "127.0.0.1", port: (addr as net.AddressInfo).port };
  send({ type: "ready", endpoint });

  parentPort!.on("message", async (req: WorkerRequest) => {
    try {
      if (req.type === "version") {
        readVersion();
        send({ type: "version", version });
      } else if (req.type === "dump") {
        const blob = await pg.dumpDataDir("gzip");
        send({ type: "dump", bytes: new Uint8Array(await blob.arrayBuffer()) });
      } else if (req.type === "close") {
        closing = true;
        server.close();
        for (const c of clients) c.socket.destroy();
        if (owner) abandon(owner);
        await pg.close();
        if ("path" in listen) fs.rmSync(listen.path, { force: true });
        send({ type: "closed" });
      }
    } catch (err) {
      fail(err);
    }
  });
}

main().catch(fail);
