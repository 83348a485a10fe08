/// <reference lib="webworker" />
// The analysis engine in a Web Worker: the walk graph is fetched and decoded here, so the page
// stays responsive while coverage, what-if runs, isochrones and siting compute.
import { checkCluster, clusterCompounds, describeCluster, type ClusterCompound } from "../analysis/cluster";
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
    case "coverage":
      return session.coverage(req.changes);
    case "distances":
      return session.distancesTo(req.category, req.changes);
    case "isochrone":
      return session.isochrone(req.from, req.limitsM, req.changes) ?? null;
    case "nearest":
      return session.nearestFacilities(req.compoundId, req.changes);
    case "serves":
      return session.serves(req.amenityId, req.changes) ?? null;
    case "site":
      return session.site(req.category, req.k, req.changes, req.candidates, req.within);
    case "cluster": {
      const s = session;
      const withGaps = (cs: ClusterCompound[]) => cs.map((c) => ({ ...c, missing: s.missingOf(c.id) }));
      return clusterCompounds(withGaps(req.candidates), req.pairs, { ...req.options, walkGraph: s.graph, partners: withGaps(req.partners) });
    }
    case "describeCluster": {
      const s = session;
      const compounds = req.compounds.map((c) => ({ ...c, missing: s.missingOf(c.id) }));
      const opts = { ...req.options, walkGraph: s.graph };
      return { cluster: describeCluster(req.members, compounds, opts), violations: checkCluster(req.members, compounds, req.pairs, opts) };
    }
  }
}

self.onmessage = (e: MessageEvent<AnalysisRequest & { id: number }>) => {
  const { id } = e.data;
  handle(e.data).then(
    (value) => self.postMessage({ id, ok: true, value } satisfies AnalysisResponse),
    (err: Error) => self.postMessage({ id, ok: false, error: err.message } satisfies AnalysisResponse),
  );
};
