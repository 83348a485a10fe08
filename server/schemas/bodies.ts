import { z } from "zod";
import { clusterStatuses } from "./clusters.js";
import { compoundStatuses, managementTypes } from "./compounds.js";
import { gateKinds, itemStatuses } from "./items.js";
import { roles } from "./users.js";
import { tierCodes } from "./reference.js";
import { count, geometrySchema, int4, lonLatPair, rowId, safeString, version } from "./primitives.js";

// Request bodies of the write API, made of the primitives in primitives.ts (text PostgreSQL can
// store, int4 integers, checked GeoJSON). Geometry is GeoJSON in EPSG:4326 ([lon, lat]); PostGIS
// checks validity and the city's bounds after these shape checks.

export const pointGeometry = geometrySchema(["Point"]);
export const polygonGeometry = geometrySchema(["Polygon"]);
export const areaGeometry = geometrySchema(["Polygon", "MultiPolygon"]);
export const itemGeometry = geometrySchema(["Point", "MultiPoint", "LineString", "Polygon"]).nullable();

const name = safeString().trim().min(1, "must not be empty").max(100);
const year = int4(1900, 2100);

const compoundFields = {
  name,
  address: safeString().trim().max(200).nullable(),
  buildYear: year.nullable(),
  households: count,
  buildingCount: count,
  floorAreaM2: z.number().min(0).max(1e9).nullable(),
  management: z.enum(managementTypes),
  communityId: rowId("a community").nullable(),
  subdistrictId: rowId("a subdistrict").nullable(),
  tier: z.enum(tierCodes).nullable(),
  geometry: areaGeometry,
};
export const compoundCreate = z.strictObject({
  ...compoundFields,
  address: compoundFields.address.optional(),
  buildYear: compoundFields.buildYear.optional(),
  households: count.default(0),
  buildingCount: count.default(0),
  floorAreaM2: compoundFields.floorAreaM2.optional(),
  management: compoundFields.management.default("none"),
  communityId: compoundFields.communityId.optional(),
  subdistrictId: compoundFields.subdistrictId.optional(),
  tier: compoundFields.tier.optional(),
});
export const compoundPatch = z
  .strictObject({ ...compoundFields, version })
  .partial()
  .required({ version: true });

const gateFields = { name: safeString().trim().max(50).nullable(), kind: z.enum(gateKinds), geometry: pointGeometry };
export const gateCreate = z.strictObject({ ...gateFields, name: gateFields.name.optional(), kind: gateFields.kind.default("main") });
export const gatePatch = z
  .strictObject({ ...gateFields, version })
  .partial()
  .required({ version: true });

const buildingFields = {
  name: safeString().trim().max(50).nullable(),
  floors: int4(1, 150),
  units: int4(1, 100),
  hasElevator: z.boolean(),
  households: count.nullable(),
  buildYear: year.nullable(),
  geometry: polygonGeometry,
};
export const buildingCreate = z.strictObject({
  ...buildingFields,
  name: buildingFields.name.optional(),
  units: buildingFields.units.default(1),
  hasElevator: buildingFields.hasElevator.default(false),
  households: buildingFields.households.optional(),
  buildYear: buildingFields.buildYear.optional(),
});
export const buildingPatch = z
  .strictObject({ ...buildingFields, version })
  .partial()
  .required({ version: true });

const itemFields = {
  kind: safeString().trim().min(1).max(50),
  quantity: z.number().min(0).max(1e9),
  unit: safeString().trim().min(1).max(20),
  costYuan: z.number().min(0).max(1e12),
  status: z.enum(itemStatuses),
  notes: safeString().max(2000).nullable(),
  geometry: itemGeometry,
  /** The building (and its unit, 单元) the item belongs to: needed for an elevator retrofit. */
  buildingId: rowId("a building").nullable(),
  buildingUnit: int4(1, 99).nullable(),
};
export const itemCreate = z.strictObject({
  ...itemFields,
  unit: itemFields.unit.optional(),
  costYuan: itemFields.costYuan.optional(),
  status: itemFields.status.default("planned"),
  notes: itemFields.notes.optional(),
  geometry: itemFields.geometry.optional(),
  buildingId: itemFields.buildingId.optional(),
  buildingUnit: itemFields.buildingUnit.optional(),
});
export const itemPatch = z
  .strictObject({ ...itemFields, version })
  .partial()
  .required({ version: true });

