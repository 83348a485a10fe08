// The enums of renovation items (改造项目) and gates (出入口), defined once: the request bodies,
// the features the API serves, the generator and the web app take them from here.

/** An item's status: planned → started (施工中) → completed (已完工); cancelled when dropped. */
export const itemStatuses = ["planned", "started", "completed", "cancelled"] as const;
export type ItemStatus = (typeof itemStatuses)[number];

/**
 * Where an item may go from each status (a cancelled item may be planned again; a completed one is
 * final). The item status service enforces it (409 otherwise); `GET /api/items/statuses` serves it
 * to the editor.
 */
export const itemStatusTransitions: Readonly<Record<ItemStatus, readonly ItemStatus[]>> = {
  planned: ["started", "cancelled"],
  started: ["completed", "cancelled"],
  completed: [],
  cancelled: ["planned"],
};

/**
 * The moves a bulk change (all of a compound's items → `to`) makes for an item at `from`: the
 * shortest chain of allowed moves that never passes through cancelled (planned → completed is
 * planned → started → completed); [] when the item is already there, null when it cannot get there
 * (a cancelled item is never revived by a bulk move, nor a completed one undone).
 */
export function itemStatusSteps(from: ItemStatus, to: ItemStatus): ItemStatus[] | null {
  if (from === to) return [];
  if (from === "cancelled") return null;
  const seen = new Map<ItemStatus, ItemStatus[]>([[from, []]]);
  const queue: ItemStatus[] = [from];
  while (queue.length) {
    const at = queue.shift()!;
    for (const next of itemStatusTransitions[at]) {
      if (seen.has(next) || (next === "cancelled" && to !== "cancelled")) continue;
      const path = [...seen.get(at)!, next];
      if (next === to) return path;
      seen.set(next, path);
      queue.push(next);
    }
  }
  return null;
}

/** Every (from → to) bulk path of {@link itemStatusSteps} that moves something, for the editor. */
export function itemStatusPaths(): Record<ItemStatus, Partial<Record<ItemStatus, ItemStatus[]>>> {
  const out = {} as Record<ItemStatus, Partial<Record<ItemStatus, ItemStatus[]>>>;
  for (const from of itemStatuses) {
    out[from] = {};
    for (const to of itemStatuses) {
      const steps = itemStatusSteps(from, to);
      if (steps?.length) out[from][to] = steps;
    }
  }
  return out;
}

/** A gate's kind: main (车行主出入口), pedestrian only, or vehicle only. */
export const gateKinds = ["main", "pedestrian", "vehicle"] as const;
export type GateKind = (typeof gateKinds)[number];
