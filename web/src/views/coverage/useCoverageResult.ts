import { useCallback, useEffect, useState } from "react";
import type { SessionCoverage } from "../../analysis/session";
import type { ScenarioChanges } from "../../analysis/whatif";
import type { AnalysisState } from "./useAnalysis";

/**
 * Coverage with the scenario's changes, recomputed in the worker whenever the changes do (or the
 * worker's baseline is rebuilt). The last result stays while the next is computed. `taskError` is
 * the last failure of the worker, here or in a task started with `run` (isochrones, siting,
 * reports).
 */
export function useCoverageResult({ analysis, changes }: { analysis: AnalysisState; changes: ScenarioChanges }) {
  const [result, setResult] = useState<SessionCoverage | undefined>();
  const [computing, setComputing] = useState(false);
  const [taskError, setTaskError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new baseline (after an edit) is a trigger, though not read here
  useEffect(() => {
    if (analysis.status !== "ready") return;
    let live = true;
    setComputing(true);
    analysis
      .call<SessionCoverage>({ type: "coverage", changes })
      .then(
        (r) => {
          if (live) {
            setResult(r);
            setTaskError(null);
          }
        },
        (e: Error) => {
          if (live) setTaskError(e.message);
        },
      )
      .finally(() => {
        if (live) setComputing(false);
      });
    return () => {
      live = false;
    };
  }, [analysis.status, analysis.call, changes, analysis.baseline]);

  /** Run a worker task: its failure becomes `taskError` (and it returns undefined), its start clears it. */
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      setTaskError(null);
      return await fn();
    } catch (e) {
      setTaskError((e as Error).message);
      return undefined;
    }
  }, []);

  return { result, computing, taskError, run };
}

/** How a hook runs a worker task (see {@link useCoverageResult}). */
export type RunTask = ReturnType<typeof useCoverageResult>["run"];
