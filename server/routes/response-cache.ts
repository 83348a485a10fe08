import { createHash } from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Request, Response } from "express";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** What a cacheable read answers: the body, its media type and any extra headers. */
export interface CachedAnswer {
  body: Buffer;
  type: string;
  headers?: Record<string, string>;
  /** `Content-Disposition: attachment` file name (exports). */
  fileName?: string;
}

type Encoding = "br" | "gzip" | "identity";

interface Entry {
  version: string;
  etag: string;
  answer: CachedAnswer;
  coded: Partial<Record<Exclude<Encoding, "identity">, Promise<Buffer>>>;
  bytes: number;
}

export interface ResponseCacheOptions {
  /** The committed data's version (Database.dataVersion): an entry answers only for its version. */
  version: () => Promise<string>;
  /** Bytes kept, bodies and their compressed forms together (least recently used go first); 0: no cache. */
  maxBytes?: number;
}

/** Bodies this small are sent as they are: compressing them saves nothing. */
const MIN_COMPRESS_BYTES = 1024;

/**
 * Public reads built once per data version and kept with their compressed bodies (brotli, gzip)
 * and an ETag, so a crowd of readers costs one query and no compression per request; `If-None-Match`
 * gets a 304. Concurrent misses share one build; memory is bounded (LRU by bytes). A build whose
 * every waiting request has gone away is told so through its AbortSignal (to cancel its query).
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the cache's closure holds its entries, byte count and in-flight builds
export function createResponseCache({ version, maxBytes = 256 * 1024 * 1024 }: ResponseCacheOptions) {
  const entries = new Map<string, Entry>();
  const building = new Map<string, { promise: Promise<Entry>; waiting: number; controller: AbortController }>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const evict = () => {
    for (const [key, e] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(key);
      bytes -= e.bytes;
    }
  };
  const remember = (key: string, e: Entry) => {
    const old = entries.get(key);
    if (old) bytes -= old.bytes;
    entries.set(key, e);
    bytes += e.bytes;
    evict();
  };

  async function entryFor(key: string, v: string, build: (signal: AbortSignal) => Promise<CachedAnswer>, req: Request): Promise<Entry> {
    const hit = entries.get(key);
    if (hit && hit.version === v) {
      hits++;
      entries.delete(key); // most recently used goes last
      entries.set(key, hit);
      return hit;
    }
    misses++;
    const flight = `${key}\u0000${v}`;
    let b = building.get(flight);
    if (!b) {
      const controller = new AbortController();
      const promise = build(controller.signal)
        .then((answer) => {
          const etag = `"${createHash("sha256").update(answer.body).digest("base64url").slice(0, 27)}"`;
          const e: Entry = { version: v, etag, answer, coded: {}, bytes: answer.body.length };
          remember(key, e);
          return e;
        })
        .finally(() => building.delete(flight));
      b = { promise, waiting: 0, controller };
      building.set(flight, b);
    }
    const flightState = b;
    flightState.waiting++;
    // The client left before its answer: when nobody waits any more, the build may stop.
    let counted = true;
    const res = req.res!;
    const onClose = () => {
      if (!counted || res.writableFinished) return;
      counted = false;
      if (--flightState.waiting === 0) flightState.controller.abort();
    };
    res.once("close", onClose);
    try {
      return await flightState.promise;
    } finally {
      res.off("close", onClose);
      if (counted) flightState.waiting--;
    }
  }

  function coded(key: string, e: Entry, enc: Exclude<Encoding, "identity">): Promise<Buffer> {
    let p = e.coded[enc];
    if (!p) {
      p =
        enc === "br"
          ? brotli(e.answer.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: e.answer.body.length } })
          : gzip(e.answer.body, { level: 6 });
      e.coded[enc] = p;
      void p.then(
        (buf) => {
          e.bytes += buf.length;
          if (entries.get(key) === e) {
            bytes += buf.length;
            evict();
          }
        },
        () => {
          delete e.coded[enc];
        },
      );
    }
    return p;
  }

  return {
    /**
     * Answer `req` from the cache under `key` (which must hold every input of the answer: path,
     * parameters, public or internal), building it with `build` when the data changed.
     */
    async send(req: Request, res: Response, key: string, build: (signal: AbortSignal) => Promise<CachedAnswer>): Promise<void> {
      if (maxBytes === 0) {
        // No cache (RESPONSE_CACHE_MB=0): every answer is built and compressed as it is sent.
        const answer = await build(new AbortController().signal);
        for (const [k, val] of Object.entries(answer.headers ?? {})) res.set(k, val);
        res.type(answer.type);
        if (answer.fileName) res.attachment(answer.fileName);
        res.send(answer.body);
        return;
      }
      const v = await version();
      const e = await entryFor(key, v, build, req);
      if (res.destroyed) return;
      const { answer, etag } = e;
      res.set("Cache-Control", "no-cache");
      res.set("Vary", "Accept-Encoding");
      for (const [k, val] of Object.entries(answer.headers ?? {})) res.set(k, val);
      const enc = answer.body.length < MIN_COMPRESS_BYTES ? "identity" : chooseEncoding(req.headers["accept-encoding"]);
      const tag = enc === "identity" ? etag : `${etag.slice(0, -1)}-${enc}"`;
      res.set("ETag", tag);
      if (matches(req.headers["if-none-match"], etag)) {
        res.status(304).end();
        return;
      }
      res.type(answer.type);
      if (answer.fileName) res.attachment(answer.fileName);
      if (enc === "identity") {
        res.send(answer.body);
        return;
      }
      const body = await coded(key, e, enc);
      res.set("Content-Encoding", enc);
      res.send(body);
    },
    /** Figures for the benchmark: entries, bytes held, hits and misses so far. */
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;

/** br when the client takes it, else gzip, else the body as it is (q=0 refuses a coding). */
export function chooseEncoding(header: string | string[] | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of String(header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return "identity";
}

/** Whether If-None-Match names this body in any of its codings (or is `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const base = etag.slice(1, -1);
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag || tag === `"${base}-br"` || tag === `"${base}-gzip"`;
  });
}
