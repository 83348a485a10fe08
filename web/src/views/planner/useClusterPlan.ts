import { useCallback, useEffect, useRef, useState } from "react";
import { fetchJson, sendJson, useApiTask } from "../../api/client";
import type { AdjacencyLink, ClusterCompound, ClusterOptions, ClusterResult } from "../../analysis/cluster";
import type { AnalysisState } from "../coverage/useAnalysis";
import type { FC } from "./overlay";
import { splitMembers } from "./overlay";

/** A cluster of the plan: saved (with its id and version) or not yet. */
export interface PlanCluster {
  key: string;
  name: string;
  members: number[];
  savedId?: number;
  version?: number;
  status?: string;
  planYear?: number | null;
  notes?: string | null;
}

interface SavedCluster {
  id: number;
  name: string;
  memberIds: number[];
  version: number;
  status: string;
  planYear: number | null;
  notes: string | null;
}

let seq = 0;
const newKey = () => `c${Date.now().toString(36)}${(seq++).toString(36)}`;
const savedKey = (id: number) => `s${id}`;

/** Where the unsaved clusters of a planner are kept between visits (this browser only). */
export const draftStorageKey = (userId: number | undefined) => `renewal.clusterDraft.${userId ?? "anonymous"}`;

/** The unsaved clusters kept for `userId`, or none when there are none or the stored value is not a draft. */
export function readDraft(storage: Pick<Storage, "getItem">, userId: number | undefined): PlanCluster[] {
  try {
    const v = JSON.parse(storage.getItem(draftStorageKey(userId)) ?? "[]");
    if (!Array.isArray(v)) return [];
    return v
      .filter((c) => c && typeof c.key === "string" && typeof c.name === "string" && Array.isArray(c.members) && c.members.every(Number.isInteger))
      .map((c) => ({ key: c.key, name: c.name, members: c.members, status: c.status, planYear: c.planYear ?? null, notes: c.notes ?? null }));
  } catch {
    return [];
  }
}

/** Keep the unsaved clusters of `plan` for `userId` (removes the draft when there are none). */
export function writeDraft(storage: Pick<Storage, "setItem" | "removeItem">, userId: number | undefined, plan: PlanCluster[]): void {
  const unsaved = plan.filter((c) => !c.savedId);
  if (unsaved.length) storage.setItem(draftStorageKey(userId), JSON.stringify(unsaved));
  else storage.removeItem(draftStorageKey(userId));
}

/** The adjacency graph of the city, loaded once when first needed (clustering, describing, showing it). */
export function useAdjacency() {
  const [adjacency, setAdjacency] = useState<{ pairs: AdjacencyLink[]; edges: FC } | null>(null);
  const load = useCallback(async () => {
    if (adjacency) return adjacency;
    const adj = await fetchJson<{ pairs: AdjacencyLink[]; edges: FC }>("/api/compounds/adjacency");
    setAdjacency(adj);
    return adj;
  }, [adjacency]);
  return { adjacency, load };
}

