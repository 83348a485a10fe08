import { QueryReader } from "../schemas/query.js";
import { cacheKey, type HandlerDeps, http, json } from "./http.js";

// The walk network as the engine routes on it: the binary graph and its components report.

export function createNetworkHandlers({ walkGraph, cache }: HandlerDeps) {
  return {
    walk: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => {
        const graph = await walkGraph.get();
        return {
          body: Buffer.from(graph.body.buffer, graph.body.byteOffset, graph.body.byteLength),
          type: "application/octet-stream",
          headers: { "X-Node-Count": String(graph.nodeCount), "X-Edge-Count": String(graph.edgeCount) },
        };
      });
    }),
    /** Pieces of the walk network the main network does not reach, and the interior edges left out. */
    report: http(async (req, res) => {
      new QueryReader(req.query as Record<string, unknown>).done();
      await cache.send(req, res, cacheKey(req), async () => json((await walkGraph.get()).report));
    }),
  };
}