const isoDate = safeString()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(d)), { message: "not a real date", params: { code: "invalid_date" } });
export const statusChange = z.strictObject({
  to: z.enum(compoundStatuses),
  on: isoDate.optional(),
  planYear: int4(2000, 2100).optional(),
  tier: z.enum(tierCodes).optional(),
  surveyedHouseholds: count.optional(),
  satisfiedHouseholds: count.optional(),
  version,
});

/** POST /api/items/:id/status: move one renovation item (server/schemas/items.ts has the allowed moves). */
export const itemStatusChange = z.strictObject({ to: z.enum(itemStatuses), on: isoDate.optional(), version });
/** At most this many items in one bulk status move (a compound has a few dozen). */
export const BULK_ITEMS_MAX = 1000;
/**
 * POST /api/compounds/:id/items/status: move every listed item of the compound that can get to
 * `to`, each at the version the client saw (one stale version: 409 and nothing moves).
 */
export const compoundItemsStatusChange = z.strictObject({
  to: z.enum(itemStatuses),
  on: isoDate.optional(),
  items: z
    .array(z.strictObject({ id: rowId("a renovation item of this compound"), version }), { error: "expected items: an array of {id, version}" })
    .min(1, "list the items to move, each with the version you saw")
    .max(BULK_ITEMS_MAX, `at most ${BULK_ITEMS_MAX} items at once`)
    .superRefine((list, ctx) => {
      const seen = new Map<number, number>();
      list.forEach((it, i) => {
        const first = seen.get(it.id);
        if (first !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [i, "id"],
            message: `item ${it.id} is already listed at items[${first}]`,
            params: { code: "duplicate", at: `items[${first}]` },
          });
        else seen.set(it.id, i);
      });
    }),
});

export const signInBody = z.strictObject({ name: safeString().min(1).max(100), password: safeString().min(1).max(200) });
export const userCreate = z.strictObject({
  name: safeString()
    .trim()
    .regex(/^[\p{L}\p{N}_.-]{2,40}$/u, "2–40 letters, digits, _ . -"),
  displayName: safeString().trim().max(100).nullable().optional(),
  role: z.enum(roles),
  password: safeString().max(200),
});
export const userPatch = z.strictObject({
  displayName: safeString().trim().max(100).nullable().optional(),
  role: z.enum(roles).optional(),
  disabled: z.boolean().optional(),
  password: safeString().max(200).optional(),
  version,
});

// Saved what-if scenarios for the coverage analysis. These are shape checks; the service checks
// categories against the standards profile, ids against the database and points against the city.

/** At most this many facility and gate changes in one scenario, together. */
export const SCENARIO_MAX_CHANGES = 500;
const scenarioKey = safeString().min(1, "must not be empty").max(64, "at most 64 characters");
const scenarioLonLat = lonLatPair;

const facilityChange = z
  .strictObject({
    key: scenarioKey,
    action: z.enum(["add", "move", "remove"]),
    category: safeString().min(1).max(100).optional(),
    amenityId: rowId("an existing amenity").optional(),
    lonLat: scenarioLonLat.optional(),
  })
  .superRefine((c, ctx) => {
    const need = (field: keyof typeof c, why: string) => {
      if (c[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: why, params: { code: "required" } });
    };
    const forbid = (field: keyof typeof c, why: string) => {
      if (c[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: why, params: { code: "not_allowed" } });
    };
    if (c.action === "add") {
      need("category", "required for add: a category code of the standards profile");
      need("lonLat", "required for add: where the new facility goes, [lon, lat]");
      forbid("amenityId", "not used for add (a new facility has no amenity id yet)");
    } else {
      need("amenityId", `required for ${c.action}: the id of the existing amenity`);
      forbid("category", `not used for ${c.action}: the amenity keeps its category`);
      if (c.action === "move") need("lonLat", "required for move: where the facility moves to, [lon, lat]");
      else forbid("lonLat", "not used for remove");
    }
  });
const gateChange = z.strictObject({
  key: scenarioKey,
  action: z.literal("add", { error: 'expected "add" (scenarios can only add gates)' }),
  compoundId: rowId("an existing compound"),
  lonLat: scenarioLonLat,
});

