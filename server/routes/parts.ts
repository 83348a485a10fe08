import { buildingCreate, buildingPatch, gateCreate, gatePatch, itemCreate, itemPatch } from "../schemas/bodies.js";
import { BUILDING, GATE, ITEM } from "../services/editing.js";
import { createEntityWrites } from "./entities.js";
import type { HandlerDeps } from "./http.js";

// A compound's parts: gates (出入口), buildings (楼栋) and renovation items (改造项目). Created under
// their compound (`POST /compounds/:id/gates`), changed and deleted by their own id. Their map
// layers are read through layers.ts.

export function createPartHandlers(deps: HandlerDeps) {
  const w = createEntityWrites(deps);
  return {
    gates: { create: w.create(GATE, gateCreate, true), update: w.update(GATE, gatePatch), remove: w.remove(GATE) },
    buildings: { create: w.create(BUILDING, buildingCreate, true), update: w.update(BUILDING, buildingPatch), remove: w.remove(BUILDING) },
    items: { create: w.create(ITEM, itemCreate, true), update: w.update(ITEM, itemPatch), remove: w.remove(ITEM) },
  };
}
