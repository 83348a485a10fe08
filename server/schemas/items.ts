// The enums of renovation items (改造项目) and gates (出入口), defined once: the request bodies,
// the features the API serves, the generator and the web app take them from here.

/** An item's status: planned → started (施工中) → completed (已完工); cancelled when dropped. */
export const itemStatuses = ["planned", "started", "completed", "cancelled"] as const;
export type ItemStatus = (typeof itemStatuses)[number];

/** A gate's kind: main (车行主出入口), pedestrian only, or vehicle only. */
export const gateKinds = ["main", "pedestrian", "vehicle"] as const;
export type GateKind = (typeof gateKinds)[number];
