import { describe, expect, it } from "vitest";
import { draftStorageKey, readDraft, writeDraft, type PlanCluster } from "../../web/src/views/planner/useClusterPlan.js";

/** A Storage over a Map: what localStorage does, without a browser. */
function memoryStorage() {
  const m = new Map<string, string>();
  return {
    m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

describe("the planner's unsaved clusters (local draft)", () => {
  const plan: PlanCluster[] = [
    { key: "s7", name: "已保存", members: [1, 2], savedId: 7, version: 3, status: "planned" },
    { key: "c1", name: "片区 1", members: [3, 4, 5] },
    { key: "c2", name: "片区 2", members: [6], planYear: 2027, notes: "先做" },
  ];

  it("keeps only the unsaved clusters, per user, and gives them back", () => {
    const store = memoryStorage();
    writeDraft(store, 12, plan);
    expect([...store.m.keys()]).toEqual([draftStorageKey(12)]);
    expect(readDraft(store, 12)).toEqual([
      { key: "c1", name: "片区 1", members: [3, 4, 5], status: undefined, planYear: null, notes: null },
      { key: "c2", name: "片区 2", members: [6], status: undefined, planYear: 2027, notes: "先做" },
    ]);
    expect(readDraft(store, 13)).toEqual([]);
  });

  it("removes the draft when nothing is unsaved", () => {
    const store = memoryStorage();
    writeDraft(store, 12, plan);
    writeDraft(store, 12, plan.slice(0, 1));
    expect(store.m.size).toBe(0);
  });

  it("ignores a stored value that is not a draft", () => {
    const store = memoryStorage();
    for (const bad of ["{", "42", '{"key":"c1"}', '[{"key":"c1","name":"x","members":[1.5]}]', '[null,{"name":"x"}]']) {
      store.m.set(draftStorageKey(1), bad);
      expect(readDraft(store, 1), bad).toEqual([]);
    }
  });
});