/**
 * The plan: saved clusters (from the API) and unsaved ones (from auto-clustering or edits), the
 * current one, and what changes them: auto-cluster, split, merge, click-editing, save, delete.
 * Every API call goes through `run`, which keeps `busy` and `error`.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: the plan's state and the operations on it, which share that state
export function useClusterPlan({
  analysis,
  loadAdjacency,
  userId,
  autoName,
  confirmMove,
}: {
  analysis: AnalysisState;
  loadAdjacency(): Promise<{ pairs: AdjacencyLink[] }>;
  userId: number | undefined;
  autoName(n: number): string;
  /** Asked before a compound joins the current cluster while it is a member of another: true moves it. */
  confirmMove(compoundId: number, from: PlanCluster): boolean;
}) {
  // Unsaved clusters survive a reload: they start from this browser's draft for the user.
  const [plan, setPlan] = useState<PlanCluster[]>(() => readDraft(localStorage, userId));
  const planRef = useRef(plan);
  planRef.current = plan;
  const [unassigned, setUnassigned] = useState<ClusterResult["unassigned"]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const { busy, error, setError, run } = useApiTask();

  const loadSaved = useCallback(
    () =>
      run(async () => {
        const r = await fetchJson<{ clusters: SavedCluster[] }>("/api/clusters");
        setPlan((p) => [
          ...r.clusters.map((c) => ({
            key: savedKey(c.id),
            name: c.name,
            members: c.memberIds,
            savedId: c.id,
            version: c.version,
            status: c.status,
            planYear: c.planYear,
            notes: c.notes,
          })),
          ...p.filter((x) => !x.savedId),
        ]);
      }),
    [run],
  );
  // Saved clusters again whenever who is signed in changes (drafts are visible only when signed in),
  // with that user's unsaved draft.
  const draftOwner = useRef(userId);
  useEffect(() => {
    if (draftOwner.current !== userId) {
      draftOwner.current = userId;
      setPlan(readDraft(localStorage, userId));
    }
    void loadSaved();
  }, [loadSaved, userId]);
  useEffect(() => {
    if (draftOwner.current === userId) writeDraft(localStorage, userId, plan);
  }, [plan, userId]);

  const cur = plan.find((c) => c.key === current) ?? null;
  const update = (k: string, patch: Partial<PlanCluster>) => setPlan((p) => p.map((c) => (c.key === k ? { ...c, ...patch } : c)));

  /** Cluster `candidates` (and bundle `partners`) in the worker; unsaved clusters are replaced. */
  const autoCluster = (candidates: ClusterCompound[], partners: ClusterCompound[], options: Omit<ClusterOptions, "walkGraph" | "partners">) =>
    run(async () => {
      const { pairs } = await loadAdjacency();
      const result = await analysis.call<ClusterResult>({ type: "cluster", candidates, partners, pairs, options });
      setPlan((p) => [...p.filter((c) => c.savedId), ...result.clusters.map((c, i) => ({ key: newKey(), name: autoName(i + 1), members: c.members }))]);
      setUnassigned(result.unassigned);
      setCurrent(null);
    });

  /**
   * Add a compound to the current cluster, or take it out. A compound in another cluster joins only
   * when `confirmMove` says so; it then leaves an unsaved one (a saved one keeps it until saved, and
   * the API warns of the overlap).
   */
  const toggleMember = useCallback(
    (id: number) => {
      const target = planRef.current.find((c) => c.key === current);
      if (!target) return;
      const other = target.members.includes(id) ? undefined : planRef.current.find((c) => c.key !== current && c.members.includes(id));
      if (other && !confirmMove(id, other)) return;
      setPlan((p) => {
        const target = p.find((c) => c.key === current);
        if (!target) return p;
        const adding = !target.members.includes(id);
        return p.map((c) => {
          if (c.key === current) return { ...c, members: adding ? [...c.members, id].sort((a, b) => a - b) : c.members.filter((m) => m !== id) };
          // A compound leaves an unsaved cluster it was in; saved clusters keep theirs (the API will warn).
          if (adding && !c.savedId) return { ...c, members: c.members.filter((m) => m !== id) };
          return c;
        });
      });
    },
    [current, confirmMove],
  );

  const split = (centreOf: (id: number) => [number, number]) => {
    if (!cur || cur.members.length < 2) return;
    const [a, b] = splitMembers(cur.members.map((id) => ({ id, c: centreOf(id) })));
    setPlan((p) => [...p.map((c) => (c.key === cur.key ? { ...c, members: a } : c)), { key: newKey(), name: `${cur.name}-2`, members: b }]);
  };
  const merge = (otherKey: string) => {
    const other = plan.find((c) => c.key === otherKey);
    if (!cur || !other || other.savedId) return;
    const members = [...new Set([...cur.members, ...other.members])].sort((x, y) => x - y);
    setPlan((p) => p.filter((c) => c.key !== other.key).map((c) => (c.key === cur.key ? { ...c, members } : c)));
  };
  const save = () =>
    run(async () => {
      if (!cur) return;
      const body = {
        name: cur.name,
        planYear: cur.planYear ?? undefined,
        notes: cur.notes ?? undefined,
        status: cur.status ?? "draft",
        memberIds: cur.members,
      };
      const saved = cur.savedId
        ? await sendJson<SavedCluster>("PATCH", `/api/clusters/${cur.savedId}`, { ...body, version: cur.version })
        : await sendJson<SavedCluster>("POST", "/api/clusters", body);
      update(cur.key, { key: savedKey(saved.id), savedId: saved.id, version: saved.version, status: saved.status, members: saved.memberIds });
      setCurrent(savedKey(saved.id));
    });
  const remove = (confirmDelete: (c: PlanCluster) => boolean) =>
    run(async () => {
      if (!cur) return;
      if (cur.savedId) {
        if (!confirmDelete(cur)) return;
        await sendJson("DELETE", `/api/clusters/${cur.savedId}?version=${cur.version}`);
      }
      setPlan((p) => p.filter((c) => c.key !== cur.key));
      setCurrent(null);
    });

  return {
    plan,
    cur,
    current,
    setCurrent,
    unassigned,
    busy,
    error,
    setError,
    run,
    loadSaved,
    autoCluster,
    toggleMember,
    split,
    merge,
    save,
    remove,
    patchCur: (patch: Partial<PlanCluster>) => cur && update(cur.key, patch),
  };
}
