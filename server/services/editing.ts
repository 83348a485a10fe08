import type { Knex } from "knex";
import type { z } from "zod";
import { writeAudit, type Actor } from "../db/audit.js";
import {
  buildingForItem,
  compoundOf,
  currentVersion,
  deleteRow,
  distanceToBoundaryM,
  distanceToCompoundM,
  geometryProblem,
  insertRow,
  snapshot,
  updateRow,
  type EditableTable,
} from "../db/editing.js";
import { inTransaction } from "../db/transaction.js";
import { AppError, ConflictError, NotFoundError, ValidationError, VersionConflictError, type FieldError } from "../errors.js";
import type { statusChange } from "../schemas/bodies.js";
import { statusTransitions, type CompoundStatus } from "../schemas/compounds.js";
import type { ItemStatus } from "../schemas/items.js";
import { GATE_MAX_OFFSET_M, ITEM_MAX_OUTSIDE_M } from "../../shared/placement.js";
import type { CostTable } from "../schemas/reference.js";
import { newItemDates, patchStatusColumns } from "./items.js";

/** An editable entity: its table, audit name, and camelCase field → column. */
export interface EntitySpec {
  table: EditableTable;
  entity: "compound" | "gate" | "building" | "renovation_item";
  fields: Record<string, string>;
  /** Store Polygon input as MultiPolygon. */
  multi?: boolean;
}

export const COMPOUND: EntitySpec = {
  table: "compounds",
  entity: "compound",
  multi: true,
  fields: {
    name: "name",
    address: "address",
    buildYear: "build_year",
    households: "households",
    buildingCount: "building_count",
    floorAreaM2: "floor_area_m2",
    management: "management",
    communityId: "community_id",
    subdistrictId: "subdistrict_id",
    tier: "tier",
  },
};
export const GATE: EntitySpec = { table: "gates", entity: "gate", fields: { name: "name", kind: "kind" } };
export const BUILDING: EntitySpec = {
  table: "buildings",
  entity: "building",
  fields: { name: "name", floors: "floors", units: "units", hasElevator: "has_elevator", households: "households", buildYear: "build_year" },
};
export const ITEM: EntitySpec = {
  table: "renovation_items",
  entity: "renovation_item",
  fields: {
    kind: "kind",
    quantity: "quantity",
    unit: "unit",
    costYuan: "cost_yuan",
    status: "status",
    notes: "notes",
    buildingId: "building_id",
    buildingUnit: "building_unit",
  },
};

/** Item kinds that go on one building unit (单元) and need `buildingId`. */
export const BUILDING_UNIT_KINDS = ["elevator"];

/**
 * An item's building must be in the item's compound and its unit within the building's units;
 * an elevator needs its building. Without a geometry, such an item is placed on its building.
 */
async function checkItemBuilding(knex: Knex, compoundId: number, body: Body, before?: Record<string, unknown>): Promise<Body> {
  const kind = (body.kind ?? before?.kind) as string;
  const buildingId = (body.buildingId !== undefined ? body.buildingId : before?.building_id) as number | null | undefined;
  const unit = (body.buildingUnit !== undefined ? body.buildingUnit : before?.building_unit) as number | null | undefined;
  if (buildingId === null || buildingId === undefined) {
    if (BUILDING_UNIT_KINDS.includes(kind)) {
      throw new ValidationError([
        {
          name: "buildingId",
          reason: `a ${kind} goes on a building unit (单元): give buildingId, one of this compound's buildings, and buildingUnit`,
          code: "unit_required",
          params: { kind },
        },
      ]);
    }
    if (unit !== null && unit !== undefined)
      throw new ValidationError([{ name: "buildingUnit", reason: "a unit needs its building: give buildingId too", code: "building_required" }]);
    return body;
  }
  // Without a geometry the item goes on its unit: that share along the building's long side.
  const b = await buildingForItem(knex, buildingId, unit ?? null);
  if (!b)
    throw new ValidationError([{ name: "buildingId", reason: `there is no building ${buildingId}`, code: "unknown_building", params: { id: buildingId } }]);
  if (Number(b.compound_id) !== compoundId)
    throw new ValidationError([
      {
        name: "buildingId",
        reason: `building ${buildingId} belongs to compound ${b.compound_id}, not to this item's compound ${compoundId}`,
        code: "building_elsewhere",
        params: { id: buildingId },
      },
    ]);
  if (unit !== null && unit !== undefined && unit > Number(b.units)) {
    throw new ValidationError([
      {
        name: "buildingUnit",
        reason: `building ${buildingId} has ${b.units} units; got unit ${unit}`,
        code: "unit_out_of_range",
        params: { units: Number(b.units), value: unit },
      },
    ]);
  }
  if (!before && (body.geometry === undefined || body.geometry === null)) return { ...body, geometry: b.point };
  return body;
}

