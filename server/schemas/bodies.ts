import { z } from "zod";
import { compoundStatuses } from "../db/compounds.js";
import { roles } from "../db/users.js";
import { tierCodes } from "./reference.js";

// Request bodies of the write API. Geometry is GeoJSON in EPSG:4326 ([lon, lat]); PostGIS checks
// validity and the city's bounds after these shape checks.

const lonLat = "coordinates must be [lon, lat] in degrees (EPSG:4326): lon within ±180, lat within ±90";
const position = z.tuple([z.number().min(-180, lonLat).max(180, lonLat), z.number().min(-90, lonLat).max(90, lonLat)], {
  error: lonLat,
}).rest(z.number());
const ring = z.array(position).min(4, "a ring needs at least 4 positions (closed)").refine(
  (r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1], "a ring must end where it starts");
const noCrsOrWgs84 = z.object({ crs: z.unknown() }).partial().refine(
  (g) => g.crs === undefined || JSON.stringify(g.crs).match(/CRS84|4326/), "only EPSG:4326 / CRS84 coordinates are accepted");

export const pointGeometry = z.object({ type: z.literal("Point"), coordinates: position }).and(noCrsOrWgs84);
export const polygonGeometry = z.object({ type: z.literal("Polygon"), coordinates: z.array(ring).min(1) }).and(noCrsOrWgs84);
export const areaGeometry = z.union([
  polygonGeometry,
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(ring).min(1)).min(1) }).and(noCrsOrWgs84),
], { error: "expected a GeoJSON Polygon or MultiPolygon" });
export const itemGeometry = z.union([
  pointGeometry, polygonGeometry,
  z.object({ type: z.literal("MultiPoint"), coordinates: z.array(position).min(1) }),
  z.object({ type: z.literal("LineString"), coordinates: z.array(position).min(2) }),
], { error: "expected a GeoJSON Point, MultiPoint, LineString or Polygon" }).nullable();

const version = z.number().int().positive();
const name = z.string().trim().min(1, "must not be empty").max(100);
const year = z.number().int().min(1900).max(2100);
const count = z.number().int().min(0);

const compoundFields = {
  name,
  address: z.string().trim().max(200).nullable(),
  buildYear: year.nullable(),
  households: count,
  buildingCount: count,
  floorAreaM2: z.number().min(0).nullable(),
  management: z.enum(["professional", "self", "none"]),
  communityId: z.number().int().positive().nullable(),
  subdistrictId: z.number().int().positive().nullable(),
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
export const compoundPatch = z.strictObject({ ...compoundFields, version }).partial().required({ version: true });

const gateFields = { name: z.string().trim().max(50).nullable(), kind: z.enum(["main", "pedestrian", "vehicle"]), geometry: pointGeometry };
export const gateCreate = z.strictObject({ ...gateFields, name: gateFields.name.optional(), kind: gateFields.kind.default("main") });
export const gatePatch = z.strictObject({ ...gateFields, version }).partial().required({ version: true });

const buildingFields = {
  name: z.string().trim().max(50).nullable(),
  floors: z.number().int().min(1).max(150),
  units: z.number().int().min(1).max(100),
  hasElevator: z.boolean(),
  households: count.nullable(),
  buildYear: year.nullable(),
  geometry: polygonGeometry,
};
export const buildingCreate = z.strictObject({
  ...buildingFields, name: buildingFields.name.optional(), units: buildingFields.units.default(1),
  hasElevator: buildingFields.hasElevator.default(false), households: buildingFields.households.optional(),
  buildYear: buildingFields.buildYear.optional(),
});
export const buildingPatch = z.strictObject({ ...buildingFields, version }).partial().required({ version: true });

const itemFields = {
  kind: z.string().trim().min(1),
  quantity: z.number().min(0).max(1e9),
  unit: z.string().trim().min(1).max(20),
  costYuan: z.number().min(0).max(1e12),
  status: z.enum(["planned", "started", "completed", "cancelled"]),
  notes: z.string().max(2000).nullable(),
  geometry: itemGeometry,
  /** The building (and its unit, 单元) the item belongs to: needed for an elevator retrofit. */
  buildingId: z.number().int().positive().nullable(),
  buildingUnit: z.number().int().min(1).max(99).nullable(),
};
export const itemCreate = z.strictObject({
  ...itemFields, unit: itemFields.unit.optional(), costYuan: itemFields.costYuan.optional(),
  status: itemFields.status.default("planned"), notes: itemFields.notes.optional(), geometry: itemFields.geometry.optional(),
  buildingId: itemFields.buildingId.optional(), buildingUnit: itemFields.buildingUnit.optional(),
});
export const itemPatch = z.strictObject({ ...itemFields, version }).partial().required({ version: true });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(d)), "not a real date");
export const statusChange = z.strictObject({
  to: z.enum(compoundStatuses),
  on: isoDate.optional(),
  planYear: z.number().int().min(2000).max(2100).optional(),
  tier: z.enum(tierCodes).optional(),
  surveyedHouseholds: count.optional(),
  satisfiedHouseholds: count.optional(),
  version,
});

