import type { Knex } from "knex";
import type { ItemStatus } from "../schemas/items.js";

// Renovation items' status rows: what a status move reads (locked for the move's transaction).

export interface ItemStatusRow {
  id: number;
  compoundId: number;
  status: ItemStatus;
  version: number;
  startedOn: string | null;
  completedOn: string | null;
}

const STATUS_COLUMNS = [
  "id",
  "compound_id as compoundId",
  "status",
  "version",
  { startedOn: "to_char(started_on, 'YYYY-MM-DD')" },
  { completedOn: "to_char(completed_on, 'YYYY-MM-DD')" },
];

function statusQuery(knex: Knex) {
  return knex("renovation_items").select(STATUS_COLUMNS.map((c) => (typeof c === "string" ? c : knex.raw(`${Object.values(c)[0]} AS "${Object.keys(c)[0]}"`))));
}

/** One item's status row, locked until the transaction ends; undefined when there is no such item. */
export async function lockItemStatus(knex: Knex, id: number): Promise<ItemStatusRow | undefined> {
  return statusQuery(knex).where({ id }).forUpdate().first();
}

/** Every item of a compound (by id), locked until the transaction ends. */
export async function lockCompoundItemStatuses(knex: Knex, compoundId: number): Promise<ItemStatusRow[]> {
  return statusQuery(knex).where({ compound_id: compoundId }).orderBy("id").forUpdate();
}
