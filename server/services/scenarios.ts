import type { Knex } from "knex";
import type { z } from "zod";
import { writeAudit, type Actor } from "../db/audit.js";
import { geometryProblem } from "../db/editing.js";
import type { ReferenceData } from "../schemas/reference.js";
import { inTransaction } from "../db/transaction.js";
import {
  deleteScenario as deleteRow,
  existingAmenityIds,
  findScenario,
  gateOffsetsM,
  insertScenario,
  listScenarios as listRows,
  scenarioRow,
  updateScenario as updateRow,
  type Scenario,
  type ScenarioSummary,
} from "../db/scenarios.js";
import { GATE_MAX_OFFSET_M } from "../../shared/placement.js";
import type { Role } from "../schemas/users.js";
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError, type FieldError } from "../errors.js";
import type { ScenarioChanges, scenarioCreate, scenarioPatch } from "../schemas/bodies.js";

/** The signed-in user behind a scenario write. */
export type ScenarioActor = Actor & { id: number; role: Role };

/** At most this many field errors in one answer; the rest are summed up. */
const MAX_REPORTED_ERRORS = 50;

/**
 * Check what the body schema cannot: categories against the standards profile, amenity and
 * compound ids against the database, every point against the city's bounds (the editing API's
 * check) and every gate against its compound's boundary (the editing API's 30 m rule). Throws one
 * ValidationError naming each field path, e.g. `changes.facilities[2].category`.
 */
export async function checkChanges(knex: Knex, reference: ReferenceData, changes: ScenarioChanges): Promise<void> {
  const errors: FieldError[] = [];
  const at = (list: "facilities" | "gates", i: number, field: string) => `changes.${list}[${i}].${field}`;

  const codes = reference.standards.categories.map((c) => c.code);
  changes.facilities.forEach((f, i) => {
    if (f.category !== undefined && !codes.includes(f.category)) {
      errors.push({
        name: at("facilities", i, "category"),
        reason: `"${f.category}" is not a category of the standards profile; expected one of ${codes.join(", ")}`,
        code: "unknown_category",
        params: { value: f.category },
      });
    }
  });

  const existing = await existingAmenityIds(
    knex,
    changes.facilities.flatMap((f) => (f.amenityId === undefined ? [] : [f.amenityId])),
  );
  const changedBy = new Map<number, number>();
  changes.facilities.forEach((f, i) => {
    if (f.amenityId === undefined) return;
    if (!existing.has(f.amenityId)) {
      errors.push({
        name: at("facilities", i, "amenityId"),
        reason: `amenity ${f.amenityId} does not exist`,
        code: "unknown_amenity",
        params: { id: f.amenityId },
      });
    } else if (changedBy.has(f.amenityId)) {
      errors.push({
        name: at("facilities", i, "amenityId"),
        reason: `amenity ${f.amenityId} is already changed by changes.facilities[${changedBy.get(f.amenityId)}]; change each amenity once`,
        code: "changed_twice",
        params: { at: `changes.facilities[${changedBy.get(f.amenityId)}]` },
      });
    } else {
      changedBy.set(f.amenityId, i);
    }
  });

  // City bounds: one query for all points; only when that fails, one per point to name the culprits.
  const points = [
    ...changes.facilities.flatMap((f, i) => (f.lonLat ? [{ name: at("facilities", i, "lonLat"), lonLat: f.lonLat }] : [])),
    ...changes.gates.map((g, i) => ({ name: at("gates", i, "lonLat"), lonLat: g.lonLat })),
  ];
  const outside = new Set<string>();
  if (points.length > 0 && (await geometryProblem(knex, { type: "MultiPoint", coordinates: points.map((p) => p.lonLat) }))) {
    for (const p of points) {
      const problem = await geometryProblem(knex, { type: "Point", coordinates: p.lonLat });
      if (problem) {
        outside.add(p.name);
        errors.push({ name: p.name, ...problem });
      }
    }
    if (outside.size === 0) errors.push({ name: "changes", reason: "the points do not all lie within the city's bounds", code: "outside_city" });
  }

  const offsets = await gateOffsetsM(
    knex,
    changes.gates.map((g, i) => ({ i, compoundId: g.compoundId, lon: g.lonLat[0], lat: g.lonLat[1] })),
  );
  changes.gates.forEach((g, i) => {
    const d = offsets.get(i);
    if (d === null || d === undefined) {
      errors.push({
        name: at("gates", i, "compoundId"),
        reason: `compound ${g.compoundId} does not exist`,
        code: "unknown_compound",
        params: { id: g.compoundId },
      });
    } else if (d > GATE_MAX_OFFSET_M && !outside.has(at("gates", i, "lonLat"))) {
      errors.push({
        name: at("gates", i, "lonLat"),
        reason: `a gate must lie on the compound's boundary; this point is ${d.toFixed(1)} m away from compound ${g.compoundId} (at most ${GATE_MAX_OFFSET_M} m)`,
        code: "gate_off_boundary",
        params: { distance: d.toFixed(1), limit: GATE_MAX_OFFSET_M },
      });
    }
  });

  if (errors.length > MAX_REPORTED_ERRORS) {
    const more = errors.length - MAX_REPORTED_ERRORS;
    errors.splice(MAX_REPORTED_ERRORS, more, { name: "changes", reason: `and ${more} more problems`, code: "more_problems", params: { count: more } });
  }
  if (errors.length) throw new ValidationError(errors);
}