function uniqueKeys(list: Array<{ key: string }>, listName: string, ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  list.forEach((c, i) => {
    const first = seen.get(c.key);
    if (first !== undefined)
      ctx.addIssue({
        code: "custom",
        path: [listName, i, "key"],
        message: `"${c.key}" is already used by ${listName}[${first}]; keys must be unique`,
        params: { code: "duplicate", at: `${listName}[${first}]` },
      });
    else seen.set(c.key, i);
  });
}

export const scenarioChanges = z
  .strictObject({
    facilities: z.array(facilityChange).max(SCENARIO_MAX_CHANGES, `at most ${SCENARIO_MAX_CHANGES} changes in a scenario`).default([]),
    gates: z.array(gateChange).max(SCENARIO_MAX_CHANGES, `at most ${SCENARIO_MAX_CHANGES} changes in a scenario`).default([]),
  })
  .superRefine((c, ctx) => {
    const total = c.facilities.length + c.gates.length;
    if (total > SCENARIO_MAX_CHANGES) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `at most ${SCENARIO_MAX_CHANGES} changes in a scenario (facilities and gates together); this has ${total}`,
        params: { code: "too_big", origin: "array", maximum: SCENARIO_MAX_CHANGES },
      });
    }
    uniqueKeys(c.facilities, "facilities", ctx);
    uniqueKeys(c.gates, "gates", ctx);
  });
export type ScenarioChanges = z.infer<typeof scenarioChanges>;

const scenarioFields = {
  name: safeString({ error: "expected a name" }).trim().min(1, "must not be empty").max(100, "at most 100 characters"),
  notes: safeString().max(4000, "at most 4000 characters").nullable(),
  changes: scenarioChanges,
};
export const scenarioCreate = z.strictObject({ ...scenarioFields, notes: scenarioFields.notes.optional() });
export const scenarioPatch = z
  .strictObject({ ...scenarioFields, version })
  .partial()
  .required({ version: true })
  .refine((b) => b.name !== undefined || b.notes !== undefined || b.changes !== undefined, {
    message: "send at least one of name, notes, changes (and version)",
    params: { code: "nothing_to_change" },
  });

// 片区 clusters: named batches of compounds renovated together (连片改造). Shape checks only; the
// service checks the ids against the database and the one-cluster-per-compound rule.

/** At most this many compounds in one cluster (the largest sensible batch is a few dozen). */
export const CLUSTER_MAX_MEMBERS = 1000;
const memberIds = z
  .array(rowId("a compound"), { error: "expected memberIds: an array of compound ids" })
  .min(1, "a cluster needs at least one compound")
  .max(CLUSTER_MAX_MEMBERS, `at most ${CLUSTER_MAX_MEMBERS} compounds in a cluster`)
  .superRefine((ids, ctx) => {
    const seen = new Map<number, number>();
    ids.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `compound ${id} is already listed at memberIds[${first}]`,
          params: { code: "duplicate", at: `memberIds[${first}]` },
        });
      else seen.set(id, i);
    });
  });
const clusterFields = {
  name: safeString({ error: "expected a name" }).trim().min(1, "must not be empty").max(100, "at most 100 characters"),
  planYear: int4(2000, 2100).nullable(),
  notes: safeString().max(4000, "at most 4000 characters").nullable(),
  status: z.enum(clusterStatuses),
  memberIds,
};
export const clusterCreate = z.strictObject({
  ...clusterFields,
  planYear: clusterFields.planYear.optional(),
  notes: clusterFields.notes.optional(),
  status: clusterFields.status.default("draft"),
});
export const clusterPatch = z
  .strictObject({ ...clusterFields, version })
  .partial()
  .required({ version: true })
  .refine((b) => Object.keys(b).some((k) => k !== "version"), {
    message: "send at least one of name, planYear, notes, status, memberIds (and version)",
    params: { code: "nothing_to_change" },
  });
/** POST /api/clusters/sheet: the sheet of an unsaved selection; `clusterId` is the cluster being edited, if any. */
export const clusterSheetBody = z.strictObject({ memberIds, clusterId: rowId("the cluster being edited").optional() });
