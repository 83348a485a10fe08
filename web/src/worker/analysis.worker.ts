/// <reference lib="webworker" />
// The analysis engine in a Web Worker: the walk graph is fetched and decoded here, so the page
// stays responsive while coverage, what-if runs, isochrones and siting compute.
import { AnalysisSession, type SessionInput } from "../analysis/session";
import { decodeWalkGraph } from "../analysis/walk-graph";
import type { AnalysisRequest, AnalysisResponse } from "./protocol";

let session: AnalysisSession | undefined;

async function handle(req: AnalysisRequest): Promise<unknown> {
  if (req.type === "init") {
    const res = await fetch(req.graphUrl);
    if (!res.ok) throw new Error(`walk network: HTTP ${res.status}`);
    const graph = decodeWalkGraph(await res.arrayBuffer());
    const input: SessionInput = { graph, ...req.data };
    const started = performance.now();
    session = new AnalysisSession(input);
    return { nodeCount: graph.nodeCount, edgeCount: graph.edgeCount, ms: performance.now() - started, baseline: session.baseline.result };
  }
  if (!session) throw new Error("the analysis is not loaded yet");
  switch (req.type) {
    case "coverage": return session.coverage(req.changes);
    case "distances": return session.distancesTo(req.category, req.changes);
    case "isochrone": return session.isochrone(req.from, req.limitsM, req.changes) ?? null;
    case "site": return session.site(req.category, req.k, req.changes, req.candidates);
  }
}

self.onmessage = (e: MessageEvent<AnalysisRequest & { id: number }>) => {
  const { id } = e.data;
  handle(e.data).then(
    (value) => self.postMessage({ id, ok: true, value } satisfies AnalysisResponse),
    (err: Error) => self.postMessage({ id, ok: false, error: err.message } satisfies AnalysisResponse),
  );
};