export const signInBody = z.strictObject({ name: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const userCreate = z.strictObject({
  name: z.string().trim().regex(/^[\p{L}\p{N}_.-]{2,40}$/u, "2–40 letters, digits, _ . -"),
  displayName: z.string().trim().max(100).nullable().optional(),
  role: z.enum(roles),
  password: z.string(),
});
export const userPatch = z.strictObject({
  displayName: z.string().trim().max(100).nullable().optional(),
  role: z.enum(roles).optional(),
  disabled: z.boolean().optional(),
  password: z.string().optional(),
  version,
});

// Saved what-if scenarios for the coverage analysis. These are shape checks; the service checks
// categories against the standards profile, ids against the database and points against the city.

/** At most this many facility and gate changes in one scenario, together. */
export const SCENARIO_MAX_CHANGES = 500;
const MAX_INT4 = 2147483647;
const scenarioKey = z.string().min(1, "must not be empty").max(64, "at most 64 characters");
const scenarioLonLat = z.tuple([
  z.number().min(-180, lonLat).max(180, lonLat),
  z.number().min(-90, lonLat).max(90, lonLat),
], { error: "expected [lon, lat]: two numbers in degrees (EPSG:4326)" });
const rowId = (what: string) => z.number({ error: `expected the id of ${what}` }).int(`expected the id of ${what}`).min(1).max(MAX_INT4);

const facilityChange = z.strictObject({
  key: scenarioKey,
  action: z.enum(["add", "move", "remove"]),
  category: z.string().min(1).max(100).optional(),
  amenityId: rowId("an existing amenity").optional(),
  lonLat: scenarioLonLat.optional(),
}).superRefine((c, ctx) => {
  const need = (field: keyof typeof c, why: string) => {
    if (c[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
  };
  const forbid = (field: keyof typeof c, why: string) => {
    if (c[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
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
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [listName, i, "key"], message: `"${c.key}" is already used by ${listName}[${first}]; keys must be unique` });
    else seen.set(c.key, i);
  });
}

export const scenarioChanges = z.strictObject({
  facilities: z.array(facilityChange).max(SCENARIO_MAX_CHANGES, `at most ${SCENARIO_MAX_CHANGES} changes in a scenario`).default([]),
  gates: z.array(gateChange).max(SCENARIO_MAX_CHANGES, `at most ${SCENARIO_MAX_CHANGES} changes in a scenario`).default([]),
}).superRefine((c, ctx) => {
  const total = c.facilities.length + c.gates.length;
  if (total > SCENARIO_MAX_CHANGES) {
    ctx.addIssue({ code: "custom", path: [], message: `at most ${SCENARIO_MAX_CHANGES} changes in a scenario (facilities and gates together); this has ${total}` });
  }
  uniqueKeys(c.facilities, "facilities", ctx);
  uniqueKeys(c.gates, "gates", ctx);
});
export type ScenarioChanges = z.infer<typeof scenarioChanges>;

const scenarioFields = {
  name: z.string({ error: "expected a name" }).trim().min(1, "must not be empty").max(100, "at most 100 characters"),
  notes: z.string().max(4000, "at most 4000 characters").nullable(),
  changes: scenarioChanges,
};
export const scenarioCreate = z.strictObject({ ...scenarioFields, notes: scenarioFields.notes.optional() });
export const scenarioPatch = z.strictObject({ ...scenarioFields, version }).partial().required({ version: true })
  .refine((b) => b.name !== undefined || b.notes !== undefined || b.changes !== undefined, "send at least one of name, notes, changes (and version)");

// 片区 clusters: named batches of compounds renovated together (连片改造). Shape checks only; the
// service checks the ids against the database and the one-cluster-per-compound rule.

/** At most this many compounds in one cluster (the largest sensible batch is a few dozen). */
export const CLUSTER_MAX_MEMBERS = 1000;
const memberIds = z.array(rowId("a compound"), { error: "expected memberIds: an array of compound ids" })
  .min(1, "a cluster needs at least one compound")
  .max(CLUSTER_MAX_MEMBERS, `at most ${CLUSTER_MAX_MEMBERS} compounds in a cluster`)
  .superRefine((ids, ctx) => {
    const seen = new Map<number, number>();
    ids.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `compound ${id} is already listed at memberIds[${first}]` });
      else seen.set(id, i);
    });
  });
const clusterFields = {
  name: z.string({ error: "expected a name" }).trim().min(1, "must not be empty").max(100, "at most 100 characters"),
  planYear: z.number().int().min(2000).max(2100).nullable(),
  notes: z.string().max(4000, "at most 4000 characters").nullable(),
  status: z.enum(["draft", "planned", "started", "completed"]),
  memberIds,
};
export const clusterCreate = z.strictObject({
  ...clusterFields,
  planYear: clusterFields.planYear.optional(),
  notes: clusterFields.notes.optional(),
  status: clusterFields.status.default("draft"),
});
export const clusterPatch = z.strictObject({ ...clusterFields, version }).partial().required({ version: true })
  .refine((b) => Object.keys(b).some((k) => k !== "version"), "send at least one of name, planYear, notes, status, memberIds (and version)");
/** POST /api/clusters/sheet: the sheet of an unsaved selection; `clusterId` is the cluster being edited, if any. */
export const clusterSheetBody = z.strictObject({ memberIds, clusterId: rowId("the cluster being edited").optional() });
