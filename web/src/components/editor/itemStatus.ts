import type { ItemStatusRules } from "../../../../server/schemas/features";
import { useApi } from "../../api/client";
import type { CompoundDetail } from "../../api/resources";
import type { CompoundEdit } from "./useCompoundEdit";

// The renovation items' status workflow in the editor: the server's rule (GET /api/items/statuses,
// from server/schemas/items.ts), never a copy, and the writes that move items along it.

export type ItemStatus = ItemStatusRules["statuses"][number];
export type { ItemStatusRules };

/** The item statuses, the moves allowed from each, and what a bulk move does from each. */
export const useItemStatusRules = () => useApi<ItemStatusRules>("/api/items/statuses");

/** Today as the date inputs want it (YYYY-MM-DD, local time). */
export function todayInput(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The compound's items that a bulk move to `to` would move (those with a path of allowed moves there). */
export function itemsThatCanMove(data: CompoundDetail, rules: ItemStatusRules | undefined, to: ItemStatus) {
  if (!rules) return [];
  return data.renovationItems.filter((i) => rules.bulk[i.properties.status]?.[to] !== undefined);
}

/** Move one item to `to` on `on`, at the version it was loaded with. */
export function moveItem(edit: CompoundEdit, item: { id: number; properties: { version: number } }, to: ItemStatus, on: string) {
  return edit.send("POST", `/api/items/${item.id}/status`, { to, on: on || undefined, version: item.properties.version });
}

/** Move every item of the compound that can get to `to` (one transaction on the server), each at its loaded version. */
export function moveAllItems(edit: CompoundEdit, data: CompoundDetail, rules: ItemStatusRules | undefined, to: ItemStatus, on: string) {
  const items = itemsThatCanMove(data, rules, to).map((i) => ({ id: i.id, version: i.properties.version }));
  return edit.send("POST", `/api/compounds/${data.properties.id}/items/status`, { to, on: on || undefined, items });
}
