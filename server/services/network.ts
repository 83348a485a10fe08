import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { buildWalkGraph, encodeWalkGraph } from "../../web/src/analysis/walk-graph.js";
import { readWalkNetwork, walkNetworkSignature } from "../db/network.js";

export interface EncodedWalkGraph {
  body: Uint8Array;
  /** Strong ETag (quoted), a hash of the body. */
  etag: string;
  nodeCount: number;
  edgeCount: number;
}

/**
 * Serves the binary walk graph, rebuilding it only when the network's signature changes.
 * One instance per app; safe under concurrent requests (they share one rebuild).
 */
export function createWalkGraphService(knex: Knex) {
  let cached: { signature: string; graph: Promise<EncodedWalkGraph> } | undefined;

  async function build(): Promise<EncodedWalkGraph> {
    const graph = buildWalkGraph(await readWalkNetwork(knex));
    const body = encodeWalkGraph(graph);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    return { body, etag, nodeCount: graph.nodeCount, edgeCount: graph.edgeCount };
  }

  return {
    /** The current walk graph, encoded. */
    async get(): Promise<EncodedWalkGraph> {
      const signature = await walkNetworkSignature(knex);
      if (!cached || cached.signature !== signature) {
        const graph = build();
        cached = { signature, graph };
        graph.catch(() => { if (cached?.graph === graph) cached = undefined; });
      }
      return cached.graph;
    },
  };
}
export type WalkGraphService = ReturnType<typeof createWalkGraphService>;
