// The enums of users, defined once: the schemas, server/db and the web app take them from here.

/** A user's role: admins manage users and imports, planners edit, staff read internal data. */
export const roles = ["admin", "planner", "staff"] as const;
export type Role = (typeof roles)[number];