export async function listScenarios(knex: Knex): Promise<ScenarioSummary[]> {
  return listRows(knex);
}

export async function readScenario(knex: Knex, id: number): Promise<Scenario> {
  const s = await findScenario(knex, id);
  if (!s) throw new NotFoundError(`Scenario ${id}`);
  return s;
}

/** Save a new scenario owned by `actor`, audited in the same transaction. */
export async function createScenario(knex: Knex, actor: ScenarioActor, reference: ReferenceData, body: z.infer<typeof scenarioCreate>): Promise<Scenario> {
  return inTransaction(knex, async (trx) => {
    await checkChanges(trx, reference, body.changes);
    const id = await insertScenario(trx, { name: body.name, notes: body.notes ?? null, changes: body.changes, createdBy: actor.id });
    await writeAudit(trx, { actor, action: "create", entity: "scenario", entityId: id, after: await scenarioRow(trx, id) });
    return (await findScenario(trx, id))!;
  });
}

/** The row, if it exists and `actor` may change it: its creator or an admin. */
async function ownedRow(knex: Knex, actor: ScenarioActor, id: number) {
  const row = await scenarioRow(knex, id);
  if (!row) throw new NotFoundError(`Scenario ${id}`);
  if (row.created_by !== actor.id && actor.role !== "admin") {
    throw new ForbiddenError(`Scenario ${id} belongs to someone else; only its creator or an admin may change or delete it`, {
      code: "not_owner",
      params: { entity: "scenario", id },
    });
  }
  return row;
}

async function conflictOrMissing(knex: Knex, id: number, sent: number): Promise<never> {
  const row = await scenarioRow(knex, id);
  if (!row) throw new NotFoundError(`Scenario ${id}`);
  throw new VersionConflictError("scenario", id, row.version, sent);
}

/** Change name, notes and/or changes if `version` still matches (409 otherwise), audited. */
export async function updateScenario(
  knex: Knex,
  actor: ScenarioActor,
  reference: ReferenceData,
  id: number,
  body: z.infer<typeof scenarioPatch>,
): Promise<Scenario> {
  return inTransaction(knex, async (trx) => {
    const before = await ownedRow(trx, actor, id);
    if (before.version !== body.version) await conflictOrMissing(trx, id, body.version);
    if (body.changes !== undefined) await checkChanges(trx, reference, body.changes);
    const { version, ...patch } = body;
    if (!(await updateRow(trx, id, version, patch))) await conflictOrMissing(trx, id, version);
    await writeAudit(trx, { actor, action: "update", entity: "scenario", entityId: id, before, after: await scenarioRow(trx, id) });
    return (await findScenario(trx, id))!;
  });
}

/** Delete a scenario at `version` (409 when stale), audited with what it was. */
export async function deleteScenario(knex: Knex, actor: ScenarioActor, id: number, version: number): Promise<void> {
  await inTransaction(knex, async (trx) => {
    const before = await ownedRow(trx, actor, id);
    if (!(await deleteRow(trx, id, version))) await conflictOrMissing(trx, id, version);
    await writeAudit(trx, { actor, action: "delete", entity: "scenario", entityId: id, before });
  });
}
