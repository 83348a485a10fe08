import http from "node:http";
import zlib from "node:zlib";
import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { chooseEncoding, createResponseCache, type CachedAnswer } from "../../server/routes/response-cache.js";

// The cache of public answers on its own: built once per data version (and once for concurrent
// requests), compressed once, 304 on a matching ETag, bounded in bytes, and a build told to stop
// when every client waiting for it has gone.

function harness(opts: { maxBytes?: number; build?: (key: string, signal: AbortSignal) => Promise<CachedAnswer> } = {}) {
  let version = "v1";
  const builds: string[] = [];
  const cache = createResponseCache({ version: async () => version, maxBytes: opts.maxBytes });
  const app = express();
  app.get("/x/:key", (req, res, next) => {
    const key = String(req.params.key);
    cache
      .send(req, res, key, async (signal) => {
        builds.push(key);
        if (opts.build) return opts.build(key, signal);
        await new Promise((r) => setTimeout(r, 20));
        return { body: Buffer.from(JSON.stringify({ key, version, pad: "数据".repeat(2000) })), type: "application/json" };
      })
      .catch(next);
  });
  return {
    app,
    builds,
    cache,
    setVersion: (v: string) => {
      version = v;
    },
  };
}

describe("the response cache", () => {
  it("builds an answer once for 20 concurrent requests and once per data version", async () => {
    const h = harness();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(h.app).get("/x/a")));
    expect(answers.every((r) => r.status === 200 && r.body.key === "a")).toBe(true);
    expect(h.builds).toEqual(["a"]);
    await request(h.app).get("/x/a").expect(200);
    expect(h.builds).toEqual(["a"]);
    h.setVersion("v2");
    const fresh = await request(h.app).get("/x/a").expect(200);
    expect(fresh.body.version).toBe("v2");
    expect(h.builds).toEqual(["a", "a"]);
  });

  it("sends brotli or gzip as the client accepts, each decoding to the same body, and 304 for a known ETag", async () => {
    const h = harness();
    const server = h.app.listen(0);
    const port = (server.address() as { port: number }).port;
    // Raw bytes as sent (supertest would decode them first).
    const raw = (enc: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get({ port, host: "127.0.0.1", path: "/x/b", headers: { "Accept-Encoding": enc } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on("error", reject);
      });
    const plain = await raw("identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const br = await raw("gzip, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gz = await raw("gzip;q=1, br;q=0");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(h.builds).toEqual(["b"]);
    // Any of the body's ETags (per coding) revalidates it; after a change it no longer does.
    for (const tag of [plain.headers.etag, br.headers.etag, gz.headers.etag, `W/${br.headers.etag}`].map(String)) {
      await request(h.app).get("/x/b").set("If-None-Match", tag).expect(304);
    }
    h.setVersion("v9");
    const changed = await request(h.app).get("/x/b").set("If-None-Match", String(plain.headers.etag));
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(plain.headers.etag);
    expect(changed.headers.vary).toMatch(/Accept-Encoding/);
    server.close();
  });

  it("keeps no more bytes than it is given, dropping the least recently used", async () => {
    const h = harness({ maxBytes: 30_000 });
    for (const k of ["a", "b", "c", "d"]) await request(h.app).get(`/x/${k}`).set("Accept-Encoding", "identity").expect(200);
    expect(h.cache.stats().bytes).toBeLessThanOrEqual(30_000);
    expect(h.cache.stats().entries).toBeLessThan(4);
    await request(h.app).get("/x/d").set("Accept-Encoding", "identity").expect(200);
    await request(h.app).get("/x/a").set("Accept-Encoding", "identity").expect(200);
    expect(h.builds).toEqual(["a", "b", "c", "d", "a"]); // d was still kept, a had gone
  });

  it("tells a build to stop once every client waiting for it has gone", async () => {
    let aborted = false;
    const h = harness({
      build: (_key, signal) =>
        new Promise((resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("cancelled"));
          });
          setTimeout(() => resolve({ body: Buffer.from("late"), type: "text/plain" }), 3000);
        }),
    });
    const server = h.app.listen(0);
    const port = (server.address() as { port: number }).port;
    const controller = new AbortController();
    const req = fetch(`http://127.0.0.1:${port}/x/slow`, { signal: controller.signal }).catch(() => "gone");
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await req;
    for (let i = 0; i < 50 && !aborted; i++) await new Promise((r) => setTimeout(r, 20));
    expect(aborted).toBe(true);
    server.close();
  });

  it("chooses the coding by the client's preferences", () => {
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("identity")).toBe("identity");
    expect(chooseEncoding(undefined)).toBe("identity");
  });
});
