import { useCallback, useEffect, useRef, useState } from "react";
import type { SessionCoverage } from "../../analysis/session";
import type { ScenarioChanges } from "../../analysis/whatif";
import type { AnalysisState } from "./useAnalysis";

/**
 * Coverage with the scenario's changes, recomputed in the worker whenever the changes do (or the
 * worker's baseline is rebuilt). The last result stays while the next is computed. While one run
 * is in the worker, newer changes wait and only the latest goes next (a facility dragged across
 * the map asks many times a second; the colours follow as fast as the worker answers, never
 * behind a queue). `taskError` is the last failure of the worker, here or in a task started with
 * `run` (isochrones, siting, reports).
 */
export function useCoverageResult({ analysis, changes }: { analysis: AnalysisState; changes: ScenarioChanges }) {
  const [result, setResult] = useState<SessionCoverage | undefined>();
  const [computing, setComputing] = useState(false);
  const [taskError, setTaskError] = useState<string | null>(null);

  // The run in the worker, and the changes to run once it is back (the latest only).
  const busy = useRef(false);
  const next = useRef<{ changes: ScenarioChanges; generation: number } | null>(null);
  const generation = useRef(0);
  const call = analysis.call;
  const pump = useCallback(() => {
    const job = next.current;
    if (busy.current || !job) return;
    next.current = null;
    busy.current = true;
    call<SessionCoverage>({ type: "coverage", changes: job.changes })
      .then(
        (r) => {
          if (job.generation !== generation.current) return;
          setResult(r);
          setTaskError(null);
        },
        (e: Error) => {
          if (job.generation === generation.current) setTaskError(e.message);
        },
      )
      .finally(() => {
        busy.current = false;
        if (next.current) pump();
        else if (job.generation === generation.current) setComputing(false);
      });
  }, [call]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new baseline (after an edit) is a trigger, though not read here
  useEffect(() => {
    if (analysis.status !== "ready") return;
    next.current = { changes, generation: ++generation.current };
    setComputing(true);
    pump();
  }, [analysis.status, pump, changes, analysis.baseline]);

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
