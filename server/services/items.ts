import type { Knex } from "knex";
import type { z } from "zod";
import { writeAudit, type Actor } from "../db/audit.js";
import { currentVersion, snapshot, updateRow } from "../db/editing.js";
import { lockCompoundItemStatuses, lockItemStatus } from "../db/items.js";
import { inTransaction } from "../db/transaction.js";
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from "../errors.js";
import type { compoundItemsStatusChange, itemStatusChange } from "../schemas/bodies.js";
import { itemStatusSteps, itemStatusTransitions, type ItemStatus } from "../schemas/items.js";

// A renovation item's status workflow: planned → started (施工中) → completed (已完工), or
// cancelled; each move by the rule in server/schemas/items.ts, with its date, audited.

const todayIso = () => new Date().toISOString().slice(0, 10);

/** What an item at `from` may not do: the 409 for a move the rule does not allow. */
function notAllowed(id: number, from: ItemStatus, to: ItemStatus): ConflictError {
  const next = itemStatusTransitions[from];
  return new ConflictError(
    `Renovation item ${id} cannot go from ${from} to ${to}; from ${from} it can go to ${next.join(" or ") || "nowhere (completed is final)"}`,
    { code: "status_transition", params: { entity: "renovation_item", id, from, to, next: next.join(",") } },
  );
}

/**
 * The columns that take an item from its status through `steps` (each an allowed move) on date
 * `on`: started sets started_on, completed sets completed_on (not before the start: 400 naming
 * `field`), planned again (from cancelled) clears both.
 */
export function itemMoveColumns(
  item: { id: number; startedOn: string | null; completedOn: string | null },
  steps: readonly ItemStatus[],
  on: string,
  field = "on",
): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  let startedOn = item.startedOn;
  for (const step of steps) {
    cols.status = step;
    if (step === "started") {
      startedOn = on;
      cols.started_on = on;
    } else if (step === "completed") {
      if (startedOn !== null && on < startedOn) {
        throw new ValidationError([
          {
            name: field,
            reason: `item ${item.id} started on ${startedOn}; its completion date ${on} cannot be before that`,
            code: "date_order",
            params: { value: on, earlier: startedOn },
          },
        ]);
      }
      cols.completed_on = on;
    } else if (step === "planned") {
      startedOn = null;
      cols.started_on = null;
      cols.completed_on = null;
    }
  }
  return cols;
}

/**
 * The status columns of a PATCH that changes an item's status (dated today): 409 for a move the
 * rule does not allow. Nothing when the status stays.
 */
export function patchStatusColumns(
  before: { id: number; status: ItemStatus; startedOn: string | null; completedOn: string | null },
  to: ItemStatus | undefined,
  today = todayIso(),
): Record<string, unknown> {
  if (to === undefined || to === before.status) return {};
  if (!itemStatusTransitions[before.status].includes(to)) throw notAllowed(before.id, before.status, to);
  return itemMoveColumns(before, [to], today, "status");
}

/** The dates of an item created at `status` (a record of work already under way or done): today. */
export function newItemDates(status: ItemStatus | undefined, today = todayIso()): Record<string, unknown> {
  if (status === "started") return { started_on: today };
  if (status === "completed") return { started_on: today, completed_on: today };
  return {};
}

async function stale(knex: Knex, id: number, sent: number): Promise<never> {
  const now = await currentVersion(knex, "renovation_items", id);
  if (now === undefined) throw new NotFoundError(`renovation_item ${id}`);
  throw new VersionConflictError("renovation_item", id, now, sent);
}

/** Move one item to `body.to` (an allowed move, else 409) at its version, dated `on` or today; audited. Returns its compound. */
export async function changeItemStatus(knex: Knex, actor: Actor, id: number, body: z.infer<typeof itemStatusChange>, today = todayIso()): Promise<number> {
  return inTransaction(knex, async (trx) => {
    const item = await lockItemStatus(trx, id);
    if (!item) throw new NotFoundError(`renovation_item ${id}`);
    if (item.version !== body.version) await stale(trx, id, body.version);
    if (!itemStatusTransitions[item.status].includes(body.to)) throw notAllowed(id, item.status, body.to);
    const before = await snapshot(trx, "renovation_items", id);
    const cols = itemMoveColumns(item, [body.to], body.on ?? today);
    if (!(await updateRow(trx, "renovation_items", id, body.version, cols))) await stale(trx, id, body.version);
    await writeAudit(trx, { actor, action: "update", entity: "renovation_item", entityId: id, before, after: await snapshot(trx, "renovation_items", id) });
    return item.compoundId;
  });
}

/**
 * Move every listed item of compound `compoundId` that can get to `body.to` (through allowed
 * moves, never through cancelled: planned → started → completed), in one transaction: an item of
 * another compound is a 400, one stale version a 409, and then nothing moves. Items already there,
 * completed or cancelled stay. Each move is audited. Returns the ids moved.
 */
export async function changeCompoundItemsStatus(
  knex: Knex,
  actor: Actor,
  compoundId: number,
  body: z.infer<typeof compoundItemsStatusChange>,
  today = todayIso(),
): Promise<number[]> {
  return inTransaction(knex, async (trx) => {
    if ((await currentVersion(trx, "compounds", compoundId)) === undefined) throw new NotFoundError(`Compound ${compoundId}`);
    const rows = new Map((await lockCompoundItemStatuses(trx, compoundId)).map((r) => [r.id, r]));
    const foreign = body.items.flatMap((it, i) =>
      rows.has(it.id)
        ? []
        : [
            {
              name: `items[${i}].id`,
              reason: `item ${it.id} is not one of compound ${compoundId}'s renovation items`,
              code: "not_of_compound" as const,
              params: { id: it.id },
            },
          ],
    );
    if (foreign.length) throw new ValidationError(foreign);
    const staleOnes = body.items.filter((it) => rows.get(it.id)!.version !== it.version);
    if (staleOnes.length) {
      const list = staleOnes.map((it) => `${it.id} (at version ${rows.get(it.id)!.version}, you sent ${it.version})`).join(", ");
      const [first] = staleOnes;
      throw new ConflictError(`Renovation items ${list} were changed by someone else; nothing was moved. Reload and try again.`, {
        code: "version_conflict",
        params: { entity: "renovation_item", id: first.id, version: rows.get(first.id)!.version, sent: first.version },
      });
    }
    const on = body.on ?? today;
    const moved: number[] = [];
    for (const it of body.items) {
      const item = rows.get(it.id)!;
      const steps = itemStatusSteps(item.status, body.to);
      if (!steps?.length) continue;
      const before = await snapshot(trx, "renovation_items", it.id);
      const cols = itemMoveColumns(item, steps, on);
      if (!(await updateRow(trx, "renovation_items", it.id, it.version, cols))) await stale(trx, it.id, it.version);
      await writeAudit(trx, {
        actor,
        action: "update",
        entity: "renovation_item",
        entityId: it.id,
        before,
        after: await snapshot(trx, "renovation_items", it.id),
      });
      moved.push(it.id);
    }
    if (!moved.length)
      throw new ConflictError(`None of the ${body.items.length} listed items of compound ${compoundId} can go to ${body.to}; nothing was moved.`, {
        code: "no_item_can_move",
        params: { entity: "renovation_item", count: body.items.length, to: body.to },
      });
    return moved;
  });
}
