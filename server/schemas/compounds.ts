// The enums of compounds (小区), defined once: the schemas, server/db and the web app take them from here.

/** Renovation status, in order: unlisted → planned(year) → started → completed → accepted. */
export const compoundStatuses = ["unlisted", "planned", "started", "completed", "accepted"] as const;
export type CompoundStatus = (typeof compoundStatuses)[number];

/**
 * Where a compound may go from each status (planned ⇄ unlisted to list or withdraw it). The
 * status service enforces it; `GET /api/compounds/statuses` serves it to the editor.
 */
export const statusTransitions: Readonly<Record<CompoundStatus, readonly CompoundStatus[]>> = {
  unlisted: ["planned"],
  planned: ["started", "unlisted"],
  started: ["completed"],
  completed: ["accepted"],
  accepted: [],
};

/** Property management (物业): professional company, self-managed by residents, or none. */
export const managementTypes = ["professional", "self", "none"] as const;
export type Management = (typeof managementTypes)[number];
