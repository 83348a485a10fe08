import type request from "supertest";

/**
 * A supertest parser that keeps the body as bytes (with `.buffer(true)`): for the walk graph,
 * spreadsheets and GeoPackages, which superagent would otherwise read as text or not at all.
 */
export function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
}