type Body = Record<string, unknown> & { geometry?: unknown; version?: number };

function columns(spec: EntitySpec, body: Body): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(spec.fields)) if (body[field] !== undefined) cols[column] = body[field];
  // A household figure typed in by a planner is theirs: an OSM import leaves it alone.
  if (spec === COMPOUND && body.households !== undefined) cols.households_source = "manual";
  return cols;
}

async function checkGeometry(knex: Knex, spec: EntitySpec, body: Body, compoundId: number | undefined) {
  if (body.geometry === undefined || body.geometry === null) return;
  const problem = await geometryProblem(knex, body.geometry);
  if (problem) throw new ValidationError([{ name: "geometry", ...problem }]);
  if ((spec === ITEM || spec === BUILDING) && compoundId !== undefined) {
    const d = await distanceToCompoundM(knex, compoundId, body.geometry);
    if (d !== undefined && d > ITEM_MAX_OUTSIDE_M) {
      throw new ValidationError([
        {
          name: "geometry",
          reason: `must lie in its compound; this is ${d.toFixed(1)} m outside it (at most ${ITEM_MAX_OUTSIDE_M} m)`,
          code: "outside_compound",
          params: { distance: d.toFixed(1), limit: ITEM_MAX_OUTSIDE_M },
        },
      ]);
    }
  }
  if (spec === GATE && compoundId !== undefined) {
    const d = await distanceToBoundaryM(knex, compoundId, body.geometry);
    if (d !== undefined && d > GATE_MAX_OFFSET_M) {
      throw new ValidationError([
        {
          name: "geometry",
          reason: `a gate must lie on the compound's boundary; this point is ${d.toFixed(1)} m away (at most ${GATE_MAX_OFFSET_M} m)`,
          code: "gate_off_boundary",
          params: { distance: d.toFixed(1), limit: GATE_MAX_OFFSET_M },
        },
      ]);
    }
  }
}

function itemDefaults(costs: CostTable, body: Body, existingKind?: string): Body {
  const kind = (body.kind as string | undefined) ?? existingKind;
  const entry = costs.items.find((i) => i.kind === kind);
  if (!entry) {
    throw new ValidationError([
      {
        name: "kind",
        reason: `"${kind}" is not on the renovation menu; expected one of ${costs.items.map((i) => i.kind).join(", ")}`,
        code: "unknown_kind",
        params: { value: String(kind) },
      },
    ]);
  }
  const out = { ...body };
  if (body.kind !== undefined) out.unit ??= entry.unit;
  if (body.quantity !== undefined && body.costYuan === undefined) out.costYuan = Math.round((body.quantity as number) * entry.unitCostYuan * 100) / 100;
  return out;
}

async function requireCompound(knex: Knex, id: number) {
  if ((await currentVersion(knex, "compounds", id)) === undefined) throw new NotFoundError(`Compound ${id}`);
}

async function conflictOrMissing(knex: Knex, spec: EntitySpec, id: number, sent: number): Promise<never> {
  const now = await currentVersion(knex, spec.table, id);
  if (now === undefined) throw new NotFoundError(`${spec.entity} ${id}`);
  throw new VersionConflictError(spec.entity, id, now, sent);
}

/**
 * Create a compound (no parent) or a gate, building or renovation item of compound `parentId`,
 * audited in the same transaction. Returns the new id.
 */
