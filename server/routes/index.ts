import { Router } from "express";
import { createHandlers, type HandlerDeps } from "./handlers.js";

/** Every API route, one line each. */
export function apiRoutes(deps: HandlerDeps): Router {
  const h = createHandlers(deps);
  const router = Router();
  router.get("/health", h.health);
  router.get("/config", h.config);
  router.get("/compounds", h.listCompounds);
  router.get("/compounds/:id", h.readCompound);
  router.get("/amenities", h.listAmenities);
  router.get("/buildings", h.layer("buildings"));
  router.get("/gates", h.layer("gates"));
  router.get("/streets", h.layer("streets"));
  router.get("/water", h.layer("water"));
  router.get("/subdistricts", h.layer("subdistricts"));
  router.get("/communities", h.layer("communities"));
  router.get("/standards", h.standards);
  router.get("/costs", h.costs);
  router.get("/stats/progress", h.progress);
  router.get("/network/walk", h.walkNetwork);
  return router;
}
