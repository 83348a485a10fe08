import { buildingCreate, buildingPatch, compoundItemsStatusChange, gateCreate, gatePatch, itemCreate, itemPatch, itemStatusChange } from "../schemas/bodies.js";
import { itemStatuses, itemStatusPaths, itemStatusTransitions } from "../schemas/items.js";
import { BUILDING, GATE, ITEM } from "../services/editing.js";
import { changeCompoundItemsStatus, changeItemStatus } from "../services/items.js";
import { createEntityWrites } from "./entities.js";
import { actorOf, cacheKey, type HandlerDeps, http, idParam, json, parse } from "./http.js";

// A compound's parts: gates (出入口), buildings (楼栋) and renovation items (改造项目). Created under
// their compound (`POST /compounds/:id/gates`), changed and deleted by their own id. Their map
// layers are read through layers.ts. Items move through their status workflow one at a time
// (`POST /items/:id/status`) or all of a compound's at once (`POST /compounds/:id/items/status`).

export function createPartHandlers(deps: HandlerDeps) {
  const w = createEntityWrites(deps);
  const { knex, cache } = deps;
  return {
    gates: { create: w.create(GATE, gateCreate, true), update: w.update(GATE, gatePatch), remove: w.remove(GATE) },
    buildings: { create: w.create(BUILDING, buildingCreate, true), update: w.update(BUILDING, buildingPatch), remove: w.remove(BUILDING) },
    items: {
      create: w.create(ITEM, itemCreate, true),
      update: w.update(ITEM, itemPatch),
      remove: w.remove(ITEM),
      /** The item statuses, where an item may go from each, and what a bulk move does to each (the editor offers those). */
      statuses: http(async (req, res) => {
        await cache.send(req, res, cacheKey(req), async () => json({ statuses: itemStatuses, transitions: itemStatusTransitions, bulk: itemStatusPaths() }));
      }),
      changeStatus: http(async (req, res) => {
        const compoundId = await changeItemStatus(knex, actorOf(req), idParam(req), parse(itemStatusChange, req.body));
        await w.sendCompound(res, compoundId);
      }),
      changeAllStatus: http(async (req, res) => {
        const id = idParam(req);
        await changeCompoundItemsStatus(knex, actorOf(req), id, parse(compoundItemsStatusChange, req.body));
        await w.sendCompound(res, id);
      }),
    },
  };
}