export async function createEntity(knex: Knex, actor: Actor, spec: EntitySpec, body: Body, opts: { parentId?: number; costs: CostTable }): Promise<number> {
  return inTransaction(knex, async (trx) => {
    if (opts.parentId !== undefined) await requireCompound(trx, opts.parentId);
    let input = spec === ITEM ? itemDefaults(opts.costs, body) : body;
    if (spec === ITEM) input = await checkItemBuilding(trx, opts.parentId!, input);
    await checkGeometry(trx, spec, input, opts.parentId);
    const cols = columns(spec, input);
    if (spec === ITEM) Object.assign(cols, newItemDates(input.status as ItemStatus | undefined));
    if (opts.parentId !== undefined) cols.compound_id = opts.parentId;
    const id = await insertRow(trx, spec.table, cols, input.geometry, spec.multi);
    await writeAudit(trx, { actor, action: "create", entity: spec.entity, entityId: id, after: await snapshot(trx, spec.table, id) });
    return id;
  });
}

/** Update fields of an entity if its version still matches (409 otherwise), audited. */
export async function updateEntity(knex: Knex, actor: Actor, spec: EntitySpec, id: number, body: Body, costs: CostTable): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const before = await snapshot(trx, spec.table, id);
    if (!before) throw new NotFoundError(`${spec.entity} ${id}`);
    let input = spec === ITEM && (body.kind !== undefined || body.quantity !== undefined) ? itemDefaults(costs, body, before.kind as string) : body;
    const parent = spec === COMPOUND ? undefined : await compoundOf(trx, spec.table as "gates", id);
    if (spec === ITEM && parent !== undefined) input = await checkItemBuilding(trx, parent, input, before);
    await checkGeometry(trx, spec, input, parent);
    const cols = columns(spec, input);
    // A status change goes by the item workflow (server/schemas/items.ts), dated today.
    if (spec === ITEM) Object.assign(cols, itemStatusPatch(before, body.status as ItemStatus | undefined, body.version!));
    const ok = await updateRow(trx, spec.table, id, body.version!, cols, input.geometry, spec.multi);
    if (!ok) await conflictOrMissing(trx, spec, id, body.version!);
    await writeAudit(trx, { actor, action: "update", entity: spec.entity, entityId: id, before, after: await snapshot(trx, spec.table, id) });
  });
}

/** The status columns of an item PATCH, checked only when the version matches (a stale one answers 409 about the version). */
function itemStatusPatch(before: Record<string, unknown>, to: ItemStatus | undefined, version: number): Record<string, unknown> {
  if (before.version !== version) return {};
  const row = {
    id: before.id as number,
    status: before.status as ItemStatus,
    startedOn: (before.started_on as string | null) ?? null,
    completedOn: (before.completed_on as string | null) ?? null,
  };
  return patchStatusColumns(row, to);
}

/** Delete an entity at `version` (409 when stale), audited with what it was. */
export async function deleteEntity(knex: Knex, actor: Actor, spec: EntitySpec, id: number, version: number): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const before = await snapshot(trx, spec.table, id);
    if (!before) throw new NotFoundError(`${spec.entity} ${id}`);
    if (!(await deleteRow(trx, spec.table, id, version))) await conflictOrMissing(trx, spec, id, version);
    await writeAudit(trx, { actor, action: "delete", entity: spec.entity, entityId: id, before });
  });
}

/**
 * The compound a gate, building or renovation item belongs to, or undefined when there is no
 * such row (the routes answer with the compound after a child changes).
 */
export function parentCompound(knex: Knex, table: "gates" | "buildings" | "renovation_items", id: number): Promise<number | undefined> {
  return compoundOf(knex, table, id);
}

export class UnprocessableError extends AppError {
  constructor(detail: string, errors: FieldError[] = []) {
    super(422, "/problems/acceptance", "Cannot accept yet", detail, errors);
  }
}

/**
 * Move a compound through planned → started → completed → accepted with dates. Acceptance needs
 * the survey figures: at least `minSurveyedShare` of households surveyed and `minSatisfiedShare`
 * of those satisfied (geodata/costs.json `acceptance`); otherwise 422 with the reason.
 */
