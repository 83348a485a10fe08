import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { networkReport, type NetworkReport } from "../../web/src/analysis/components.js";
import { buildWalkGraph, decodeWalkGraph, encodeWalkGraph, type WalkGraph } from "../../web/src/analysis/walk-graph.js";
import { readWalkNetwork, walkNetworkSignature } from "../db/network.js";

/** The components report of the served graph, plus what was left out building it. */
export interface WalkNetworkReport extends NetworkReport {
  /** Walk edges left out because they run through a compound interior. */
  compoundInteriorEdges: number;
}

export interface EncodedWalkGraph {
  body: Uint8Array;
  /** Strong ETag (quoted), a hash of the body. */
  etag: string;
  nodeCount: number;
  edgeCount: number;
  /** Which pieces are not connected to the main network (reported, not dropped). */
  report: WalkNetworkReport;
  /** The graph itself, for what the server computes on it (cluster spans). */
  graph: WalkGraph;
}

/**
 * Serves the binary walk graph, rebuilding it only when the network's signature changes (walk
 * nodes, walk edges or compounds). One instance per app; safe under concurrent requests (they
 * share one rebuild).
 */
export function createWalkGraphService(knex: Knex) {
  let cached: { signature: string; graph: Promise<EncodedWalkGraph> } | undefined;

  async function build(): Promise<EncodedWalkGraph> {
    const data = await readWalkNetwork(knex);
    const body = encodeWalkGraph(buildWalkGraph(data));
    // The server computes on the graph as the browser receives it (coordinates and lengths
    // quantised by the encoding), so both sides measure the same network.
    const graph = decodeWalkGraph(body);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    const report = { ...networkReport(graph), compoundInteriorEdges: data.compoundInteriorEdges };
    return { body, etag, nodeCount: graph.nodeCount, edgeCount: graph.edgeCount, report, graph };
  }

  return {
    /** The current walk graph, encoded, with its components report. */
    async get(): Promise<EncodedWalkGraph> {
      const signature = await walkNetworkSignature(knex);
      if (!cached || cached.signature !== signature) {
        const graph = build();
        cached = { signature, graph };
        graph.catch(() => {
          if (cached?.graph === graph) cached = undefined;
        });
      }
      return cached.graph;
    },
  };
}
export type WalkGraphService = ReturnType<typeof createWalkGraphService>;
