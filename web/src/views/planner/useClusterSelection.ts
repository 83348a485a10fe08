import { useEffect, useState } from "react";
import type { ClusterViolation, ClusterSheet as Sheet } from "../../../../server/schemas/clusters";
import { ApiError, fetchJson, sendJson } from "../../api/client";
import type { AdjacencyLink, Cluster, ClusterCompound, ClusterLimits } from "../../analysis/cluster";
import type { SiteProposal } from "../../analysis/siting";
import { NO_CHANGES } from "../../analysis/whatif";
import type { AnalysisState } from "../coverage/useAnalysis";
import type { PlanCluster } from "./useClusterPlan";

export type EngineDescription = { cluster: Cluster; violations: ClusterViolation[] };

/**
 * What the planner sees of the current cluster, following its members: the sheet (from the API:
 * a saved cluster's for the public, a selection's for signed-in users), the engine's description
 * and check (in the worker, by the city's rules), and a suggested site for the members' first
 * shared gap. Answers for members no longer current are dropped.
 */
export function useClusterSelection({
  cur,
  signedIn,
  analysis,
  rules,
  loadAdjacency,
  compoundOf,
  onError,
  signInMessage,
}: {
  cur: PlanCluster | null;
  signedIn: boolean;
  analysis: AnalysisState;
  rules: ClusterLimits | undefined;
  loadAdjacency(): Promise<{ pairs: AdjacencyLink[] }>;
  compoundOf(id: number): ClusterCompound;
  onError(e: ApiError): void;
  signInMessage: string;
}) {
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [engine, setEngine] = useState<EngineDescription | undefined>();
  const [site, setSite] = useState<{ category: string; proposal: SiteProposal | null } | undefined>();
  const memberKey = cur?.members.join(",") ?? "";
  const savedId = cur?.savedId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the members, the saved id, the sign-in, the worker or the rules change; the callbacks are read at that moment
  useEffect(() => {
    setSheet(null);
    setEngine(undefined);
    setSite(undefined);
    const members = memberKey ? memberKey.split(",").map(Number) : [];
    if (!members.length) return;
    let live = true;
    // The sheet of an unsaved selection is computed by the API for signed-in users only.
    const sheetReq =
      savedId && !signedIn
        ? fetchJson<Sheet>(`/api/clusters/${savedId}/sheet`)
        : signedIn
          ? sendJson<Sheet>("POST", "/api/clusters/sheet", savedId ? { memberIds: members, clusterId: savedId } : { memberIds: members })
          : Promise.reject(new ApiError(401, signInMessage));
    sheetReq.then(
      (s) => {
        if (live) setSheet(s);
      },
      (e: ApiError) => {
        if (live) onError(e);
      },
    );
    if (analysis.status === "ready" && rules) {
      loadAdjacency()
        .then(async ({ pairs }) => {
          const described = await analysis.call<EngineDescription>({
            type: "describeCluster",
            members,
            compounds: members.map(compoundOf),
            pairs,
            options: rules,
          });
          if (!live) return;
          setEngine(described);
          const gap = described.cluster.sharedGaps[0];
          if (gap) {
            const [proposal] = await analysis.call<SiteProposal[]>({ type: "site", category: gap, k: 1, changes: NO_CHANGES, within: members });
            if (live) setSite({ category: gap, proposal: proposal ?? null });
          }
        })
        .catch((e: Error) => {
          if (live) onError(new ApiError(0, e.message));
        });
    }
    return () => {
      live = false;
    };
  }, [memberKey, savedId, signedIn, analysis.status, rules]);

  return { sheet, engine, site };
}