export async function changeStatus(
  knex: Knex,
  actor: Actor,
  id: number,
  body: z.infer<typeof statusChange>,
  costs: CostTable,
  today = new Date().toISOString().slice(0, 10),
): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const before = await snapshot(trx, "compounds", id);
    if (!before) throw new NotFoundError(`Compound ${id}`);
    if (before.version !== body.version) await conflictOrMissing(trx, COMPOUND, id, body.version);
    const from = before.status as CompoundStatus;
    const next = statusTransitions[from];
    if (!next.includes(body.to)) {
      throw new ConflictError(`A compound cannot go from ${from} to ${body.to}; from ${from} it can go to ${next.join(" or ") || "nowhere (final)"}`, {
        code: "status_transition",
        params: { entity: "compound", id, from, to: body.to, next: next.join(",") },
      });
    }
    const on = body.on ?? today;
    const cols: Record<string, unknown> = { status: body.to };
    const dateAfter = (field: string, earlier: unknown, label: string) => {
      if (typeof earlier === "string" && on < earlier) {
        throw new ValidationError([
          { name: "on", reason: `${field} date ${on} is before the ${label} date ${earlier}`, code: "date_order", params: { value: on, earlier } },
        ]);
      }
    };
    if (body.to === "planned") {
      const planYear = body.planYear ?? (before.plan_year as number | null);
      if (!planYear) throw new ValidationError([{ name: "planYear", reason: "listing a compound needs the plan year", code: "required" }]);
      cols.plan_year = planYear;
      if (body.tier) cols.tier = body.tier;
    } else if (body.to === "unlisted") {
      Object.assign(cols, { plan_year: null, started_on: null, completed_on: null, accepted_on: null });
    } else if (body.to === "started") {
      cols.started_on = on;
    } else if (body.to === "completed") {
      dateAfter("completion", before.started_on, "start");
      cols.completed_on = on;
    } else if (body.to === "accepted") {
      dateAfter("acceptance", before.completed_on, "completion");
      const households = before.households as number;
      const surveyed = body.surveyedHouseholds;
      const satisfied = body.satisfiedHouseholds;
      const errors = [];
      if (surveyed === undefined)
        errors.push({ name: "surveyedHouseholds", reason: "acceptance needs the number of households surveyed", code: "required" as const });
      if (satisfied === undefined)
        errors.push({ name: "satisfiedHouseholds", reason: "acceptance needs the number of satisfied households", code: "required" as const });
      if (errors.length) throw new UnprocessableError("Acceptance needs the satisfaction survey figures", errors);
      const { minSurveyedShare, minSatisfiedShare } = costs.acceptance;
      if (satisfied! > surveyed!)
        throw new ValidationError([{ name: "satisfiedHouseholds", reason: "cannot exceed surveyedHouseholds", code: "exceeds", params: { limit: surveyed! } }]);
      if (surveyed! > households)
        throw new ValidationError([
          { name: "surveyedHouseholds", reason: `cannot exceed the compound's ${households} households`, code: "exceeds", params: { limit: households } },
        ]);
      if (surveyed! < Math.ceil(minSurveyedShare * households - 1e-9)) {
        throw new UnprocessableError(
          `Only ${surveyed} of ${households} households were surveyed; acceptance needs at least ${(minSurveyedShare * 100).toFixed(1)}% (${Math.ceil(minSurveyedShare * households - 1e-9)})`,
          [
            {
              name: "surveyedHouseholds",
              reason: "too few households surveyed",
              code: "too_few_surveyed",
              params: { minimum: Math.ceil(minSurveyedShare * households - 1e-9), share: `${(minSurveyedShare * 100).toFixed(1)}%` },
            },
          ],
        );
      }
      if (satisfied! / surveyed! < minSatisfiedShare) {
        throw new UnprocessableError(
          `Only ${((satisfied! / surveyed!) * 100).toFixed(1)}% of surveyed households are satisfied; acceptance needs at least ${(minSatisfiedShare * 100).toFixed(0)}%`,
          [
            {
              name: "satisfiedHouseholds",
              reason: "satisfaction below the threshold",
              code: "below_threshold",
              params: { value: `${((satisfied! / surveyed!) * 100).toFixed(1)}%`, share: `${(minSatisfiedShare * 100).toFixed(0)}%` },
            },
          ],
        );
      }
      Object.assign(cols, { accepted_on: on, surveyed_households: surveyed, satisfied_households: satisfied });
    }
    if (!(await updateRow(trx, "compounds", id, body.version, cols))) await conflictOrMissing(trx, COMPOUND, id, body.version);
    await writeAudit(trx, { actor, action: "update", entity: "compound", entityId: id, before, after: await snapshot(trx, "compounds", id) });
  });
}
