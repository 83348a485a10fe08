import { useEffect, useMemo, useRef, useState } from "react";
import type { Amenities, Compounds, Gates, StandardsProfile } from "../../api/resources";
import type { CoverageResult } from "../../analysis/coverage";
import { AnalysisClient } from "../../worker/client";
import type { AnalysisRequest } from "../../worker/protocol";

export interface AnalysisState {
  status: "idle" | "loading" | "ready" | "error";
  /** How many times a worker was started for this page (a change of the engine's inputs starts a new one). */
  generation: number;
  error?: string;
  nodeCount?: number;
  edgeCount?: number;
  /** Time the worker took for the baseline coverage (ms). */
  ms?: number;
  baseline?: CoverageResult;
  call<T>(req: Exclude<AnalysisRequest, { type: "init" }>): Promise<T>;
}

/**
 * The analysis worker for the current data: started when the inputs are all loaded (and only
 * then: the public progress view never downloads the walk network), restarted when they change.
 */
export function useAnalysis(inputs: { compounds?: Compounds; gates?: Gates; amenities?: Amenities; standards?: StandardsProfile } | null): AnalysisState {
  const clientRef = useRef<AnalysisClient | null>(null);
  const [state, setState] = useState<Omit<AnalysisState, "call">>({ status: "idle", generation: 0 });
  const data = useMemo(() => {
    if (!inputs?.compounds || !inputs.gates || !inputs.amenities || !inputs.standards) return null;
    const gatesBy = new Map<number, Array<[number, number]>>();
    for (const g of inputs.gates.features) {
      const id = g.properties.compoundId;
      (gatesBy.get(id) ?? gatesBy.set(id, []).get(id)!).push(g.geometry.coordinates as [number, number]);
    }
    return {
      compounds: inputs.compounds.features.map((c) => ({
        id: c.properties.id,
        households: c.properties.households,
        gates: gatesBy.get(c.properties.id) ?? [],
      })),
      facilities: inputs.amenities.features.map((a) => ({
        id: a.properties.id,
        category: a.properties.category,
        lonLat: a.geometry.coordinates as [number, number],
      })),
      categories: inputs.standards.categories.map((c) => ({ code: c.code, circle: c.circle, limitM: c.limitM })),
      exactDistances: true,
    };
  }, [inputs?.compounds, inputs?.gates, inputs?.amenities, inputs?.standards]);
  // A reload that brings the same engine inputs (an edit of a name, an item, a building) keeps the
  // running worker: only a change of what it reads (households, gates, facilities) restarts it.
  const kept = useRef<{ key: string; data: NonNullable<typeof data> } | null>(null);
  const engineData = useMemo(() => {
    if (!data) return null;
    const key = JSON.stringify(data);
    if (kept.current?.key !== key) kept.current = { key, data };
    return kept.current.data;
  }, [data]);

  useEffect(() => {
    const data = engineData;
    if (!data) return;
    const client = new AnalysisClient();
    clientRef.current = client;
    let live = true;
    setState((s) => ({ status: "loading", generation: s.generation + 1 }));
    client
      .call<{ nodeCount: number; edgeCount: number; ms: number; baseline: CoverageResult }>({
        type: "init",
        graphUrl: new URL("/api/network/walk", location.href).href,
        data,
      } as AnalysisRequest)
      .then((r) => {
        if (live) setState((s) => ({ status: "ready", generation: s.generation, ...r }));
      })
      .catch((err: Error) => {
        if (live) setState((s) => ({ status: "error", generation: s.generation, error: err.message }));
      });
    return () => {
      live = false;
      client.terminate();
      if (clientRef.current === client) clientRef.current = null;
    };
  }, [engineData]);

  const call = useMemo(
    () =>
      <T>(req: Exclude<AnalysisRequest, { type: "init" }>) => {
        const c = clientRef.current;
        return c ? c.call<T>(req) : Promise.reject(new Error("the analysis is not loaded yet"));
      },
    [],
  );
  return { ...state, call };
}
