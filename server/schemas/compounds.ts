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

/**
 * The renovation fields of a compound no programme has listed yet: what the demo-city generator and
 * an OpenStreetMap import give each compound before an inventory or an editor says otherwise.
 */
export const UNLISTED_RENOVATION = {
  management: "none",
  tier: null,
  status: "unlisted",
  planYear: null,
  startedOn: null,
  completedOn: null,
  acceptedOn: null,
  surveyedHouseholds: null,
  satisfiedHouseholds: null,
} as const satisfies {
  management: Management;
  tier: null;
  status: CompoundStatus;
  planYear: null;
  startedOn: null;
  completedOn: null;
  acceptedOn: null;
  surveyedHouseholds: null;
  satisfiedHouseholds: null;
};
